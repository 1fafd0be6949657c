package io.raftvip.netio.fence;

import java.net.InetAddress;
import java.util.Map;
import java.util.Set;

/**
 * A kernel-enforced gate per VIP: while a VIP is managed, this node neither answers for it (ARP,
 * neighbour discovery) nor sends or receives IP traffic with it, except until the deadline of its
 * last renewal. The deadline is enforced by the kernel, so it holds when the JVM is paused or
 * killed.
 *
 * <p>Lifecycle of a VIP: {@link #manage} (gate closed) before the address is added; {@link #renew}
 * whenever the lease is extended (gate open until the deadline); {@link #close(InetAddress)} to
 * shut the gate now (planned move away); the address is removed; {@link #release}.
 *
 * <p>Deadlines are values of the fence's monotonic nano clock ({@link System#nanoTime} unless
 * injected). A deadline that has passed, or is less than 1 ms away, closes the gate: a renewal
 * never extends a lease past its deadline.
 *
 * <p>Thread rule: implementations are thread-safe; every method may block for a bounded time
 * (implementation's command timeout) and must not be called from a Ratis callback.
 */
public interface Fence extends AutoCloseable {

  /**
   * Puts {@code vip} under management on interface {@code ifname} (may be called again with another
   * interface, e.g. a macvlan and its parent). The gate is closed until the first renewal.
   */
  void manage(InetAddress vip, String ifname);

  /** Opens (or keeps open) the gate of {@code vip} until {@code deadlineNanos}, or closes it. */
  FenceRenewal renew(InetAddress vip, long deadlineNanos);

  /**
   * Like {@link #renew} for many VIPs in one atomic kernel batch. Each remaining time is computed
   * from its deadline at the moment the batch is built, on the fence's own thread.
   */
  FenceRenewal renewAll(Map<InetAddress, Long> deadlineNanosByVip);

  /**
   * Like {@link #renewAll} with durations: each deadline is now (on the caller's thread) plus the
   * given milliseconds. Prefer {@link #renewAll}: a queueing delay between the caller computing a
   * duration and the kernel applying it would otherwise stretch the lease.
   */
  FenceRenewal renewAllRemaining(Map<InetAddress, Long> remainingMsByVip);

  /** Closes the gate of {@code vip} now. */
  void close(InetAddress vip);

  /**
   * Stops managing {@code vip}: the gate no longer filters it. Call only after the address has been
   * removed, or the node answers for it unconditionally.
   */
  void release(InetAddress vip);

  /** The VIPs under management, with their interfaces. */
  Map<InetAddress, Set<String>> managed();

  /**
   * Removes everything the fence installed; every managed VIP is then unfenced, so call it only on
   * a clean shutdown after the addresses are gone. Idempotent.
   */
  @Override
  void close();
}
