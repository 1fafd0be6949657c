package io.raftvip.coordinator.core.sim;

import io.raftvip.coordinator.core.lease.TimingSettings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Runs many seeds of one scenario and summarises them. */
final class SimRunner {

  /** What a batch of seeds found. */
  static final class Batch {
    final Scenario scenario;
    final Flaw flaw;
    final List<SimResult> failures = new ArrayList<>();
    final List<Double> figures = new ArrayList<>();
    final List<Double> figures2 = new ArrayList<>();
    final List<Double> convergence = new ArrayList<>();
    final List<Double> commitLatency = new ArrayList<>();
    int runs;
    long events;
    long elections;
    long wallMs;

    Batch(Scenario scenario, Flaw flaw) {
      this.scenario = scenario;
      this.flaw = flaw;
    }

    String summary() {
      return String.format(
          Locale.ROOT,
          "%s/%s: %d seeds, %d events (%.0f per seed), %d elections, %d failing, %d ms wall",
          scenario,
          flaw,
          runs,
          events,
          events / (double) Math.max(1, runs),
          elections,
          failures.size(),
          wallMs);
    }
  }

  private SimRunner() {}

  /**
   * Runs seeds {@code firstSeed ..} of {@code scenario} with {@code flaw}; stops after {@code
   * count} seeds, or at the first failure when {@code stopAtFirstFailure}.
   */
  static Batch run(
      Scenario scenario, Flaw flaw, long firstSeed, int count, boolean stopAtFirstFailure) {
    Batch b = new Batch(scenario, flaw);
    long start = System.nanoTime();
    for (long seed = firstSeed; seed < firstSeed + count; seed++) {
      SimResult r = new Simulation(seed, scenario, flaw, TimingSettings.defaults()).run();
      b.runs++;
      b.events += r.events;
      b.elections += r.elections;
      b.commitLatency.addAll(r.commitLatencyMs);
      if (r.figureMs >= 0) {
        b.figures.add(r.figureMs);
      }
      if (r.figure2Ms >= 0) {
        b.figures2.add(r.figure2Ms);
      }
      if (r.convergenceMs >= 0) {
        b.convergence.add(r.convergenceMs);
      }
      if (!r.ok()) {
        b.failures.add(r);
        if (stopAtFirstFailure) {
          break;
        }
      }
    }
    b.wallMs = (System.nanoTime() - start) / 1_000_000;
    return b;
  }

  /** The q-quantile (0..1) of {@code values}, nearest rank. */
  static double quantile(List<Double> values, double q) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(q * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  /** "n=.. min/p50/p90/max = .." in ms. */
  static String distribution(List<Double> values) {
    if (values.isEmpty()) {
      return "n=0";
    }
    return String.format(
        Locale.ROOT,
        "n=%d min %.1f / p50 %.1f / p90 %.1f / max %.1f ms",
        values.size(),
        quantile(values, 0),
        quantile(values, 0.5),
        quantile(values, 0.9),
        quantile(values, 1));
  }
}
