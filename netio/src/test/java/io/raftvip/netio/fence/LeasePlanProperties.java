package io.raftvip.netio.fence;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class LeasePlanProperties {
  private static final InetAddress VIP = InetAddress.getLoopbackAddress();

  @Property(tries = 2000)
  void aGrantNeverReachesPastTheDeadlineAndAPastDeadlineAlwaysCloses(
      @ForAll long now,
      @ForAll @LongRange(min = -10_000_000_000L, max = 10_000_000_000L) long left) {
    long deadline = now + left;
    LeasePlan plan = LeasePlan.at(Map.of(VIP, deadline), now, 600_000);
    if (left < 1_000_000L) {
      assertThat(plan.closed()).containsExactly(VIP);
      assertThat(plan.grantMsByVip()).isEmpty();
    } else {
      long granted = plan.grantMsByVip().get(VIP);
      assertThat(granted * 1_000_000L).isLessThanOrEqualTo(left);
      assertThat(left - granted * 1_000_000L).isLessThan(1_000_000L);
    }
  }
}
