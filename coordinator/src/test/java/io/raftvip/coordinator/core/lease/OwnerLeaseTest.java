package io.raftvip.coordinator.core.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.TestLog;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.VipSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OwnerLeaseTest {

  private static final NodeId ME = TestLog.N1;
  private static final VipSpec WEB = VipSpec.of("web", "198.18.0.200/24");
  private static final VipSpec DB = VipSpec.of("db", "198.18.0.201/24");
  private final TimingSettings t = TimingSettings.defaults();

  private static GrantReply.Grant grant(long sentMs, long asOf, OwnedVip... vips) {
    java.util.TreeMap<VipName, OwnedVip> held = new java.util.TreeMap<>();
    for (OwnedVip v : vips) {
      held.put(v.spec().name(), v);
    }
    return GrantReply.Grant.of(sentMs, asOf, held);
  }

  private static OwnedVip owned(VipSpec s, long epoch) {
    return new OwnedVip(s, epoch, false);
  }

  private static OwnedVip releasing(VipSpec s, long epoch) {
    return new OwnedVip(s, epoch, true);
  }

  private OwnerLease sent(OwnerLease l, long atMs) {
    return l.renewalSent(atMs).next();
  }

  @Test
  void theDeadlineCountsFromTheSendTimeAndTheFenceIsArmedBeforeTheAddress() {
    OwnerLease l = sent(OwnerLease.start(ME, t), 1000);
    OwnerLease.Step s = l.grantReceived(grant(1000, 10, owned(WEB, 7)), 1040);
    assertThat(s.next().deadlineMs()).isEqualTo(1200);
    assertThat(s.effects())
        .containsExactly(
            new OwnerEffect.ArmFence(WEB, 7, 1200),
            new OwnerEffect.AddAddress(WEB, 7, 2),
            new OwnerEffect.Announce(WEB, 7));
  }

  @Test
  void renewalsOnlyMoveTheFenceForward() {
    OwnerLease l = sent(OwnerLease.start(ME, t), 1000);
    l = l.grantReceived(grant(1000, 10, owned(WEB, 7)), 1001).next();
    l = sent(l, 1050);
    OwnerLease.Step s = l.grantReceived(grant(1050, 10, owned(WEB, 7)), 1052);
    assertThat(s.effects()).containsExactly(new OwnerEffect.ArmFence(WEB, 7, 1250));
    // A late reply to an older request changes nothing.
    assertThat(s.next().grantReceived(grant(1000, 10, owned(WEB, 7)), 1060).effects()).isEmpty();
    assertThat(s.next().deadlineMs()).isEqualTo(1250);
  }

  @Test
  void aReplyArrivingAfterItsDeadlineIsUseless() {
    OwnerLease l = sent(OwnerLease.start(ME, t), 1000);
    OwnerLease.Step s = l.grantReceived(grant(1000, 10, owned(WEB, 7)), 1200);
    assertThat(s.effects()).isEmpty();
    assertThat(s.next().deadlineMs()).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void repliesToRequestsNeverSentAreIgnored() {
    OwnerLease l = sent(OwnerLease.start(ME, t), 1000);
    assertThat(l.grantReceived(grant(1001, 10, owned(WEB, 7)), 1002).effects()).isEmpty();
    assertThat(l.grantReceived(grant(999, 10, owned(WEB, 7)), 998).effects()).isEmpty();
  }

  @Test
  void atTheDeadlineTheFenceClosesBeforeTheAddressGoes() {
    OwnerLease l = sent(OwnerLease.start(ME, t), 1000);
    l = l.grantReceived(grant(1000, 10, owned(WEB, 7)), 1001).next();
    assertThat(l.tick(1199).effects()).isEmpty();
    OwnerLease.Step s = l.tick(1200);
    assertThat(s.effects())
        .containsExactly(new OwnerEffect.CloseFence(WEB), new OwnerEffect.RemoveAddress(WEB));
    assertThat(s.next().servingEpochs()).isEmpty();
  }

  @Test
  void aVipMissingFromANewerGrantIsFencedAtOnce() {
    OwnerLease l = sent(OwnerLease.start(ME, t), 1000);
    l = l.grantReceived(grant(1000, 10, owned(WEB, 7), owned(DB, 8)), 1001).next();
    l = sent(l, 1050);
    OwnerLease.Step s = l.grantReceived(grant(1050, 11, owned(DB, 8)), 1051);
    assertThat(s.effects())
        .containsExactly(
            new OwnerEffect.CloseFence(WEB),
            new OwnerEffect.RemoveAddress(WEB),
            new OwnerEffect.ArmFence(DB, 8, 1250));
  }

  @Test
  void anOlderViewNeverOverridesANewerOne() {
    OwnerLease l = sent(OwnerLease.start(ME, t), 1000);
    l = l.grantReceived(grant(1000, 20), 1001).next();
    l = sent(l, 1050);
    OwnerLease.Step s = l.grantReceived(grant(1050, 19, owned(WEB, 7)), 1051);
    assertThat(s.effects()).isEmpty();
    assertThat(s.next().deadlineMs()).as("the lease itself is still renewed").isEqualTo(1250);
  }

  @Test
  void releasingClosesRemovesThenConfirmsAndRetries() {
    OwnerLease l = sent(OwnerLease.start(ME, t), 1000);
    l = l.grantReceived(grant(1000, 10, owned(WEB, 7)), 1001).next();
    l = sent(l, 1050);
    OwnerLease.Step s = l.grantReceived(grant(1050, 12, releasing(WEB, 7)), 1051);
    assertThat(s.effects())
        .containsExactly(
            new OwnerEffect.CloseFence(WEB),
            new OwnerEffect.RemoveAddress(WEB),
            new OwnerEffect.CommitRelease(VipName.of("web"), 7));
    l = s.next();
    assertThat(l.tick(1051 + t.releaseRetryMs() - 1).effects()).isEmpty();
    assertThat(l.tick(1051 + t.releaseRetryMs()).effects())
        .containsExactly(new OwnerEffect.CommitRelease(VipName.of("web"), 7));
    // A stale grant still listing it as owned never re-arms a released epoch.
    l = sent(l, 1100);
    assertThat(l.grantReceived(grant(1100, 12, owned(WEB, 7)), 1101).effects()).isEmpty();
  }

  @Test
  void aReleasingVipIsClearedEvenIfThisProcessNeverServedIt() {
    OwnerLease l = sent(OwnerLease.start(ME, t), 1000);
    assertThat(l.grantReceived(grant(1000, 12, releasing(WEB, 7)), 1001).effects())
        .containsExactly(
            new OwnerEffect.CloseFence(WEB),
            new OwnerEffect.RemoveAddress(WEB),
            new OwnerEffect.CommitRelease(VipName.of("web"), 7));
  }

  @Test
  void theLocallyAppliedStateHandsOverAtOnceUnderTheNodeLease() {
    TestLog log = TestLog.withNodes(2);
    log.accept(new Command.CreateVip(WEB));
    log.accept(new Command.Assign(WEB.name(), TestLog.N2, log.assignment("web").epoch()));
    OwnerLease l = sent(OwnerLease.start(ME, t), 1000);
    l = l.grantReceived(grant(1000, log.state().lastChangeIndex()), 1001).next();
    log.accept(TestLog.move("web", ME));
    long epoch = log.assignment("web").epoch();
    log.accept(new Command.Release(WEB.name(), epoch, TestLog.N2));
    OwnerLease.Step s = l.stateApplied(log.state(), 1010);
    assertThat(s.effects())
        .containsExactly(
            new OwnerEffect.ArmFence(WEB, log.index(), 1200),
            new OwnerEffect.AddAddress(WEB, log.index(), 2),
            new OwnerEffect.Announce(WEB, log.index()));
    assertThat(s.next().viewAsOfIndex()).isEqualTo(log.index());
    assertThat(s.next().stateApplied(log.state(), 1011).effects()).isEmpty();
  }

  @Test
  void withoutALeaseNothingIsServed() {
    TestLog log = TestLog.withNodes(1);
    log.accept(new Command.CreateVip(WEB));
    log.accept(new Command.Assign(WEB.name(), ME, log.assignment("web").epoch()));
    assertThat(OwnerLease.start(ME, t).stateApplied(log.state(), 5).effects()).isEmpty();
  }

  @Test
  void theAddressLifetimeIsRefreshedBeforeItCouldRunOut() {
    OwnerLease l = sent(OwnerLease.start(ME, t), 0);
    l = l.grantReceived(grant(0, 10, owned(WEB, 7)), 1).next();
    List<OwnerEffect> refreshes = new java.util.ArrayList<>();
    for (long now = 50; now <= 3000; now += 50) {
      l = sent(l, now);
      OwnerLease.Step s = l.grantReceived(grant(now, 10, owned(WEB, 7)), now + 1);
      l = s.next();
      s.effects().stream()
          .filter(e -> e instanceof OwnerEffect.RefreshAddress)
          .forEach(refreshes::add);
    }
    // Added at 1 ms with 2 s; refreshed whenever less than 1 s would remain after the deadline.
    assertThat(refreshes)
        .hasSizeBetween(2, 4)
        .allMatch(e -> ((OwnerEffect.RefreshAddress) e).validLifetimeSec() == 2);
  }

  @Test
  void stopClosesEverythingForGood() {
    OwnerLease l = sent(OwnerLease.start(ME, t), 1000);
    l = l.grantReceived(grant(1000, 10, owned(WEB, 7)), 1001).next();
    OwnerLease.Step s = l.stop(1002);
    assertThat(s.effects())
        .containsExactly(new OwnerEffect.CloseFence(WEB), new OwnerEffect.RemoveAddress(WEB));
    l = sent(s.next(), 1050);
    assertThat(l.grantReceived(grant(1050, 11, owned(WEB, 7)), 1051).effects()).isEmpty();
  }

  @Test
  void theClockMustBeMonotonic() {
    OwnerLease l = sent(OwnerLease.start(ME, t), 1000);
    assertThatThrownBy(() -> l.renewalSent(999)).hasMessageContaining("not monotonic");
  }

  @Test
  void effectsNameTheirVip() {
    assertThat(new OwnerEffect.CommitRelease(VipName.of("x"), 1).vip()).isEqualTo(VipName.of("x"));
    assertThat(Map.of(WEB.name(), 1)).containsKey(new OwnerEffect.CloseFence(WEB).vip());
  }
}
