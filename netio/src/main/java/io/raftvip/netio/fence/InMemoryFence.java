package io.raftvip.netio.fence;

import java.net.InetAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * A {@link Fence} that keeps the gates in memory against an injected clock, for coordinator tests
 * and simulations; it follows the same rules as {@link NftablesFence} (renewing an unmanaged VIP is
 * an error, a past deadline closes, release after close is a no-op) and records every call.
 *
 * <p>Thread-safe (all methods synchronized).
 */
public final class InMemoryFence implements Fence {
  private final LongSupplier nanoClock;
  private final long maxLeaseMs;
  private final Map<InetAddress, Set<String>> interfacesByVip = new LinkedHashMap<>();
  private final Map<InetAddress, Long> deadlineNanosByVip = new LinkedHashMap<>();
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private boolean closed;

  public InMemoryFence(LongSupplier nanoClock) {
    this(nanoClock, NftablesFence.DEFAULT_MAX_LEASE_MS);
  }

  public InMemoryFence(LongSupplier nanoClock, long maxLeaseMs) {
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.maxLeaseMs = maxLeaseMs;
  }

  @Override
  public synchronized void manage(InetAddress vip, String ifname) {
    open();
    NftCommands.checkVip(vip);
    NftCommands.checkIfname(ifname);
    calls.add("manage " + vip.getHostAddress() + " " + ifname);
    interfacesByVip.computeIfAbsent(vip, v -> new LinkedHashSet<>()).add(ifname);
  }

  @Override
  public FenceRenewal renew(InetAddress vip, long deadlineNanos) {
    return renewAll(Map.of(vip, deadlineNanos));
  }

  @Override
  public synchronized FenceRenewal renewAll(Map<InetAddress, Long> deadlineNanosByVip) {
    open();
    for (InetAddress vip : deadlineNanosByVip.keySet()) {
      if (!interfacesByVip.containsKey(vip)) {
        throw new IllegalStateException("renewing a VIP that is not managed: " + vip);
      }
    }
    long now = nanoClock.getAsLong();
    LeasePlan plan = LeasePlan.at(deadlineNanosByVip, now, maxLeaseMs);
    plan.grantMsByVip()
        .forEach((vip, ms) -> this.deadlineNanosByVip.put(vip, now + ms * 1_000_000L));
    plan.closed().forEach(this.deadlineNanosByVip::remove);
    calls.add("renew " + plan.grantMsByVip() + " closed " + plan.closed());
    return FenceRenewal.of(plan, 0, 1);
  }

  @Override
  public synchronized FenceRenewal renewAllRemaining(Map<InetAddress, Long> remainingMsByVip) {
    long now = nanoClock.getAsLong();
    Map<InetAddress, Long> deadlines = new LinkedHashMap<>();
    remainingMsByVip.forEach((vip, ms) -> deadlines.put(vip, now + Math.max(ms, 0) * 1_000_000L));
    return renewAll(deadlines);
  }

  @Override
  public synchronized void close(InetAddress vip) {
    open();
    calls.add("close " + vip.getHostAddress());
    deadlineNanosByVip.remove(vip);
  }

  @Override
  public synchronized void release(InetAddress vip) {
    open();
    calls.add("release " + vip.getHostAddress());
    deadlineNanosByVip.remove(vip);
    interfacesByVip.remove(vip);
  }

  @Override
  public synchronized Map<InetAddress, Set<String>> managed() {
    Map<InetAddress, Set<String>> copy = new LinkedHashMap<>();
    interfacesByVip.forEach((vip, ifs) -> copy.put(vip, Set.copyOf(ifs)));
    return Collections.unmodifiableMap(copy);
  }

  /**
   * True when {@code vip} is managed and its gate is open now: what the kernel fence would let
   * through. An unmanaged VIP is not filtered at all and reports true.
   */
  public synchronized boolean passes(InetAddress vip) {
    if (!interfacesByVip.containsKey(vip) || closed) {
      return true;
    }
    Long deadline = deadlineNanosByVip.get(vip);
    return deadline != null && deadline - nanoClock.getAsLong() > 0;
  }

  /** Every call so far, e.g. "manage 198.18.0.50 eth0". */
  public List<String> calls() {
    return List.copyOf(calls);
  }

  @Override
  public synchronized void close() {
    closed = true;
    calls.add("close fence");
    interfacesByVip.clear();
    deadlineNanosByVip.clear();
  }

  private void open() {
    if (closed) {
      throw new IllegalStateException("fence is closed");
    }
  }
}
