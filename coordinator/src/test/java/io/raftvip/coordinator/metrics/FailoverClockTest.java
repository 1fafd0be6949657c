package io.raftvip.coordinator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.coordinator.core.Assignment;
import io.raftvip.coordinator.core.AssignmentChange;
import io.raftvip.coordinator.core.AssignmentChange.Cause;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.metrics.FailoverClock.Failover;
import io.raftvip.coordinator.metrics.FailoverClock.Takeover;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FailoverClockTest {

  static final NodeId N1 = NodeId.of("n1");
  static final NodeId N2 = NodeId.of("n2");
  static final NodeId N3 = NodeId.of("n3");
  static final VipName WEB = VipName.of("web");
  static final long MS = 1_000_000L;

  static AssignmentChange change(
      VipName vip, NodeId from, NodeId to, long epoch, Assignment.State state, Cause cause) {
    return new AssignmentChange(
        vip, Optional.ofNullable(from), Optional.ofNullable(to), epoch, state, cause);
  }

  @Test
  void expiryHandedOverInTheSameEntryIsAZeroFailoverAndTheTakeoverRunsUntilServing() {
    FailoverClock clock = new FailoverClock(N2);
    List<Failover> f =
        clock
            .applied(
                List.of(change(WEB, N1, N2, 40, Assignment.State.OWNED, Cause.OWNER_EXPIRED)),
                100 * MS)
            .failovers();
    assertThat(f).containsExactly(new Failover(WEB, FailoverClock.Cause.EXPIRED, N2, 0));
    assertThat(clock.serving(WEB, 39, 120 * MS)).as("another epoch").isEmpty();
    assertThat(clock.serving(WEB, 40, 130 * MS))
        .contains(new Takeover(WEB, FailoverClock.Cause.EXPIRED, 30 * MS));
    assertThat(clock.serving(WEB, 40, 140 * MS)).as("reported once").isEmpty();
  }

  @Test
  void aVipWithoutEligibleNodeWaitsForItsAssign() {
    FailoverClock clock = new FailoverClock(N3);
    assertThat(
            clock
                .applied(
                    List.of(
                        change(WEB, N1, null, 40, Assignment.State.UNOWNED, Cause.OWNER_EXPIRED)),
                    100 * MS)
                .failovers())
        .isEmpty();
    assertThat(clock.inFlight()).isEqualTo(1);
    List<Failover> f =
        clock
            .applied(
                List.of(change(WEB, null, N2, 45, Assignment.State.OWNED, Cause.ASSIGNED)),
                350 * MS)
            .failovers();
    assertThat(f).containsExactly(new Failover(WEB, FailoverClock.Cause.EXPIRED, N2, 250 * MS));
    assertThat(clock.inFlight()).isZero();
    assertThat(clock.serving(WEB, 45, 400 * MS)).as("not this node's").isEmpty();
  }

  @Test
  void aPlannedMoveCountsFromTheRequest() {
    FailoverClock clock = new FailoverClock(N2);
    clock.applied(
        List.of(change(WEB, N1, N1, 40, Assignment.State.RELEASING, Cause.RELEASE_REQUESTED)),
        100 * MS);
    List<Failover> f =
        clock
            .applied(
                List.of(change(WEB, N1, N2, 52, Assignment.State.OWNED, Cause.RELEASED)), 112 * MS)
            .failovers();
    assertThat(f).containsExactly(new Failover(WEB, FailoverClock.Cause.RELEASED, N2, 12 * MS));
    assertThat(clock.serving(WEB, 52, 115 * MS))
        .contains(new Takeover(WEB, FailoverClock.Cause.RELEASED, 15 * MS));
  }

  @Test
  void servingBeforeTheEntryReachesTheClockStillCompletesTheTakeover() {
    FailoverClock clock = new FailoverClock(N2);
    clock.applied(
        List.of(change(WEB, N1, N1, 40, Assignment.State.RELEASING, Cause.RELEASE_REQUESTED)),
        100 * MS);
    // The owner loop got the state first and the reconciler served at 104 ms.
    assertThat(clock.serving(WEB, 52, 104 * MS)).isEmpty();
    FailoverClock.Progress p =
        clock.applied(
            List.of(change(WEB, N1, N2, 52, Assignment.State.OWNED, Cause.RELEASED)), 106 * MS);
    assertThat(p.failovers())
        .containsExactly(new Failover(WEB, FailoverClock.Cause.RELEASED, N2, 6 * MS));
    assertThat(p.takeovers())
        .containsExactly(new Takeover(WEB, FailoverClock.Cause.RELEASED, 4 * MS));
    assertThat(clock.serving(WEB, 52, 110 * MS)).as("reported once").isEmpty();
  }

  @Test
  void servingAtAnotherEpochIsNoTakeover() {
    FailoverClock clock = new FailoverClock(N2);
    clock.serving(WEB, 30, 0);
    assertThat(
            clock
                .applied(
                    List.of(change(WEB, N1, N2, 52, Assignment.State.OWNED, Cause.OWNER_EXPIRED)),
                    MS)
                .takeovers())
        .isEmpty();
    assertThat(clock.serving(WEB, 52, 3 * MS))
        .contains(new Takeover(WEB, FailoverClock.Cause.EXPIRED, 2 * MS));
  }

  @Test
  void aReleaseSeenWithoutItsRequestCountsFromTheRelease() {
    FailoverClock clock = new FailoverClock(N2);
    assertThat(
            clock
                .applied(
                    List.of(change(WEB, N1, N3, 52, Assignment.State.OWNED, Cause.RELEASED)),
                    7 * MS)
                .failovers())
        .containsExactly(new Failover(WEB, FailoverClock.Cause.RELEASED, N3, 0));
  }

  @Test
  void deletesAndResetsForgetFailoversUnderWay() {
    FailoverClock clock = new FailoverClock(N2);
    clock.applied(
        List.of(change(WEB, N1, null, 40, Assignment.State.UNOWNED, Cause.OWNER_EXPIRED)), 0);
    clock.applied(
        List.of(change(WEB, null, null, 41, Assignment.State.UNOWNED, Cause.DELETED)), MS);
    assertThat(clock.inFlight()).isZero();
    clock.applied(
        List.of(change(WEB, null, null, 42, Assignment.State.UNOWNED, Cause.CREATED)), 2 * MS);
    assertThat(
            clock
                .applied(
                    List.of(change(WEB, null, N2, 43, Assignment.State.OWNED, Cause.ASSIGNED)),
                    3 * MS)
                .failovers())
        .as("a first assignment is no failover")
        .isEmpty();
    clock.applied(
        List.of(change(WEB, N2, null, 44, Assignment.State.UNOWNED, Cause.OWNER_EXPIRED)), 4 * MS);
    clock.reset();
    assertThat(clock.inFlight()).isZero();
  }

  @Test
  void randomHistoriesNeverYieldNegativeDurationsAndStayBounded() {
    long seed = new SplittableRandom().nextLong();
    SplittableRandom random = new SplittableRandom(seed);
    NodeId[] nodes = {N1, N2, N3};
    Cause[] causes = Cause.values();
    FailoverClock clock = new FailoverClock(N2);
    long now = 0;
    for (int i = 0; i < 5_000; i++) {
      now += random.nextLong(5 * MS);
      VipName vip = VipName.of("v" + random.nextInt(20));
      Cause cause = causes[random.nextInt(causes.length)];
      NodeId to = random.nextBoolean() ? nodes[random.nextInt(3)] : null;
      AssignmentChange c =
          change(
              vip,
              nodes[random.nextInt(3)],
              to,
              i + 1,
              to == null ? Assignment.State.UNOWNED : Assignment.State.OWNED,
              cause);
      FailoverClock.Progress p = clock.applied(List.of(c), now);
      for (Failover f : p.failovers()) {
        assertThat(f.durationNanos()).as("seed %d", seed).isNotNegative();
      }
      for (Takeover t : p.takeovers()) {
        assertThat(t.durationNanos()).as("seed %d", seed).isNotNegative();
      }
      clock
          .serving(vip, i + 1, now)
          .ifPresent(t -> assertThat(t.durationNanos()).as("seed %d", seed).isNotNegative());
      assertThat(clock.inFlight()).as("seed %d", seed).isLessThanOrEqualTo(20);
    }
  }
}
