package io.raftvip.netio.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeasePlanTest {
  private static final long MS = 1_000_000L;

  private static InetAddress ip(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void remainingIsRoundedDownSoAGrantNeverEndsAfterItsDeadline() {
    assertThat(LeasePlan.remainingMs(1_000 * MS, 700 * MS)).isEqualTo(300);
    assertThat(LeasePlan.remainingMs(1_000 * MS, 700 * MS + 1)).isEqualTo(299);
    assertThat(LeasePlan.remainingMs(1_000 * MS, 1_000 * MS - MS + 1)).isZero();
    assertThat(LeasePlan.remainingMs(1_000 * MS, 1_000 * MS)).isZero();
    assertThat(LeasePlan.remainingMs(1_000 * MS, 1_001 * MS)).isEqualTo(-1);
  }

  @Test
  void worksAcrossNanoTimeWraparound() {
    long now = Long.MAX_VALUE - 100 * MS;
    long deadline = now + 300 * MS; // overflows to a negative value, as nanoTime may
    assertThat(deadline).isNegative();
    assertThat(LeasePlan.remainingMs(deadline, now)).isEqualTo(300);
  }

  @Test
  void pastOrImminentDeadlineClosesInsteadOfExtending() {
    Map<InetAddress, Long> deadlines = new LinkedHashMap<>();
    long now = 5_000 * MS;
    deadlines.put(ip("198.18.0.50"), now + 300 * MS);
    deadlines.put(ip("198.18.0.51"), now - 1);
    deadlines.put(ip("198.18.0.52"), now + MS - 1); // less than a millisecond left
    deadlines.put(ip("198.18.0.53"), now);
    LeasePlan plan = LeasePlan.at(deadlines, now, 600_000);
    assertThat(plan.grantMsByVip()).containsExactly(Map.entry(ip("198.18.0.50"), 300L));
    assertThat(plan.closed())
        .containsExactly(ip("198.18.0.51"), ip("198.18.0.52"), ip("198.18.0.53"));
  }

  @Test
  void aDeadlineBeyondTheMaximumLeaseIsACallerBug() {
    long now = 0;
    assertThatThrownBy(
            () -> LeasePlan.at(Map.of(ip("198.18.0.50"), now + 601_000 * MS), now, 600_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("198.18.0.50")
        .hasMessageContaining("601000 ms");
  }

  @Test
  void planRejectsInconsistentInput() {
    assertThatThrownBy(() -> new LeasePlan(Map.of(ip("198.18.0.50"), 0L), java.util.Set.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new LeasePlan(Map.of(ip("198.18.0.50"), 5L), java.util.Set.of(ip("198.18.0.50"))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
