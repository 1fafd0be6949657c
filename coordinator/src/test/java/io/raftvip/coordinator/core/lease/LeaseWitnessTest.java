package io.raftvip.coordinator.core.lease;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.coordinator.core.NodeId;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LeaseWitnessTest {

  private static final NodeId L = NodeId.of("leader");
  private static final NodeId OTHER = NodeId.of("other");
  private final TimingSettings t = TimingSettings.defaults();
  private final long q = t.voteQuarantineMs();

  private static FollowerView following(NodeId leader, long term, long heardMs) {
    return new FollowerView(Optional.of(leader), term, heardMs);
  }

  /** A witness that has followed L in term 5 since time 0, heard every 50 ms. */
  private LeaseWitness settled(long untilMs) {
    return regular(LeaseWitness.start(0, t), 0, untilMs);
  }

  /** Pings every 25 ms from {@code fromMs} to {@code untilMs}, L heard every 50 ms. */
  private LeaseWitness regular(LeaseWitness w, long fromMs, long untilMs) {
    for (long now = fromMs; now <= untilMs; now += 25) {
      w = w.onPing(L, 5, following(L, 5, now - now % 50), now, t).next();
    }
    return w;
  }

  @Test
  void aNewProcessAndANewLeaderAreQuarantined() {
    LeaseWitness w = LeaseWitness.start(1000, t);
    LeaseWitness.Answer a = w.onPing(L, 5, following(L, 5, 1000), 1000, t);
    assertThat(a.acknowledged()).isFalse();
    w = regular(a.next(), 1000, 1000 + q - 1);
    assertThat(w.onPing(L, 5, following(L, 5, 1000 + q - 25), 1000 + q - 1, t).acknowledged())
        .isFalse();
    LeaseWitness.Answer b = w.onPing(L, 5, following(L, 5, 1000 + q), 1000 + q, t);
    assertThat(b.acknowledged()).isTrue();
    assertThat(b.elapsedSinceHeardMs()).hasValue(0);
  }

  @Test
  void settledFollowersReportTheirElapsedTime() {
    LeaseWitness w = settled(2000);
    LeaseWitness.Answer a = w.onPing(L, 5, following(L, 5, 2000), 2030, t);
    assertThat(a.elapsedSinceHeardMs()).hasValue(30);
  }

  @Test
  void onlyTheFollowedLeaderInItsTermGetsAnAnswer() {
    LeaseWitness w = settled(2000);
    assertThat(w.onPing(OTHER, 5, following(L, 5, 2000), 2010, t).acknowledged()).isFalse();
    assertThat(w.onPing(L, 4, following(L, 5, 2000), 2010, t).acknowledged()).isFalse();
    assertThat(w.onPing(L, 5, FollowerView.none(5), 2010, t).acknowledged()).isFalse();
  }

  @Test
  void aGapOfRpcMinMayHidePreVotesSoItQuarantines() {
    LeaseWitness w = settled(2000);
    // Nothing heard between 2000 and 2160 (> rpcMin 150), then the leader is back.
    LeaseWitness.Answer a = w.onPing(L, 5, following(L, 5, 2160), 2165, t);
    assertThat(a.acknowledged()).isFalse();
    assertThat(a.next().quarantineUntilMs()).isEqualTo(2165 + q);
    LeaseWitness back = regular(a.next(), 2175, 2165 + q);
    LeaseWitness.Answer b = back.onPing(L, 5, following(L, 5, 2150 + q), 2165 + q, t);
    assertThat(b.acknowledged()).isTrue();
    assertThat(b.elapsedSinceHeardMs()).hasValue(15);
  }

  @Test
  void notHearingTheLeaderForRpcMinQuarantinesAtOnce() {
    LeaseWitness w = settled(2000);
    LeaseWitness.Answer a = w.onPing(L, 5, following(L, 5, 2000), 2150, t);
    assertThat(a.acknowledged()).isFalse();
    assertThat(a.next().quarantineUntilMs()).isEqualTo(2150 + q);
  }

  @Test
  void aLeaderChangeQuarantinesEvenForTheSameNode() {
    LeaseWitness w = settled(2000);
    assertThat(w.onPing(L, 6, following(L, 6, 2010), 2010, t).acknowledged()).isFalse();
  }
}
