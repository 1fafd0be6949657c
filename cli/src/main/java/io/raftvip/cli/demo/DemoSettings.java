package io.raftvip.cli.demo;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What the demo runs and how long each part takes. Validated on construction.
 *
 * @param scenarios the faults, in the demo's order
 * @param leaseMs the node lease; the renewal interval is a quarter of it
 * @param outDir where logs, the JSON timeline and the SVG chart go
 * @param steadyMs observation before each fault
 * @param stopMs how long the holder's agent stays SIGSTOPped
 * @param partitionMs how long the holder stays cut off
 * @param observeMs observation after each takeover
 */
record DemoSettings(
    List<Scenario> scenarios,
    long leaseMs,
    Path outDir,
    long steadyMs,
    long stopMs,
    long partitionMs,
    long observeMs) {

  static final long LEASE_MIN_MS = 40;
  static final long LEASE_MAX_MS = 10_000;

  DemoSettings {
    Objects.requireNonNull(outDir, "outDir");
    scenarios = List.copyOf(scenarios);
    if (scenarios.isEmpty()) {
      throw new IllegalArgumentException("at least one scenario is needed");
    }
    if (leaseMs < LEASE_MIN_MS || leaseMs > LEASE_MAX_MS) {
      throw new IllegalArgumentException(
          "lease must be " + LEASE_MIN_MS + ".." + LEASE_MAX_MS + " ms, was " + leaseMs);
    }
    for (long v : new long[] {steadyMs, stopMs, partitionMs, observeMs}) {
      if (v < 100 || v > 60_000) {
        throw new IllegalArgumentException("phase durations must be 100..60000 ms, was " + v);
      }
    }
  }

  /** The demo's defaults for {@code scenarios}, {@code leaseMs} and {@code outDir}. */
  static DemoSettings of(List<Scenario> scenarios, long leaseMs, Path outDir) {
    return new DemoSettings(scenarios, leaseMs, outDir, 700, 3_000, 2_000, 1_000);
  }

  long renewIntervalMs() {
    return Math.max(1, leaseMs / 4);
  }
}
