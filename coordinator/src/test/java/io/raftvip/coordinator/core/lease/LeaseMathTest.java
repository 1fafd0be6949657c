package io.raftvip.coordinator.core.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LeaseMathTest {

  private final TimingSettings t = TimingSettings.defaults();

  @Test
  void majority() {
    assertThat(LeaseMath.majority(1)).isEqualTo(1);
    assertThat(LeaseMath.majority(3)).isEqualTo(2);
    assertThat(LeaseMath.majority(4)).isEqualTo(3);
    assertThat(LeaseMath.majority(5)).isEqualTo(3);
    assertThatThrownBy(() -> LeaseMath.majority(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void leaderLeaseBoundRoundsTheSafeWay() {
    // floor(150 * 0.99 / 1.01) = floor(147.03) = 147; minus elapsed 20, minus margin 10
    assertThat(LeaseMath.leaderLeaseBoundMs(1000, 20, t)).isEqualTo(1000 + 147 - 20 - 10);
    TimingSettings exact = t.toBuilder().driftBound(0).build();
    assertThat(LeaseMath.leaderLeaseBoundMs(0, 0, exact)).isEqualTo(150 - 10);
    assertThatThrownBy(() -> LeaseMath.leaderLeaseBoundMs(0, -1, t))
        .hasMessageContaining("negative");
  }

  @Test
  void expiryWaitCoversTheSlowestFenceSeenFromTheFastestLeader() {
    long wait = LeaseMath.expiryWaitMs(t);
    // The fence closes at most (lease + precision)/(1 - rho) real ms after the request was sent;
    // the leader's wait lasts at least wait/(1 + rho) real ms.
    double fenceRealMs = (t.leaseDurationMs() + t.fencePrecisionMs()) / (1 - t.driftBound());
    double waitRealMs = wait / (1 + t.driftBound());
    assertThat(waitRealMs - fenceRealMs).isGreaterThanOrEqualTo(t.expiryMarginMs() * 0.98);
    assertThat(LeaseMath.expiryWaitMs(t.toBuilder().driftBound(0).expiryMarginMs(0).build()))
        .isEqualTo(220);
  }

  @Test
  void quarantineCoversTwoElectionPhasesOfTheSlowestCandidate() {
    long q = LeaseMath.voteQuarantineMs(t);
    double phasesRealMs = 2 * t.rpcTimeoutMaxMs() / (1 - t.driftBound());
    assertThat(q / (1 + t.driftBound())).isGreaterThan(phasesRealMs);
  }

  @ParameterizedTest
  @CsvSource({"0, 1", "1, 2", "200, 2", "999, 2", "1000, 2", "1001, 3", "-5, 1"})
  void addressLifetimeCoversTheRemainingLeasePlusOneSecond(long remainingMs, int expectedSec) {
    assertThat(LeaseMath.addressValidLifetimeSec(remainingMs)).isEqualTo(expectedSec);
  }

  @Test
  void addressLifetimeIsCapped() {
    assertThat(LeaseMath.addressValidLifetimeSec(Long.MAX_VALUE / 2))
        .isEqualTo(LeaseMath.ADDRESS_LIFETIME_MAX_SEC);
  }

  @Test
  void ownerDeadlineCountsFromTheSendTime() {
    assertThat(LeaseMath.ownerDeadlineMs(5000, t)).isEqualTo(5200);
  }
}
