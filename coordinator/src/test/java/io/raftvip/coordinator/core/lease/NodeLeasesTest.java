package io.raftvip.coordinator.core.lease;

import static io.raftvip.coordinator.core.TestLog.N1;
import static io.raftvip.coordinator.core.TestLog.N2;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.TestLog;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.VipSpec;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodeLeasesTest {

  private final TimingSettings t = TimingSettings.defaults();
  private final long wait = t.expiryWaitMs();
  private final TestLog log = TestLog.withNodes(2);

  private RenewRequest renew(NodeId n, long sentMs) {
    return new RenewRequest(n, sentMs, t.leaseDurationMs());
  }

  @Test
  void aNewLeaderCountsEveryNodeAsGrantedAtItsStart() {
    NodeLeases l = NodeLeases.start(log.state(), 1000);
    assertThat(l.lastGrantMs(N1)).hasValue(1000);
    assertThat(l.lapsed(1000 + wait - 1, t)).isEmpty();
    assertThat(l.lapsed(1000 + wait, t)).containsExactly(N1, N2);
    assertThat(l.nextLapseMs(t)).isEqualTo(1000 + wait);
  }

  @Test
  void aGrantListsWhatTheNodeHoldsAndRestartsItsClock() {
    log.accept(new Command.CreateVip(VipSpec.of("web", "198.18.0.200/24")));
    log.accept(new Command.Assign(VipName.of("web"), N1, log.assignment("web").epoch()));
    log.accept(TestLog.move("web", N2));
    NodeLeases l = NodeLeases.start(log.state(), 1000);
    NodeLeases.Decision d = l.grant(renew(N1, 77), log.state(), 1100, 2000, t);
    GrantReply.Grant g = (GrantReply.Grant) d.reply();
    assertThat(g.requestSentAtMs()).isEqualTo(77);
    assertThat(g.asOfIndex()).isEqualTo(log.state().lastChangeIndex());
    assertThat(g.held()).containsOnlyKeys(VipName.of("web"));
    assertThat(g.held().get(VipName.of("web")).releasing()).isTrue();
    assertThat(d.next().lastGrantMs(N1)).hasValue(1100);
    assertThat(d.next().lapsed(1000 + wait, t)).containsExactly(N2);
    assertThat(d.next().lapsed(1100 + wait, t)).containsExactly(N1, N2);
  }

  @Test
  void refusals() {
    NodeLeases l = NodeLeases.start(log.state(), 1000);
    assertThat(
            reason(
                l.grant(
                    new RenewRequest(N1, 1, t.leaseDurationMs() + 1), log.state(), 1100, 2000, t)))
        .isEqualTo(GrantReply.Reason.LEASE_TOO_LONG);
    assertThat(reason(l.grant(renew(NodeId.of("n9"), 1), log.state(), 1100, 2000, t)))
        .isEqualTo(GrantReply.Reason.UNKNOWN_NODE);
    NodeLeases marked = l.markExpiring(N1, 1200);
    assertThat(marked.isExpiring(N1)).isTrue();
    assertThat(reason(marked.grant(renew(N1, 1), log.state(), 1300, 2000, t)))
        .isEqualTo(GrantReply.Reason.NODE_EXPIRING);
    assertThat(marked.lapsed(5000, t)).containsExactly(N2);
    long inc = log.state().node(N1).orElseThrow().incarnation();
    log.accept(new Command.ExpireNode(N1, inc, 1, Optional.empty()));
    assertThat(reason(marked.grant(renew(N1, 1), log.state(), 1300, 2000, t)))
        .isEqualTo(GrantReply.Reason.NODE_EXPIRED);
  }

  @Test
  void withoutALeaderLeaseNothingIsGrantedButNobodyIsBlamed() {
    NodeLeases l = NodeLeases.start(log.state(), 1000);
    NodeLeases.Decision d = l.grant(renew(N1, 1), log.state(), 1500, 1500, t);
    assertThat(reason(d)).isEqualTo(GrantReply.Reason.LEADER_LEASE_LAPSED);
    assertThat(d.next().lastGrantMs(N1)).hasValue(1500);
  }

  @Test
  void aRejoinedNodeStartsAFreshRecord() {
    NodeLeases l = NodeLeases.start(log.state(), 1000).markExpiring(N1, 1300);
    long inc = log.state().node(N1).orElseThrow().incarnation();
    log.accept(new Command.ExpireNode(N1, inc, 1, Optional.empty()));
    l = l.sync(log.state(), 1400);
    assertThat(l.lastGrantMs(N1)).isEmpty();
    log.accept(new Command.JoinNode(N1, "10.0.0.1:9000"));
    l = l.sync(log.state(), 1500);
    assertThat(l.isExpiring(N1)).isFalse();
    assertThat(l.lastGrantMs(N1)).hasValue(1500);
    assertThat(l.incarnation(N1)).hasValue(log.state().node(N1).orElseThrow().incarnation());
    assertThat(l.grant(renew(N1, 1), log.state(), 1600, 2000, t).reply())
        .isInstanceOf(GrantReply.Grant.class);
  }

  @Test
  void restartingAfterAStallDelaysEveryExpiry() {
    NodeLeases l = NodeLeases.start(log.state(), 1000).markExpiring(N2, 1100);
    NodeLeases r = l.restartedAt(5000);
    assertThat(r.lastGrantMs(N1)).hasValue(5000);
    assertThat(r.isExpiring(N2)).as("a decision already taken stays").isTrue();
    assertThat(r.lapsed(5000 + wait - 1, t)).isEmpty();
  }

  @Test
  void expiringNodesAreReproposedAfterTheRetryInterval() {
    NodeLeases l = NodeLeases.start(log.state(), 1000).markExpiring(N1, 1300);
    assertThat(l.expiringLongerThan(1799, 500)).isEmpty();
    assertThat(l.expiringLongerThan(1800, 500)).containsExactly(N1);
  }

  private static GrantReply.Reason reason(NodeLeases.Decision d) {
    return ((GrantReply.Refusal) d.reply()).reason();
  }
}
