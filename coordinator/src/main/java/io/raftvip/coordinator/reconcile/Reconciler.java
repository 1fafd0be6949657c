package io.raftvip.coordinator.reconcile;

import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.coordinator.core.lease.OwnerEffect;
import io.raftvip.netio.NoSuchInterface;
import io.raftvip.netio.NotOwnedByRaftvip;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries {@link OwnerEffect}s out through a {@link DataPlane}, in submission order, on its own
 * thread {@value #THREAD_NAME}.
 *
 * <p>Rules on top of the order {@code OwnerLease} already produces:
 *
 * <ul>
 *   <li>An {@link OwnerEffect.ArmFence} whose deadline is no longer in the future closes the gate
 *       instead (a queueing delay must never stretch a lease).
 *   <li>{@link OwnerEffect.AddAddress}, {@link OwnerEffect.RefreshAddress} and {@link
 *       OwnerEffect.Announce} run only while this reconciler has the VIP's fence armed at that
 *       epoch with a deadline ahead; otherwise they are skipped (an address behind a closed fence
 *       would not answer anyway, and skipping keeps it from lingering). A refresh re-adds an
 *       address that vanished (drift repair) because it writes with replace semantics.
 *   <li>{@link OwnerEffect.CommitRelease} first closes the fence and removes the address again
 *       (idempotent; covers a dropped or failed teardown) and hands the Release to the {@link
 *       ReleaseHandler} only when both succeeded. {@code OwnerLease} repeats CommitRelease, so a
 *       withheld one is retried.
 *   <li>A refresh that had to add the address anew (it was gone, e.g. its interface came back)
 *       announces the VIP again.
 * </ul>
 *
 * <p>Drift ({@link DataPlane#watch}): reports are queued next to the effects (deduplicated, and
 * only while the queue is at most three quarters full, so a flood of kernel notifications never
 * crowds out effects) and handled on the reconciler thread, after re-checking the kernel:
 *
 * <ul>
 *   <li>{@link Drift.AddressRemoved} while the fence is armed and the address was added: re-added
 *       with the backstop lifetime it had left (never longer), a warning names it, and the VIP is
 *       announced again.
 *   <li>{@link Drift.LinkReturned}: the VIP is announced again (and re-added if the link lost it).
 *   <li>{@link Drift.InterfaceRemoved}: reported as a failed {@link OwnerEffect.RefreshAddress}
 *       with {@link NoSuchInterface}; the fence is closed and raftvip's address and macvlan removed
 *       ({@link Listener#onStopped}). Later renewals may open the fence again, which serves nothing
 *       without the address; the next refresh re-adds and announces it once the interface is back.
 *   <li>{@link Drift.ForeignAddress}: reported as a failed {@link OwnerEffect.RefreshAddress} with
 *       {@link NotOwnedByRaftvip}; the foreign address is never touched.
 * </ul>
 */
public final class Reconciler implements AutoCloseable {

  /** Name of the reconciler thread. */
  public static final String THREAD_NAME = "raftvip-reconciler";

  /** Default queue capacity, in batches. */
  public static final int QUEUE_CAPACITY_DEFAULT = 1024;

  /** Longest queue allowed. */
  public static final int QUEUE_CAPACITY_MAX = 65_536;

  /** How long {@link #close()} waits for the thread to finish the queue. */
  static final long CLOSE_WAIT_MS = 5_000;

  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  /** Submits {@code Release(vip, epoch)} to the log. Must not block (return a future instead). */
  @FunctionalInterface
  public interface ReleaseHandler {
    void commitRelease(VipName vip, long epoch);
  }

  /** Hears what the reconciler did; called on the reconciler thread, must return quickly. */
  public interface Listener {
    Listener NONE = new Listener() {};

    /** The fence of {@code vip} is armed under {@code epoch} and its address was added. */
    default void onServing(VipName vip, long epoch) {}

    /** {@code vip} is no longer served by this node (fence closed or lapsed). */
    default void onStopped(VipName vip) {}

    /**
     * A Release of {@code vip} at {@code epoch} was handed to the {@link ReleaseHandler} after the
     * fence was closed and the address removed; once per (vip, epoch), retries are not reported.
     */
    default void onReleaseSubmitted(VipName vip, long epoch) {}

    /**
     * A data-plane call for {@code effect} failed. Drift that stops or endangers serving (interface
     * deleted, foreign address equal to the VIP) is reported here too, as a failed {@link
     * OwnerEffect.RefreshAddress}, the effect that keeps the address in place.
     */
    default void onEffectFailed(OwnerEffect effect, RuntimeException error) {}

    /** The reconciler handled {@code drift} of a VIP it knows (before any repair it makes). */
    default void onDrift(Drift drift) {}

    /**
     * A data-plane call succeeded (metrics): {@link OwnerEffect.ArmFence}, {@link
     * OwnerEffect.CloseFence}, {@link OwnerEffect.AddAddress} or {@link OwnerEffect.RefreshAddress}
     * (the address was written), {@link OwnerEffect.RemoveAddress} or {@link OwnerEffect.Announce}
     * (a burst started). Skipped effects are not reported.
     */
    default void onEffectDone(OwnerEffect effect) {}
  }

  /** What the reconciler armed for a VIP (read by the announcer's ownership check). */
  private record Armed(long epoch, long untilMs) {}

  private static final Object STOP = new Object();

  /** errno of a missing device, carried by the {@link NoSuchInterface} a deleted link reports. */
  private static final int ENODEV = 19;

  private final DataPlane plane;
  private final ReleaseHandler releaseHandler;
  private final Listener listener;
  private final BlockingQueue<Object> queue;
  private final Thread thread;
  private final AtomicLong submitted = new AtomicLong();
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final Map<VipName, Armed> armed = new ConcurrentHashMap<>();
  // Confined to the reconciler thread.
  private final Map<VipName, VipSpec> known = new HashMap<>();
  private final Map<VipName, Boolean> addressAdded = new HashMap<>();
  private final Map<VipName, Long> releaseReported = new HashMap<>();
  private final Map<VipName, Long> addressExpiresMs = new HashMap<>();
  // Drift reports queued and not yet handled: identical reports are queued once.
  private final Set<Drift> pendingDrift = ConcurrentHashMap.newKeySet();
  private final AtomicLong droppedDrift = new AtomicLong();
  private final int queueCapacity;
  private final boolean watchDrift;
  private volatile boolean closing;
  private volatile RuntimeException failure;

  private Reconciler(Builder b) {
    this.plane = b.plane;
    this.releaseHandler = b.releaseHandler;
    this.listener = b.listener;
    this.queue = new ArrayBlockingQueue<>(b.queueCapacity);
    this.queueCapacity = b.queueCapacity;
    this.watchDrift = b.watchDrift;
    this.thread = new Thread(this::run, THREAD_NAME);
    this.thread.setDaemon(true);
  }

  /** A builder for a reconciler over {@code plane}. */
  public static Builder builder(DataPlane plane) {
    return new Builder(plane);
  }

  /** Settings of a reconciler; each setter validates on the spot. */
  public static final class Builder {
    private final DataPlane plane;
    private ReleaseHandler releaseHandler = (vip, epoch) -> {};
    private Listener listener = Listener.NONE;
    private int queueCapacity = QUEUE_CAPACITY_DEFAULT;
    private boolean flushOnStart = true;
    private boolean watchDrift = true;

    private Builder(DataPlane plane) {
      this.plane = Objects.requireNonNull(plane, "plane");
    }

    /** Where Release commits go (typically a RaftNode submit). */
    public Builder releaseHandler(ReleaseHandler handler) {
      this.releaseHandler = Objects.requireNonNull(handler, "releaseHandler");
      return this;
    }

    public Builder listener(Listener l) {
      this.listener = Objects.requireNonNull(l, "listener");
      return this;
    }

    /** Queue capacity in batches, 1..{@value #QUEUE_CAPACITY_MAX}. */
    public Builder queueCapacity(int capacity) {
      if (capacity < 1 || capacity > QUEUE_CAPACITY_MAX) {
        throw new IllegalArgumentException(
            "queue capacity " + capacity + " must be in 1.." + QUEUE_CAPACITY_MAX);
      }
      this.queueCapacity = capacity;
      return this;
    }

    /** Whether to {@link DataPlane#flush()} before the first batch (default true). */
    public Builder flushOnStart(boolean flush) {
      this.flushOnStart = flush;
      return this;
    }

    /** Whether to subscribe to the data plane's {@link Drift} reports (default true). */
    public Builder watchDrift(boolean watch) {
      this.watchDrift = watch;
      return this;
    }

    /** Starts the reconciler thread. */
    public Reconciler start() {
      Reconciler r = new Reconciler(this);
      if (flushOnStart) {
        r.submitted.incrementAndGet();
        r.queue.add((Runnable) r::flush);
      }
      if (watchDrift) {
        r.plane.watch(r::offerDrift);
      }
      r.thread.start();
      return r;
    }
  }

  /**
   * Queues {@code effects} to be carried out in order after every batch queued before. Never
   * blocks.
   *
   * @return false when the batch was dropped (queue full or reconciler closed); see the package
   *     documentation for why that is safe
   */
  public boolean submit(List<OwnerEffect> effects) {
    if (effects.isEmpty()) {
      return true;
    }
    List<OwnerEffect> batch = List.copyOf(effects);
    if (closing) {
      dropped.incrementAndGet();
      return false;
    }
    submitted.incrementAndGet();
    if (!queue.offer(batch)) {
      submitted.decrementAndGet();
      long n = dropped.incrementAndGet();
      log.warn(
          "reconciler queue full: dropped a batch of {} effects ({} dropped so far)",
          batch.size(),
          n);
      return false;
    }
    return true;
  }

  /**
   * Waits until every batch submitted so far has been carried out, at most {@code timeout}.
   *
   * @return true when idle
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long target = submitted.get();
    long end = System.nanoTime() + timeout.toNanos();
    while (completed.get() < target) {
      if (System.nanoTime() - end >= 0) {
        return false;
      }
      Thread.sleep(1);
    }
    return true;
  }

  /** The broken invariant that stopped the reconciler, if any. */
  public java.util.Optional<RuntimeException> failure() {
    return java.util.Optional.ofNullable(failure);
  }

  /** Batches dropped because the queue was full or the reconciler closed. */
  public long droppedBatches() {
    return dropped.get();
  }

  /** Drift reports dropped because the queue was three quarters full or the reconciler closed. */
  public long droppedDrift() {
    return droppedDrift.get();
  }

  /**
   * Queues a drift report for the reconciler thread; any thread, never blocks. Identical reports
   * already queued are not queued again.
   */
  private void offerDrift(Drift d) {
    if (closing || queue.remainingCapacity() <= queueCapacity / 4) {
      droppedDrift.incrementAndGet();
      return;
    }
    if (!pendingDrift.add(d)) {
      return;
    }
    submitted.incrementAndGet();
    if (!queue.offer(d)) {
      submitted.decrementAndGet();
      pendingDrift.remove(d);
      droppedDrift.incrementAndGet();
    }
  }

  /**
   * Whether this reconciler has {@code vip} armed under {@code epoch} with a deadline ahead of now.
   * Thread-safe.
   */
  public boolean armed(VipName vip, long epoch) {
    Armed a = armed.get(vip);
    return a != null && a.epoch() == epoch && plane.nowMs() < a.untilMs();
  }

  /**
   * Finishes the batches already queued (at most {@value #CLOSE_WAIT_MS} ms), then stops the
   * thread. Does not close the data plane, which the caller owns. Idempotent.
   */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    try {
      if (!queue.offer(STOP, CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) {
        thread.interrupt();
      }
      thread.join(CLOSE_WAIT_MS);
      if (thread.isAlive()) {
        log.warn("reconciler thread did not stop within {} ms; interrupting", CLOSE_WAIT_MS);
        thread.interrupt();
      }
    } catch (InterruptedException e) {
      thread.interrupt();
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    while (true) {
      Object item;
      try {
        item = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (item == STOP) {
        return;
      }
      try {
        if (item instanceof Runnable r) {
          r.run();
        } else if (item instanceof Drift d) {
          pendingDrift.remove(d);
          onDrift(d);
        } else {
          @SuppressWarnings("unchecked")
          List<OwnerEffect> batch = (List<OwnerEffect>) item;
          for (OwnerEffect e : batch) {
            apply(e);
          }
        }
      } catch (RuntimeException bug) {
        // Data-plane failures are caught per effect; anything reaching here is a broken invariant.
        // Fail hard: stop carrying out effects, so every fence lapses at its deadline.
        failure = bug;
        closing = true;
        log.error("reconciler stopped on a broken invariant", bug);
        return;
      } finally {
        completed.incrementAndGet();
      }
    }
  }

  private void flush() {
    try {
      plane.flush();
    } catch (RuntimeException e) {
      log.warn("flushing what an earlier process left failed", e);
    }
  }

  private void apply(OwnerEffect effect) {
    if (effect instanceof OwnerEffect.ArmFence a) {
      known.put(a.vip(), a.spec());
      arm(a);
    } else if (effect instanceof OwnerEffect.AddAddress a) {
      known.put(a.vip(), a.spec());
      addAddress(a, a.spec(), a.epoch(), a.validLifetimeSec());
    } else if (effect instanceof OwnerEffect.RefreshAddress r) {
      known.put(r.vip(), r.spec());
      refresh(r);
    } else if (effect instanceof OwnerEffect.Announce a) {
      known.put(a.vip(), a.spec());
      announce(a);
    } else if (effect instanceof OwnerEffect.CloseFence c) {
      known.put(c.vip(), c.spec());
      closeFence(c, c.spec());
    } else if (effect instanceof OwnerEffect.RemoveAddress r) {
      known.put(r.vip(), r.spec());
      removeAddress(r, r.spec());
    } else if (effect instanceof OwnerEffect.CommitRelease c) {
      commitRelease(c);
    } else {
      throw new IllegalStateException("unknown effect " + effect);
    }
  }

  private void arm(OwnerEffect.ArmFence a) {
    VipName vip = a.vip();
    Armed before = armed.get(vip);
    if (before != null && before.epoch() > a.epoch()) {
      // Pair assertion with OwnerLease's: epochs armed for a VIP never decrease.
      throw new IllegalStateException(
          "VIP "
              + vip
              + " armed under epoch "
              + before.epoch()
              + " would be armed under "
              + a.epoch());
    }
    if (a.deadlineMs() <= plane.nowMs()) {
      log.debug(
          "VIP {}: deadline {} ms already passed, closing instead of arming", vip, a.deadlineMs());
      closeFence(a, a.spec());
      return;
    }
    try {
      plane.armFence(a.spec(), a.epoch(), a.deadlineMs());
      armed.put(vip, new Armed(a.epoch(), a.deadlineMs()));
      done(a); // metrics
    } catch (RuntimeException e) {
      armed.remove(vip);
      failed(a, e);
      // Best effort: whatever state the failed write left, the gate must not stay open for us.
      try {
        plane.closeFence(a.spec());
      } catch (RuntimeException again) {
        log.debug("VIP {}: closing after a failed arm failed too", vip, again);
      }
    }
  }

  private void addAddress(OwnerEffect effect, VipSpec spec, long epoch, int lifetimeSec) {
    if (!armed(spec.name(), epoch)) {
      log.debug("VIP {} epoch {}: fence not armed, address not added", spec.name(), epoch);
      return;
    }
    try {
      plane.addAddress(spec, lifetimeSec);
      addressExpiresMs.put(spec.name(), plane.nowMs() + lifetimeSec * 1000L);
      done(effect); // metrics
      if (addressAdded.put(spec.name(), true) == null) {
        listener.onServing(spec.name(), epoch);
      }
    } catch (RuntimeException e) {
      failed(effect, e);
    }
  }

  private void refresh(OwnerEffect.RefreshAddress r) {
    Armed a = armed.get(r.vip());
    if (a == null) {
      return;
    }
    boolean wasAdded = addressAdded.containsKey(r.vip());
    addAddress(r, r.spec(), a.epoch(), r.validLifetimeSec());
    if (!wasAdded && addressAdded.containsKey(r.vip())) {
      // Added anew (its interface came back, or the first add failed): tell the LAN again.
      announceNow(r, r.spec(), a.epoch());
    }
  }

  private void announceNow(OwnerEffect effect, VipSpec spec, long epoch) {
    VipName vip = spec.name();
    try {
      plane.announce(spec, () -> armed(vip, epoch));
      done(new OwnerEffect.Announce(spec, epoch)); // metrics
    } catch (RuntimeException e) {
      failed(effect, e);
    }
  }

  private void onDrift(Drift d) {
    VipName vip = d.vip();
    VipSpec spec = known.get(vip);
    if (spec == null) {
      return;
    }
    Armed a = armed.get(vip);
    boolean serving = a != null && armed(vip, a.epoch()) && addressAdded.containsKey(vip);
    OwnerEffect keep = new OwnerEffect.RefreshAddress(spec, remainingLifetimeSec(vip));
    if (d instanceof Drift.ForeignAddress f) {
      log.warn(
          "VIP {}: {} carries the VIP's address without raftvip's tag; leaving it in place",
          vip,
          f.detail());
      notifyDrift(d);
      failed(
          keep,
          new NotOwnedByRaftvip(
              "serve VIP " + vip, f.detail(), "no raftvip IFA_PROTO tag", "remove it"));
    } else if (d instanceof Drift.InterfaceRemoved r) {
      if (a == null && !addressAdded.containsKey(vip)) {
        return;
      }
      log.warn("VIP {}: {} was deleted; no longer serving the VIP", vip, r.detail());
      notifyDrift(d);
      failed(keep, new NoSuchInterface("serve VIP " + vip, r.detail(), ENODEV));
      closeFence(keep, spec);
      removeAddress(keep, spec);
    } else if (d instanceof Drift.AddressRemoved r) {
      if (!serving || plane.hasAddress(spec)) {
        // Our own removal, a lapsed lease, or already back: nothing to repair.
        return;
      }
      int lifetimeSec = remainingLifetimeSec(vip);
      if (lifetimeSec < 1) {
        return;
      }
      notifyDrift(d);
      if (readd(spec, a.epoch(), lifetimeSec)) {
        log.warn(
            "VIP {}: address {} was removed by someone else while the lease is valid; re-added it",
            vip,
            r.detail());
      }
    } else if (d instanceof Drift.LinkReturned r) {
      if (!serving) {
        return;
      }
      log.info("VIP {}: {} is usable again; announcing the VIP", vip, r.detail());
      notifyDrift(d);
      if (!plane.hasAddress(spec)) {
        int lifetimeSec = remainingLifetimeSec(vip);
        if (lifetimeSec >= 1 && readd(spec, a.epoch(), lifetimeSec)) {
          log.warn("VIP {}: address was gone from {}; re-added it", vip, r.detail());
        }
        return;
      }
      announceNow(new OwnerEffect.Announce(spec, a.epoch()), spec, a.epoch());
    } else {
      throw new IllegalStateException("unknown drift " + d);
    }
  }

  /**
   * Re-adds the address with the backstop lifetime it had left, then announces; true when added. A
   * missing interface is not reported here: its own {@link Drift.InterfaceRemoved} follows (the
   * kernel removes a link's addresses before the link), and if that report is lost the next refresh
   * fails and reports it.
   */
  private boolean readd(VipSpec spec, long epoch, int lifetimeSec) {
    OwnerEffect refresh = new OwnerEffect.RefreshAddress(spec, lifetimeSec);
    try {
      plane.addAddress(spec, lifetimeSec);
    } catch (NoSuchInterface gone) {
      log.debug("VIP {}: not re-added, {}", spec.name(), gone.toString());
      return false;
    } catch (RuntimeException e) {
      failed(refresh, e);
      return false;
    }
    announceNow(refresh, spec, epoch);
    return true;
  }

  /** Whole seconds left of the address's backstop lifetime, rounded up; 0 when none. */
  private int remainingLifetimeSec(VipName vip) {
    Long expires = addressExpiresMs.get(vip);
    if (expires == null) {
      return 0;
    }
    long leftMs = expires - plane.nowMs();
    return leftMs <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, (leftMs + 999) / 1000);
  }

  private void notifyDrift(Drift d) {
    try {
      listener.onDrift(d);
    } catch (RuntimeException e) {
      log.warn("reconciler listener threw on {}", d, e);
    }
  }

  private void announce(OwnerEffect.Announce a) {
    VipName vip = a.vip();
    long epoch = a.epoch();
    if (!armed(vip, epoch)) {
      return;
    }
    try {
      plane.announce(a.spec(), () -> armed(vip, epoch));
      done(a); // metrics
    } catch (RuntimeException e) {
      failed(a, e);
    }
  }

  private boolean closeFence(OwnerEffect effect, VipSpec spec) {
    armed.remove(spec.name());
    try {
      plane.closeFence(spec);
      done(new OwnerEffect.CloseFence(spec)); // metrics
      return true;
    } catch (RuntimeException e) {
      failed(effect, e);
      return false;
    }
  }

  private boolean removeAddress(OwnerEffect effect, VipSpec spec) {
    try {
      plane.removeAddress(spec);
      addressExpiresMs.remove(spec.name());
      done(new OwnerEffect.RemoveAddress(spec)); // metrics
      if (addressAdded.remove(spec.name()) != null) {
        listener.onStopped(spec.name());
      }
      return true;
    } catch (RuntimeException e) {
      failed(effect, e);
      return false;
    }
  }

  private void commitRelease(OwnerEffect.CommitRelease c) {
    VipSpec spec = known.get(c.vip());
    if (spec != null) {
      boolean closed = closeFence(c, spec);
      boolean removed = removeAddress(c, spec);
      if (!closed || !removed) {
        log.warn(
            "VIP {} epoch {}: teardown failed, Release withheld (retried)", c.vip(), c.epoch());
        return;
      }
    }
    try {
      releaseHandler.commitRelease(c.vip(), c.epoch());
    } catch (RuntimeException e) {
      failed(c, e);
      return;
    }
    Long reported = releaseReported.put(c.vip(), c.epoch());
    if (reported == null || reported != c.epoch()) {
      listener.onReleaseSubmitted(c.vip(), c.epoch());
    }
  }

  /** Reports a successful data-plane call; a throwing listener must not stop the reconciler. */
  private void done(OwnerEffect effect) {
    try {
      listener.onEffectDone(effect);
    } catch (RuntimeException e) {
      log.warn("reconciler listener threw", e);
    }
  }

  private void failed(OwnerEffect effect, RuntimeException e) {
    log.warn(
        "VIP {}: {} failed: {}", effect.vip(), effect.getClass().getSimpleName(), e.toString());
    try {
      listener.onEffectFailed(effect, e);
    } catch (RuntimeException ignored) {
      log.warn("reconciler listener threw", ignored);
    }
  }
}
