package io.raftvip.coordinator.core.sim;

import java.util.ArrayList;
import java.util.List;

/** What one simulation run found and measured. */
final class SimResult {
  final long seed;
  final List<String> violations = new ArrayList<>();
  String timeline = "";
  long events;
  long commits;
  long elections;

  /** Scenario figure in ms (takeover, outage...), or -1 when the scenario did not apply. */
  double figureMs = -1;

  /** Second figure (e.g. total duration of a planned move), or -1. */
  double figure2Ms = -1;

  /** For random faults: ms from healing to every VIP served, or -1 if never. */
  double convergenceMs = -1;

  /** Commit latencies (submit at leader to commit) in ms. */
  final List<Double> commitLatencyMs = new ArrayList<>();

  SimResult(long seed) {
    this.seed = seed;
  }

  boolean ok() {
    return violations.isEmpty();
  }

  String report() {
    return "seed " + seed + ": " + violations + "\n--- last events ---\n" + timeline;
  }
}
