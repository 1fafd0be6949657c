package io.raftvip.coordinator.reconcile;

import io.raftvip.coordinator.core.VipSpec;
import java.util.function.BooleanSupplier;

/**
 * The node's data plane as the {@link Reconciler} drives it: a per-VIP fence with an absolute
 * deadline, the VIP address, and announcements.
 *
 * <p>Contract for implementers: every method is called on the reconciler thread only, one call at a
 * time, and must return within a bounded time (the implementation's own timeouts). Failures are
 * thrown as runtime exceptions naming the VIP; the reconciler decides what is safe to do next.
 * Implementations never touch an address or fence they did not create.
 */
public interface DataPlane extends AutoCloseable {

  /**
   * The node's monotonic clock in milliseconds. Fence deadlines, renewal send times and the
   * reconciler's checks all use this clock, so that a deadline computed by {@code OwnerLease} means
   * the same instant to the kernel.
   */
  long nowMs();

  /**
   * Removes what an earlier process of this node left: closes every fence gate and removes every
   * raftvip address. Tidiness only (they are covered by that process's lease, docs/safety.md §8.6).
   */
  void flush();

  /**
   * Opens (or keeps open) the fence of {@code spec} until {@code deadlineMs} of {@link #nowMs()};
   * the remaining time is computed when the kernel element is written. A deadline that is not in
   * the future closes the gate.
   */
  void armFence(VipSpec spec, long epoch, long deadlineMs);

  /** Closes the fence gate of {@code spec} now; no effect when it is not open. */
  void closeFence(VipSpec spec);

  /**
   * Adds the VIP address, or updates raftvip's existing one, with this valid lifetime (the backstop
   * if the node stops). Called only while the fence is armed.
   */
  void addAddress(VipSpec spec, int validLifetimeSec);

  /** Removes raftvip's VIP address; no effect when it is not there. */
  void removeAddress(VipSpec spec);

  /**
   * Starts a burst of gratuitous ARP / unsolicited NA for {@code spec}; returns at once. {@code
   * stillOwned} is checked before every round (it may be called on another thread).
   */
  void announce(VipSpec spec, BooleanSupplier stillOwned);

  /** Releases sockets and threads. */
  @Override
  void close();
}
