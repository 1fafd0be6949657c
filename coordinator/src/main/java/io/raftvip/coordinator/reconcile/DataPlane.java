package io.raftvip.coordinator.reconcile;

import io.raftvip.coordinator.core.VipSpec;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

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
   * Removes what an earlier process of this node left: closes every fence gate, removes every
   * raftvip address and every link raftvip created (virtual-MAC macvlans). Tidiness only (they are
   * covered by that process's lease, docs/safety.md §8.6).
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
   * if the node stops). Called only while the fence is armed. A VIP with a {@code vrid} is served
   * on a macvlan with the virtual MAC, which this call creates and brings up first when missing.
   */
  void addAddress(VipSpec spec, int validLifetimeSec);

  /**
   * Removes raftvip's VIP address (and the VIP's virtual-MAC macvlan, when no other served VIP uses
   * it); no effect when it is not there, also when its interface is gone.
   */
  void removeAddress(VipSpec spec);

  /**
   * Starts a burst of gratuitous ARP / unsolicited NA for {@code spec}; returns at once. {@code
   * stillOwned} is checked before every round (it may be called on another thread).
   */
  void announce(VipSpec spec, BooleanSupplier stillOwned);

  /**
   * Whether raftvip's address of {@code spec} is configured now; the reconciler asks before it
   * repairs a reported {@link Drift.AddressRemoved} (the report may be stale). Default: true, for
   * data planes that report no drift.
   */
  default boolean hasAddress(VipSpec spec) {
    return true;
  }

  /**
   * Starts reporting {@link Drift} to {@code sink}; called once, by the reconciler, before any
   * other call. {@code sink} may be called from any thread, never blocks and is bounded (it drops
   * what does not fit; the periodic refresh repairs addresses anyway). Default: reports nothing.
   */
  default void watch(Consumer<Drift> sink) {}

  /** Releases sockets and threads. */
  @Override
  void close();
}
