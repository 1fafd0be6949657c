package io.raftvip.netio.fence;

import java.net.InetAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What one renewal batch does for each VIP, computed from monotonic deadlines at one instant: grant
 * the whole milliseconds left until the deadline, or close the gate when less than one millisecond
 * is left. Pure: no clock of its own, no IO.
 *
 * <p>Rounding is always down, so a grant never ends after its deadline in our arithmetic. The
 * kernel then rounds the timeout up to whole jiffies ({@code nf_msecs_to_jiffies64}) and evaluates
 * expiry at jiffy resolution, so the gate can close up to one jiffy (4 ms at HZ=250, 10 ms at
 * HZ=100) after the deadline; lease budgets must include that (the fence precision tests measure
 * it).
 *
 * @param grantMsByVip VIPs whose gate stays open, with the timeout to give the lease element
 * @param closed VIPs whose deadline has passed: their lease element is deleted, never extended
 */
public record LeasePlan(Map<InetAddress, Long> grantMsByVip, Set<InetAddress> closed) {

  private static final long NANOS_PER_MS = 1_000_000L;

  public LeasePlan {
    grantMsByVip = Collections.unmodifiableMap(new LinkedHashMap<>(grantMsByVip));
    closed = Collections.unmodifiableSet(new LinkedHashSet<>(closed));
    for (Map.Entry<InetAddress, Long> e : grantMsByVip.entrySet()) {
      if (e.getValue() < 1) {
        throw new IllegalArgumentException(
            "a grant must be at least 1 ms, got " + e.getValue() + " ms for " + e.getKey());
      }
      if (closed.contains(e.getKey())) {
        throw new IllegalArgumentException(e.getKey() + " is both granted and closed");
      }
    }
  }

  /**
   * Whole milliseconds from {@code nowNanos} to {@code deadlineNanos} (both from the same monotonic
   * clock, e.g. {@link System#nanoTime}), rounded down; zero or negative when the deadline is less
   * than 1 ms away or past. Overflow-safe for clock values that wrap, as nanoTime differences are.
   */
  public static long remainingMs(long deadlineNanos, long nowNanos) {
    long leftNanos = deadlineNanos - nowNanos;
    return Math.floorDiv(leftNanos, NANOS_PER_MS);
  }

  /**
   * The plan for {@code deadlineNanosByVip} at {@code nowNanos}.
   *
   * @throws IllegalArgumentException if a deadline is more than {@code maxLeaseMs} away: a caller
   *     bug (e.g. a wall-clock value passed as a monotonic deadline) that must not become a lease
   */
  public static LeasePlan at(
      Map<InetAddress, Long> deadlineNanosByVip, long nowNanos, long maxLeaseMs) {
    Objects.requireNonNull(deadlineNanosByVip, "deadlineNanosByVip");
    Map<InetAddress, Long> grants = new LinkedHashMap<>();
    Set<InetAddress> closed = new LinkedHashSet<>();
    for (Map.Entry<InetAddress, Long> e : deadlineNanosByVip.entrySet()) {
      InetAddress vip = Objects.requireNonNull(e.getKey(), "vip");
      long remaining = remainingMs(Objects.requireNonNull(e.getValue(), "deadline"), nowNanos);
      if (remaining > maxLeaseMs) {
        throw new IllegalArgumentException(
            "deadline for "
                + vip.getHostAddress()
                + " is "
                + remaining
                + " ms away, more than the maximum lease of "
                + maxLeaseMs
                + " ms");
      }
      if (remaining >= 1) {
        grants.put(vip, remaining);
      } else {
        closed.add(vip);
      }
    }
    return new LeasePlan(grants, closed);
  }
}
