package io.raftvip.coordinator.core.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TimingSettingsTest {

  @Test
  void defaultsAndTheirDerivedValues() {
    TimingSettings t = TimingSettings.defaults();
    assertThat(t.leaseDurationMs()).isEqualTo(200);
    assertThat(t.renewIntervalMs()).isEqualTo(50);
    assertThat(t.rpcTimeoutMinMs()).isEqualTo(150);
    assertThat(t.rpcTimeoutMaxMs()).isEqualTo(300);
    // ceil((200 + 20) * 1.01 / 0.99) + 10 = ceil(224.44) + 10
    assertThat(t.expiryWaitMs()).isEqualTo(235);
    // ceil(2 * 300 * 1.01 / 0.99) + 10 = ceil(612.12) + 10
    assertThat(t.voteQuarantineMs()).isEqualTo(623);
    assertThat(t.toBuilder().build()).isEqualTo(t);
  }

  @Test
  void renewalMustFitTwiceIntoTheLease() {
    assertThatThrownBy(
            () -> TimingSettings.builder().leaseDurationMs(500).renewIntervalMs(300).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("renewIntervalMs (300) must be less than leaseDurationMs/2 (250)");
    assertThatThrownBy(
            () -> TimingSettings.builder().leaseDurationMs(201).renewIntervalMs(101).build())
        .hasMessage("renewIntervalMs (101) must be less than leaseDurationMs/2 (100.5)");
    assertThatThrownBy(() -> TimingSettings.builder().renewIntervalMs(0).build())
        .hasMessage("renewIntervalMs (0) must be at least 1");
  }

  @Test
  void pingsMustComeBeforeOneAcknowledgementRunsOut() {
    // floor(150 * 0.99 / 1.01) - 75 - 10 = 147 - 85 = 62
    assertThatThrownBy(() -> TimingSettings.builder().leaderLeasePingMs(62).build())
        .hasMessageContaining(
            "leaderLeasePingMs (62) must be at least 1 and less than the"
                + " leader lease one acknowledgement gives in the worst case (62");
    assertThat(TimingSettings.builder().leaderLeasePingMs(61).build().leaderLeasePingMs())
        .isEqualTo(61);
    assertThatThrownBy(
            () -> TimingSettings.builder().rpcTimeoutMinMs(20).rpcTimeoutMaxMs(40).build())
        .hasMessageContaining("rpcTimeoutMinMs (20) is too small");
  }

  @Test
  void everyRangeIsChecked() {
    assertThatThrownBy(() -> TimingSettings.builder().leaseDurationMs(5).build())
        .hasMessage("leaseDurationMs (5) must be between 10 and 60000");
    assertThatThrownBy(() -> TimingSettings.builder().rpcTimeoutMaxMs(100).build())
        .hasMessageContaining("rpcTimeoutMaxMs (100) must be at least rpcTimeoutMinMs (150)");
    assertThatThrownBy(() -> TimingSettings.builder().driftBound(0.2).build())
        .hasMessage("driftBound (0.2) must be between 0 and 0.1");
    assertThatThrownBy(() -> TimingSettings.builder().driftBound(Double.NaN).build())
        .hasMessageContaining("driftBound (NaN)");
    assertThatThrownBy(() -> TimingSettings.builder().fencePrecisionMs(-1).build())
        .hasMessage("fencePrecisionMs (-1) must be between 0 and 10000");
    assertThatThrownBy(() -> TimingSettings.builder().expiryMarginMs(-1).build())
        .hasMessageContaining("expiryMarginMs (-1)");
    assertThatThrownBy(() -> TimingSettings.builder().leaderLeaseMarginMs(-1).build())
        .hasMessageContaining("leaderLeaseMarginMs (-1)");
    assertThatThrownBy(() -> TimingSettings.builder().moveHoldDownMs(-1).build())
        .hasMessageContaining("moveHoldDownMs (-1)");
    assertThatThrownBy(() -> TimingSettings.builder().releaseRetryMs(0).build())
        .hasMessageContaining("releaseRetryMs (0)");
  }
}
