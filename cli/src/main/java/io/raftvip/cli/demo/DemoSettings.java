package io.raftvip.cli.demo;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What the demo runs and how long each part takes. Validated on construction.
 *
 * @param scenarios the faults, in the demo's order
 * @param simulated run the cluster in this process on an in-memory data plane instead of agent
 *     processes on a namespace LAN
 * @param outDir where logs, configs, the JSON timeline and the SVG chart go
 * @param steadyMs observation before each fault
 * @param faultMs how long the owner stays SIGSTOPped or partitioned
 * @param observeMs observation after each takeover (or after the fault ended)
 */
record DemoSettings(
    List<Scenario> scenarios,
    boolean simulated,
    Path outDir,
    long steadyMs,
    long faultMs,
    long observeMs) {

  DemoSettings {
    Objects.requireNonNull(outDir, "outDir");
    scenarios = List.copyOf(scenarios);
    if (scenarios.isEmpty()) {
      throw new IllegalArgumentException("at least one scenario is needed");
    }
    for (long v : new long[] {steadyMs, faultMs, observeMs}) {
      if (v < 100 || v > 60_000) {
        throw new IllegalArgumentException("phase durations must be 100..60000 ms, was " + v);
      }
    }
  }

  /** The demo's defaults: 1 s steady state, 5 s pause and partition, 1.5 s after each. */
  static DemoSettings of(List<Scenario> scenarios, boolean simulated, Path outDir) {
    return new DemoSettings(scenarios, simulated, outDir, 1_000, 5_000, 1_500);
  }
}
