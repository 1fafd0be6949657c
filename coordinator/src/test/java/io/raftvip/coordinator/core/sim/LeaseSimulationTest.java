package io.raftvip.coordinator.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The safety property under faults: at no instant do two nodes serve (fence open and address
 * configured) the same VIP, across hundreds of seeded runs of crashes, pauses, partitions, lossy
 * and slow networks, drifting clocks, elections, admin moves, drains and health flaps; plus replica
 * determinism, log matching, monotonic epochs, acknowledged commands kept, and liveness after
 * healing. The negative controls break one rule each and must make the checker fail.
 *
 * <p>Every failure prints its seed and the last events; rerun one seed with {@code new
 * Simulation(seed, scenario, flaw, TimingSettings.defaults()).run()}. More seeds: {@code
 * -Draftvip.sim.seeds=2000}.
 */
class LeaseSimulationTest {

  private static final int SEEDS = Integer.getInteger("raftvip.sim.seeds", 250);

  /** Liveness bound after healing: election + quarantine + expiry + rejoin, with margin. */
  private static final double CONVERGENCE_BOUND_MS = 4000;

  @Test
  void randomFaultsNeverOverlapAndConverge() {
    SimRunner.Batch b = SimRunner.run(Scenario.RANDOM_FAULTS, Flaw.NONE, 1, SEEDS, false);
    report(b);
    System.out.println("  convergence after healing: " + SimRunner.distribution(b.convergence));
    System.out.println("  commit latency: " + SimRunner.distribution(b.commitLatency));
    assertNoFailures(b);
    assertThat(b.convergence).hasSize(b.runs);
    assertThat(SimRunner.quantile(b.convergence, 1)).isLessThan(CONVERGENCE_BOUND_MS);
    assertThat(b.elections).as("faults must actually cause elections").isGreaterThan(b.runs);
  }

  @Test
  void leaderPausesNeverOverlap() {
    SimRunner.Batch b = SimRunner.run(Scenario.LEADER_PAUSES, Flaw.NONE, 1, SEEDS / 4, false);
    report(b);
    assertNoFailures(b);
  }

  @Test
  void witnessTrapNeverOverlaps() {
    SimRunner.Batch b = SimRunner.run(Scenario.WITNESS_TRAP, Flaw.NONE, 1, SEEDS / 4, false);
    report(b);
    assertNoFailures(b);
  }

  @Test
  void holderPausesNeverOverlap() {
    SimRunner.Batch b = SimRunner.run(Scenario.HOLDER_PAUSES, Flaw.NONE, 1, SEEDS / 4, false);
    report(b);
    assertNoFailures(b);
  }

  /** Each broken rule is caught: the checker can fail, and each rule is needed. */
  @ParameterizedTest
  @CsvSource({
    "OWNER_DEADLINE_FROM_RECEIVE, HOLDER_PAUSES",
    "SHORT_EXPIRY_WAIT, RANDOM_FAULTS",
    "NO_LEADER_LEASE, RANDOM_FAULTS",
    "NAIVE_WITNESS, WITNESS_TRAP"
  })
  void negativeControlFindsOverlap(Flaw flaw, Scenario scenario) {
    SimRunner.Batch b = SimRunner.run(scenario, flaw, 1, 200, true);
    System.out.println(b.summary());
    assertThat(b.failures).as("%s must produce an overlap within 200 seeds", flaw).isNotEmpty();
    SimResult first = b.failures.get(0);
    System.out.println("  first caught: " + first.report());
    assertThat(first.violations.get(0)).contains("OVERLAP");
  }

  @Test
  void sameSeedSameRun() {
    Simulation a =
        new Simulation(
            42,
            Scenario.RANDOM_FAULTS,
            Flaw.NONE,
            io.raftvip.coordinator.core.lease.TimingSettings.defaults());
    Simulation b =
        new Simulation(
            42,
            Scenario.RANDOM_FAULTS,
            Flaw.NONE,
            io.raftvip.coordinator.core.lease.TimingSettings.defaults());
    SimResult ra = a.run();
    SimResult rb = b.run();
    assertThat(ra.events).isEqualTo(rb.events);
    assertThat(ra.commits).isEqualTo(rb.commits);
    assertThat(a.digest()).isEqualTo(b.digest());
    Simulation c =
        new Simulation(
            43,
            Scenario.RANDOM_FAULTS,
            Flaw.NONE,
            io.raftvip.coordinator.core.lease.TimingSettings.defaults());
    c.run();
    assertThat(c.digest()).isNotEqualTo(a.digest());
  }

  private static void report(SimRunner.Batch b) {
    System.out.println(b.summary());
  }

  private static void assertNoFailures(SimRunner.Batch b) {
    if (!b.failures.isEmpty()) {
      System.out.println(b.failures.get(0).report());
    }
    assertThat(b.failures)
        .as("first failing seed: %s", b.failures.isEmpty() ? "none" : b.failures.get(0).report())
        .isEmpty();
  }
}
