package io.raftvip.netio.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InMemoryFenceTest {
  private static final long MS = 1_000_000L;

  private static InetAddress ip(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void gateFollowsDeadlinesOfTheInjectedClock() {
    AtomicLong clock = new AtomicLong(1_000 * MS);
    InetAddress vip = ip("198.18.0.50");
    try (InMemoryFence fence = new InMemoryFence(clock::get)) {
      assertThat(fence.passes(vip)).as("unmanaged: not filtered").isTrue();
      fence.manage(vip, "eth0");
      assertThat(fence.passes(vip)).as("managed, no lease").isFalse();
      FenceRenewal r = fence.renew(vip, clock.get() + 300 * MS);
      assertThat(r.grantedMsByVip()).containsEntry(vip, 300L);
      clock.addAndGet(299 * MS);
      assertThat(fence.passes(vip)).isTrue();
      clock.addAndGet(MS);
      assertThat(fence.passes(vip)).isFalse();
      FenceRenewal late = fence.renewAll(Map.of(vip, clock.get() - 1));
      assertThat(late.closed()).containsExactly(vip);
      fence.renewAllRemaining(Map.of(vip, 50L));
      assertThat(fence.passes(vip)).isTrue();
      fence.close(vip);
      assertThat(fence.passes(vip)).isFalse();
      fence.release(vip);
      assertThat(fence.managed()).isEmpty();
      assertThatThrownBy(() -> fence.renew(vip, clock.get() + MS))
          .isInstanceOf(IllegalStateException.class);
      assertThat(fence.calls()).first().isEqualTo("manage 198.18.0.50 eth0");
    }
  }
}
