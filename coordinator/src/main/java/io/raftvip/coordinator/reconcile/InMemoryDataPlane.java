package io.raftvip.coordinator.reconcile;

import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.VipSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A data plane kept in memory for tests: it records every call, when each VIP's fence was open (as
 * intervals of the injected clock, so tests can check that no two nodes' fences for a VIP were open
 * at once), which addresses are configured, and the announcements. Failures can be injected per
 * operation. Thread-safe (tests read it while the reconciler writes).
 *
 * <p>Virtual MACs: a VIP with a vrid gets a simulated macvlan with its {@link VipSpec#virtualMac()}
 * while its address is configured ({@link #virtualMac}). Drift: the {@code simulate...} methods
 * change the simulated kernel as someone else would and report it to the sink given to {@link
 * #watch}, on the calling thread (as the netlink thread would).
 */
public final class InMemoryDataPlane implements DataPlane {

  /** One recorded call. */
  public record Call(long atMs, String operation, VipName vip, String thread) {}

  /**
   * An interval during which a fence was open: {@code [fromMs, untilMs)}; {@code untilMs} is the
   * deadline the fence would close at if nothing closes it earlier.
   */
  public record OpenInterval(long fromMs, long untilMs, long epoch) {
    public boolean overlaps(OpenInterval o) {
      return fromMs < o.untilMs && o.fromMs < untilMs;
    }
  }

  private final LongSupplier clockMs;
  private final List<Call> calls = new ArrayList<>();
  private final Map<VipName, List<OpenInterval>> intervals = new TreeMap<>();
  private final Map<VipName, Integer> addresses = new TreeMap<>();
  private final List<VipName> announced = new ArrayList<>();
  private final Set<String> failing = new HashSet<>();
  private final Map<VipName, String> vmacs = new TreeMap<>();
  private final Set<VipName> missingInterface = new HashSet<>();
  private volatile Consumer<Drift> sink;
  private boolean closed;

  /** A data plane on {@code clockMs}, e.g. {@code () -> System.nanoTime() / 1_000_000}. */
  public InMemoryDataPlane(LongSupplier clockMs) {
    this.clockMs = Objects.requireNonNull(clockMs, "clockMs");
  }

  /** A data plane on the JVM's monotonic clock. */
  public static InMemoryDataPlane onSystemClock() {
    return new InMemoryDataPlane(() -> System.nanoTime() / 1_000_000);
  }

  /**
   * Makes every later call of {@code operation} ("armFence", "closeFence", "addAddress",
   * "removeAddress", "announce") throw until {@code fail} is set back to false.
   */
  public synchronized void failing(String operation, boolean fail) {
    if (fail) {
      failing.add(operation);
    } else {
      failing.remove(operation);
    }
  }

  @Override
  public long nowMs() {
    return clockMs.getAsLong();
  }

  @Override
  public synchronized void flush() {
    long now = record("flush", null);
    for (List<OpenInterval> list : intervals.values()) {
      closeLast(list, now);
    }
    addresses.clear();
    vmacs.clear();
  }

  @Override
  public synchronized void armFence(VipSpec spec, long epoch, long deadlineMs) {
    long now = record("armFence", spec.name());
    List<OpenInterval> list = intervals.computeIfAbsent(spec.name(), k -> new ArrayList<>());
    OpenInterval last = list.isEmpty() ? null : list.get(list.size() - 1);
    if (deadlineMs <= now) {
      closeLast(list, now);
      return;
    }
    if (last != null && last.untilMs() > now) {
      // Still open: the renewal moves the deadline (the kernel element is rewritten).
      list.set(list.size() - 1, new OpenInterval(last.fromMs(), deadlineMs, epoch));
    } else {
      list.add(new OpenInterval(now, deadlineMs, epoch));
    }
  }

  @Override
  public synchronized void closeFence(VipSpec spec) {
    long now = record("closeFence", spec.name());
    closeLast(intervals.getOrDefault(spec.name(), new ArrayList<>()), now);
  }

  @Override
  public synchronized void addAddress(VipSpec spec, int validLifetimeSec) {
    record("addAddress", spec.name());
    if (missingInterface.contains(spec.name())) {
      throw new IllegalStateException("interface of " + spec.name() + " is gone (simulated)");
    }
    spec.virtualMac().ifPresent(mac -> vmacs.put(spec.name(), mac));
    addresses.put(spec.name(), validLifetimeSec);
  }

  @Override
  public synchronized void removeAddress(VipSpec spec) {
    record("removeAddress", spec.name());
    addresses.remove(spec.name());
    vmacs.remove(spec.name());
  }

  @Override
  public synchronized boolean hasAddress(VipSpec spec) {
    return addresses.containsKey(spec.name());
  }

  @Override
  public void watch(Consumer<Drift> driftSink) {
    this.sink = Objects.requireNonNull(driftSink, "driftSink");
  }

  /** Someone else deletes the address of {@code vip} ({@code ip addr del}); reported as drift. */
  public void simulateAddressDeleted(VipName vip) {
    synchronized (this) {
      addresses.remove(vip);
    }
    report(new Drift.AddressRemoved(vip, "simulated ip addr del"));
  }

  /** The interface of {@code vip} comes back up after a link flap; reported as drift. */
  public void simulateLinkReturned(VipName vip) {
    report(new Drift.LinkReturned(vip, "simulated link up"));
  }

  /**
   * The interface of {@code vip} is deleted: its address and macvlan go with it, and adding the
   * address fails until {@link #simulateInterfaceRestored}; reported as drift.
   */
  public void simulateInterfaceDeleted(VipName vip) {
    synchronized (this) {
      addresses.remove(vip);
      vmacs.remove(vip);
      missingInterface.add(vip);
    }
    report(new Drift.InterfaceRemoved(vip, "simulated ip link del"));
  }

  /** The interface of {@code vip} exists again (not reported: a later refresh finds it). */
  public synchronized void simulateInterfaceRestored(VipName vip) {
    missingInterface.remove(vip);
  }

  /** An operator adds an untagged address equal to {@code vip}'s; reported as drift. */
  public void simulateForeignAddress(VipName vip) {
    report(new Drift.ForeignAddress(vip, "simulated ip addr add"));
  }

  private void report(Drift d) {
    Consumer<Drift> s = sink;
    if (s != null) {
      s.accept(d);
    }
  }

  /** The virtual MAC of {@code vip}'s simulated macvlan, present while its address is. */
  public synchronized java.util.Optional<String> virtualMac(VipName vip) {
    return java.util.Optional.ofNullable(vmacs.get(vip));
  }

  @Override
  public void announce(VipSpec spec, BooleanSupplier stillOwned) {
    synchronized (this) {
      record("announce", spec.name());
    }
    // Outside the lock, as a real announcer checks from its own thread.
    boolean owned = stillOwned.getAsBoolean();
    synchronized (this) {
      if (owned) {
        announced.add(spec.name());
      }
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  /** Whether the fence of {@code vip} is open now. */
  public synchronized boolean fenceOpen(VipName vip) {
    List<OpenInterval> list = intervals.get(vip);
    return list != null && !list.isEmpty() && list.get(list.size() - 1).untilMs() > nowMs();
  }

  /** Whether the node serves {@code vip} now: fence open and address configured. */
  public synchronized boolean serves(VipName vip) {
    return fenceOpen(vip) && addresses.containsKey(vip);
  }

  /** Whether the address of {@code vip} is configured. */
  public synchronized boolean hasAddress(VipName vip) {
    return addresses.containsKey(vip);
  }

  /** The valid lifetime the address of {@code vip} was last written with, or -1. */
  public synchronized int addressLifetimeSec(VipName vip) {
    return addresses.getOrDefault(vip, -1);
  }

  /** Every interval in which the fence of {@code vip} was (or is) open. */
  public synchronized List<OpenInterval> openIntervals(VipName vip) {
    return List.copyOf(intervals.getOrDefault(vip, List.of()));
  }

  /** VIPs announced with the ownership check passing, in order. */
  public synchronized List<VipName> announced() {
    return List.copyOf(announced);
  }

  /** Every call, in order. */
  public synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The operations recorded for {@code vip}, in order. */
  public synchronized List<String> operations(VipName vip) {
    return calls.stream().filter(c -> vip.equals(c.vip())).map(Call::operation).toList();
  }

  /** Whether {@link #close()} was called. */
  public synchronized boolean isClosed() {
    return closed;
  }

  private long record(String operation, VipName vip) {
    long now = nowMs();
    if (failing.contains(operation)) {
      throw new IllegalStateException("injected failure of " + operation + " for " + vip);
    }
    calls.add(new Call(now, operation, vip, Thread.currentThread().getName()));
    return now;
  }

  private static void closeLast(List<OpenInterval> list, long now) {
    if (list.isEmpty()) {
      return;
    }
    OpenInterval last = list.get(list.size() - 1);
    if (last.untilMs() > now) {
      list.set(list.size() - 1, new OpenInterval(last.fromMs(), now, last.epoch()));
    }
  }
}
