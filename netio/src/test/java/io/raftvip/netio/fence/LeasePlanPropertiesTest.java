package io.raftvip.netio.fence;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Property checks of {@link LeasePlan} over random cases: 4 seeds x 500 cases = 2000. Each failure
 * names its seed and case, and the run is reproducible from them because the cases come only from a
 * seeded {@link SplittableRandom}.
 */
class LeasePlanPropertiesTest {
  private static final InetAddress VIP = InetAddress.getLoopbackAddress();
  private static final int CASES_PER_SEED = 500;
  private static final long LEFT_NANOS_MAX = 10_000_000_000L;

  /** Clock values where wrap-around bugs show: nanoTime may be anywhere in the long range. */
  private static final long[] NOW_EDGES = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE};

  /** Around the 1 ms grant/close boundary, whole milliseconds, and the ends of the range. */
  private static final long[] LEFT_EDGES = {
    -LEFT_NANOS_MAX, LEFT_NANOS_MAX, 0, 1, -1, 999_999, 1_000_000, 1_000_001, 1_999_999, 2_000_000
  };

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1L, 0x5eedL, 20250101L, -7L})
  void aGrantNeverReachesPastTheDeadlineAndAPastDeadlineAlwaysCloses(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < CASES_PER_SEED; i++) {
      long now =
          random.nextInt(10) == 0 ? NOW_EDGES[random.nextInt(NOW_EDGES.length)] : random.nextLong();
      long left =
          random.nextInt(5) == 0
              ? LEFT_EDGES[random.nextInt(LEFT_EDGES.length)]
              : random.nextLong(-LEFT_NANOS_MAX, LEFT_NANOS_MAX + 1);
      String where = String.format("seed %d case %d: now=%d left=%d ns", seed, i, now, left);

      long deadline = now + left; // may wrap, as nanoTime values do
      LeasePlan plan = LeasePlan.at(Map.of(VIP, deadline), now, 600_000);
      if (left < 1_000_000L) {
        assertThat(plan.closed()).as(where).containsExactly(VIP);
        assertThat(plan.grantMsByVip()).as(where).isEmpty();
      } else {
        long granted = plan.grantMsByVip().get(VIP);
        assertThat(granted * 1_000_000L).as(where).isLessThanOrEqualTo(left);
        assertThat(left - granted * 1_000_000L).as(where).isLessThan(1_000_000L);
        assertThat(plan.closed()).as(where).isEmpty();
      }
    }
  }
}
