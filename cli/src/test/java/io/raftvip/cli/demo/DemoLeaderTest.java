package io.raftvip.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.coordinator.core.lease.GrantReply;
import io.raftvip.coordinator.core.lease.OwnedVip;
import io.raftvip.coordinator.core.lease.TimingSettings;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The demo's leader on the core: who gets grants, when a silent holder's VIP may move, how a
 * planned move and a partition look. Pure: times are passed in.
 */
class DemoLeaderTest {
  static final TimingSettings TIMING = TimingSettings.defaults();
  static final VipSpec VIP = VipSpec.of("demo", "198.18.0.200/32");
  static final NodeId N1 = NodeId.of("n1");
  static final NodeId N2 = NodeId.of("n2");
  static final NodeId N3 = NodeId.of("n3");
  static final long T0 = 1_000_000;

  DemoLeader leader;
  long lastTick;

  /** Ticks every 10 ms up to {@code t}, as the controller thread does; returns all output. */
  List<DemoLeader.Outbound> tickUntil(long t) {
    List<DemoLeader.Outbound> all = new java.util.ArrayList<>();
    while (lastTick < t) {
      lastTick = Math.min(t, lastTick + 10);
      all.addAll(leader.tick(lastTick));
    }
    return all;
  }

  @BeforeEach
  void threeNodesAndAVipOnN1() {
    leader = new DemoLeader(TIMING, VIP, T0);
    for (NodeId n : List.of(N1, N2, N3)) {
      leader.onJoin(n, n.value() + ":7101", T0);
      assertThat(grant(leader.onRenew(n, T0, 200, T0), n).held()).isEmpty();
    }
    leader.createVip(T0);
    List<DemoLeader.Outbound> placed = leader.tick(T0 + 1);
    lastTick = T0 + 1;
    assertThat(leader.holder()).hasValue(N1);
    // n1 learns at once, by a re-sent grant of its last request: same send time, newer view
    GrantReply.Grant push = grant(placed, N1);
    assertThat(push.requestSentAtMs()).isEqualTo(T0);
    assertThat(push.held()).containsKey(VIP.name());
  }

  @Test
  void aHolderThatStopsRenewingKeepsTheVipUntilTheExpiryWaitHasPassed() {
    long wait = TIMING.expiryWaitMs();
    assertThat(wait).isEqualTo(235); // (200 + 20) * 1.01 / 0.99, rounded up, + 10
    // n2 and n3 keep renewing, n1 is silent after its grant at T0
    for (long t = T0 + 50; t < T0 + wait; t += 50) {
      leader.onRenew(N2, t, 200, t);
      leader.onRenew(N3, t, 200, t);
      assertThat(tickUntil(t)).isEmpty();
    }
    assertThat(tickUntil(T0 + wait - 1)).isEmpty();
    assertThat(leader.holder()).hasValue(N1);

    List<DemoLeader.Outbound> out = tickUntil(T0 + wait);

    NodeId next = leader.holder().orElseThrow();
    assertThat(next).isIn(N2, N3);
    OwnedVip held = grant(out, next).held().get(VIP.name());
    assertThat(held.releasing()).isFalse();
    assertThat(held.epoch()).isEqualTo(leader.assignment().orElseThrow().epoch());
    assertThat(leader.isActive(N1)).isFalse();
    assertThat(leader.decisions())
        .extracting(DemoLeader.Decision::what)
        .contains("lapsed", "assigned");
    DemoLeader.Decision lapsed =
        leader.decisions().stream()
            .filter(d -> d.what().equals("lapsed"))
            .findFirst()
            .orElseThrow();
    assertThat(lapsed.number()).isEqualTo(T0); // the last grant
    assertThat(lapsed.atMs()).isEqualTo(T0 + wait);
  }

  @Test
  void anExpiredNodeIsRefusedUntilItJoinsAgainAndThenHoldsNothing() {
    leader.onRenew(N2, T0 + 200, 200, T0 + 200);
    leader.onRenew(N3, T0 + 200, 200, T0 + 200);
    tickUntil(T0 + 300);
    assertThat(leader.isActive(N1)).isFalse();

    List<DemoLeader.Outbound> refused = leader.onRenew(N1, T0 + 3000, 200, T0 + 3000);
    assertThat(refused)
        .singleElement()
        .extracting(DemoLeader.Outbound::line)
        .isEqualTo("refuse " + (T0 + 3000) + " NODE_EXPIRED");

    leader.onJoin(N1, "n1:7101", T0 + 3001);
    assertThat(leader.isActive(N1)).isTrue();
    assertThat(grant(leader.onRenew(N1, T0 + 3002, 200, T0 + 3002), N1).held()).isEmpty();
  }

  @Test
  void aDeafLeaderNeitherAnswersNorPushesAndTheHolderLapses() {
    leader.setDeaf(N1, true, T0 + 10);

    assertThat(leader.onRenew(N1, T0 + 50, 200, T0 + 50)).isEmpty();
    assertThat(leader.onRenew(N1, T0 + 100, 200, T0 + 100)).isEmpty();
    assertThat(leader.droppedRenewals()).isEqualTo(2);
    leader.onRenew(N2, T0 + 200, 200, T0 + 200);
    leader.onRenew(N3, T0 + 200, 200, T0 + 200);
    List<DemoLeader.Outbound> out = tickUntil(T0 + TIMING.expiryWaitMs());

    assertThat(leader.holder()).isPresent().get().isNotEqualTo(N1);
    assertThat(out).noneMatch(o -> o.node().equals(N1));

    leader.setDeaf(N1, false, T0 + 2000);
    assertThat(leader.onRenew(N1, T0 + 2001, 200, T0 + 2001))
        .singleElement()
        .extracting(DemoLeader.Outbound::line)
        .asString()
        .startsWith("refuse");
  }

  @Test
  void aPlannedMoveWaitsForTheReleaseThenHandsOverAtOnce() {
    long epoch = leader.assignment().orElseThrow().epoch();

    List<DemoLeader.Outbound> asked = leader.move(N3, T0 + 10);

    assertThat(grant(asked, N1).held().get(VIP.name()).releasing()).isTrue();
    assertThat(leader.holder()).hasValue(N1); // still n1's until it confirms
    List<DemoLeader.Outbound> handed = leader.onRelease(N1, VIP.name(), epoch, T0 + 12);
    assertThat(leader.holder()).hasValue(N3);
    assertThat(grant(handed, N3).held().get(VIP.name()).epoch()).isGreaterThan(epoch);
    assertThat(grant(handed, N1).held()).isEmpty();
    // a stale or repeated release changes nothing
    assertThat(leader.onRelease(N1, VIP.name(), epoch, T0 + 13)).isEmpty();
    assertThat(leader.holder()).hasValue(N3);
  }

  @Test
  void aLongerLeaseThanTheLeadersIsRefused() {
    assertThat(leader.onRenew(N2, T0 + 5, 10_000, T0 + 5))
        .singleElement()
        .extracting(DemoLeader.Outbound::line)
        .isEqualTo("refuse " + (T0 + 5) + " LEASE_TOO_LONG");
  }

  @Test
  void aStalledLeaderDoesNotExpireNodesForItsOwnPause() {
    // the controller did not run for 1 s: nobody could be granted meanwhile
    List<DemoLeader.Outbound> out = leader.tick(T0 + 1_002);
    lastTick = T0 + 1_002;

    assertThat(out).isEmpty();
    assertThat(leader.holder()).hasValue(N1);
    assertThat(leader.isActive(N1)).isTrue();
    assertThat(leader.decisions()).extracting(DemoLeader.Decision::what).contains("stalled");
    // but a node silent for the expiry wait after the restart does lapse
    leader.onRenew(N2, T0 + 1_200, 200, T0 + 1_200);
    leader.onRenew(N3, T0 + 1_200, 200, T0 + 1_200);
    tickUntil(T0 + 1_002 + TIMING.expiryWaitMs() - 1);
    assertThat(leader.isActive(N1)).isTrue();
    tickUntil(T0 + 1_002 + TIMING.expiryWaitMs());
    assertThat(leader.isActive(N1)).isFalse();
  }

  @Test
  void warmUpRunsEveryPathWithoutTouchingRealState() {
    DemoLeader.warmUp(TIMING, VIP);

    assertThat(leader.holder()).hasValue(N1);
  }

  private static GrantReply.Grant grant(List<DemoLeader.Outbound> out, NodeId node) {
    Optional<DemoLeader.Outbound> o = out.stream().filter(x -> x.node().equals(node)).findFirst();
    assertThat(o).as("a message to " + node + " in " + out).isPresent();
    return ((AgentWire.GrantMessage) AgentWire.parseFromDriver(o.get().line()).orElseThrow())
        .grant();
  }
}
