package io.raftvip.netio.fence;

import java.net.InetAddress;
import java.util.Map;
import java.util.Set;

/**
 * The outcome of one renewal.
 *
 * @param grantedMsByVip VIPs whose gate is open, with the timeout written to the kernel
 * @param closed VIPs whose deadline had passed: their gate is closed
 * @param applyNanos time from reading the clock to the kernel's commit of the last batch written:
 *     the most by which the kernel's expiry can lie after the deadline, besides jiffy rounding (0
 *     for fakes)
 * @param attempts batches written (more than 1 when a batch was slow and was written again)
 */
public record FenceRenewal(
    Map<InetAddress, Long> grantedMsByVip, Set<InetAddress> closed, long applyNanos, int attempts) {
  public FenceRenewal {
    grantedMsByVip = Map.copyOf(grantedMsByVip);
    closed = Set.copyOf(closed);
  }

  static FenceRenewal of(LeasePlan plan, long applyNanos, int attempts) {
    return new FenceRenewal(plan.grantMsByVip(), plan.closed(), applyNanos, attempts);
  }

  /** True when {@code vip}'s gate was left open. */
  public boolean granted(InetAddress vip) {
    return grantedMsByVip.containsKey(vip);
  }
}
