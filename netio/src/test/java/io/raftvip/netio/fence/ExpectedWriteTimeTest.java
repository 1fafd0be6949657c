package io.raftvip.netio.fence;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExpectedWriteTimeTest {

  @Test
  void estimateFollowsSteadyWriteTimes() {
    long expected = 0;
    for (int i = 0; i < 40; i++) {
      expected = NftablesFence.nextExpectedWriteNanos(expected, 6_000_000L);
    }
    // Converges to the steady 6 ms batch time, so such batches are not written again.
    assertThat(expected).isBetween(5_900_000L, 6_000_000L);
  }

  @Test
  void aPauseIsNotTakenAsTheNewWriteTime() {
    long expected = NftablesFence.nextExpectedWriteNanos(300_000L, 5_000_000_000L);
    assertThat(expected).isLessThanOrEqualTo(NftablesFence.EXPECTED_WRITE_NANOS_MAX);
    assertThat(expected).isLessThan(6_000_000L);
  }

  @Test
  void neverNegative() {
    assertThat(NftablesFence.nextExpectedWriteNanos(0, 0)).isZero();
    assertThat(NftablesFence.nextExpectedWriteNanos(1, 0)).isGreaterThanOrEqualTo(0);
  }
}
