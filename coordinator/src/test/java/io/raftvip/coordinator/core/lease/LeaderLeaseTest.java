package io.raftvip.coordinator.core.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftvip.coordinator.core.NodeId;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LeaderLeaseTest {

  private static final NodeId F1 = NodeId.of("f1");
  private static final NodeId F2 = NodeId.of("f2");
  private static final NodeId F3 = NodeId.of("f3");
  private static final NodeId F4 = NodeId.of("f4");
  private final TimingSettings t = TimingSettings.defaults();

  @Test
  void threeVotersNeedOneFollower() {
    LeaderLease l = LeaderLease.start(Set.of(F1, F2));
    assertThat(l.endMs()).isEqualTo(Long.MIN_VALUE);
    assertThat(l.covers(0)).isFalse();
    l = l.acknowledged(F1, 1000, 10, t);
    assertThat(l.endMs()).isEqualTo(LeaseMath.leaderLeaseBoundMs(1000, 10, t));
    l = l.acknowledged(F2, 1000, 0, t);
    assertThat(l.endMs()).isEqualTo(LeaseMath.leaderLeaseBoundMs(1000, 0, t));
    assertThat(l.covers(l.endMs() - 1)).isTrue();
    assertThat(l.covers(l.endMs())).isFalse();
  }

  @Test
  void fourVotersNeedTheSecondBestFollower() {
    LeaderLease l = LeaderLease.start(Set.of(F1, F2, F3));
    l = l.acknowledged(F1, 1000, 0, t);
    assertThat(l.endMs()).isEqualTo(Long.MIN_VALUE);
    l = l.acknowledged(F2, 900, 0, t).acknowledged(F3, 800, 0, t);
    assertThat(l.endMs()).isEqualTo(LeaseMath.leaderLeaseBoundMs(900, 0, t));
  }

  @Test
  void fiveVotersAreRefused() {
    assertThatThrownBy(() -> LeaderLease.start(Set.of(F1, F2, F3, F4)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 4 voters, got 5");
  }

  @Test
  void lateAcknowledgementsNeverShortenAndStrangersDoNotCount() {
    LeaderLease l = LeaderLease.start(Set.of(F1, F2)).acknowledged(F1, 1000, 0, t);
    long end = l.endMs();
    assertThat(l.acknowledged(F1, 900, 0, t).endMs()).isEqualTo(end);
    assertThat(l.acknowledged(F3, 5000, 0, t)).isSameAs(l);
  }

  @Test
  void aSingleVoterIsAlwaysCovered() {
    assertThat(LeaderLease.start(Set.of()).endMs()).isEqualTo(Long.MAX_VALUE);
  }
}
