package io.raftvip.coordinator.core.lease;

import io.raftvip.coordinator.core.Assignment;
import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.Vip;
import io.raftvip.coordinator.core.VipName;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A node's side of its lease: from renewals sent, grants received, the locally applied state and
 * the passing of time, decides which VIPs the node serves and emits the {@link OwnerEffect}s. Pure
 * and immutable; node clock milliseconds; every input returns the next lease and the effects.
 *
 * <p>Rules (docs/safety.md proves they suffice):
 *
 * <ul>
 *   <li>The deadline is the send time of the granted request plus the lease, never the receive
 *       time; it never moves backwards; a grant arriving after its deadline is useless.
 *   <li>What the node holds comes from whichever of the latest grant or the locally applied state
 *       is newer (by {@code lastChangeIndex}); both come from the committed log, and the node lease
 *       covers every VIP the log gives the node, so a VIP handed over by Release is served at once.
 *   <li>A VIP is served only while {@code now < deadline}; a VIP whose (vip, epoch) was released is
 *       never served again; epochs armed for a VIP never decrease (asserted before every arm).
 *   <li>RELEASING: close the fence, remove the address, then commit Release; re-commit every {@link
 *       TimingSettings#releaseRetryMs()} while the state still shows RELEASING.
 * </ul>
 */
public final class OwnerLease {

  /** Refresh an address's lifetime once it would expire less than this after the deadline. */
  static final long ADDRESS_REFRESH_SLACK_MS = 1000;

  private final NodeId self;
  private final TimingSettings timing;
  private final long lastSentMs;
  private final long deadlineBasisMs;
  private final long deadlineMs;
  private final long viewAsOfIndex;
  private final SortedMap<VipName, OwnedVip> view;
  private final SortedMap<VipName, Long> releasedEpoch;
  private final SortedMap<VipName, Long> releaseSentAtMs;
  private final SortedMap<VipName, Long> lastArmedEpoch;
  private final SortedMap<VipName, Serving> serving;
  private final boolean stopped;

  /** A VIP being served: what was armed and until when the address lives. */
  record Serving(OwnedVip vip, long armedUntilMs, long addressExpiresAtMs) {}

  private OwnerLease(
      NodeId self,
      TimingSettings timing,
      long lastSentMs,
      long deadlineBasisMs,
      long deadlineMs,
      long viewAsOfIndex,
      SortedMap<VipName, OwnedVip> view,
      SortedMap<VipName, Long> releasedEpoch,
      SortedMap<VipName, Long> releaseSentAtMs,
      SortedMap<VipName, Long> lastArmedEpoch,
      SortedMap<VipName, Serving> serving,
      boolean stopped) {
    this.self = self;
    this.timing = timing;
    this.lastSentMs = lastSentMs;
    this.deadlineBasisMs = deadlineBasisMs;
    this.deadlineMs = deadlineMs;
    this.viewAsOfIndex = viewAsOfIndex;
    // Callers pass maps nobody else can modify (fresh, or the fields of another lease), so no
    // defensive wrapping here: wrapping on every step would nest wrappers without bound.
    this.view = view;
    this.releasedEpoch = releasedEpoch;
    this.releaseSentAtMs = releaseSentAtMs;
    this.lastArmedEpoch = lastArmedEpoch;
    this.serving = serving;
    this.stopped = stopped;
  }

  /**
   * The lease of a process that just started: no deadline, serves nothing. The shell must first
   * flush fences and addresses an earlier process left (they are covered by that process's lease,
   * so flushing is tidiness, not safety).
   */
  public static OwnerLease start(NodeId self, TimingSettings timing) {
    return new OwnerLease(
        Objects.requireNonNull(self, "self"),
        Objects.requireNonNull(timing, "timing"),
        Long.MIN_VALUE,
        Long.MIN_VALUE,
        Long.MIN_VALUE,
        -1,
        Collections.emptySortedMap(),
        Collections.emptySortedMap(),
        Collections.emptySortedMap(),
        Collections.emptySortedMap(),
        Collections.emptySortedMap(),
        false);
  }

  /** The next lease and the effects to carry out, in order. */
  public record Step(OwnerLease next, List<OwnerEffect> effects) {
    public Step {
      Objects.requireNonNull(next, "next");
      effects = List.copyOf(effects);
    }
  }

  /** The next lease and the request to send. */
  public record Renewal(OwnerLease next, RenewRequest request) {}

  /** Records that a renewal is being sent at {@code nowMs} (read the clock before sending). */
  public Renewal renewalSent(long nowMs) {
    if (nowMs < lastSentMs) {
      throw new IllegalArgumentException(
          "renewal sent at "
              + nowMs
              + " ms, before the previous one at "
              + lastSentMs
              + " ms: the clock is not monotonic");
    }
    OwnerLease next =
        copy(
            nowMs,
            deadlineBasisMs,
            deadlineMs,
            viewAsOfIndex,
            view,
            releasedEpoch,
            releaseSentAtMs,
            serving,
            stopped);
    return new Renewal(next, new RenewRequest(self, nowMs, timing.leaseDurationMs()));
  }

  /** Handles a grant received at {@code nowMs}. Grants not matching a sent request are ignored. */
  public Step grantReceived(GrantReply.Grant grant, long nowMs) {
    long sent = grant.requestSentAtMs();
    if (sent > nowMs || sent > lastSentMs) {
      return new Step(this, List.of());
    }
    long asOf = viewAsOfIndex;
    SortedMap<VipName, OwnedVip> nextView = view;
    if (grant.asOfIndex() > viewAsOfIndex) {
      asOf = grant.asOfIndex();
      nextView = grant.held();
    }
    long basis = deadlineBasisMs;
    long deadline = deadlineMs;
    long candidate = LeaseMath.ownerDeadlineMs(sent, timing);
    if (sent > deadlineBasisMs && candidate > nowMs) {
      basis = sent;
      deadline = Math.max(deadlineMs, candidate);
    }
    return copy(
            lastSentMs,
            basis,
            deadline,
            asOf,
            nextView,
            releasedEpoch,
            releaseSentAtMs,
            serving,
            stopped)
        .reconcile(nowMs);
  }

  /**
   * Handles the locally applied state at {@code nowMs} (call after every apply that changed it). A
   * state not newer than what the lease already knows changes nothing (equal indexes are equal
   * states: both are prefixes of the same log).
   */
  public Step stateApplied(ClusterState state, long nowMs) {
    if (state.lastChangeIndex() <= viewAsOfIndex) {
      return reconcile(nowMs);
    }
    TreeMap<VipName, OwnedVip> held = new TreeMap<>();
    for (Vip v : state.heldBy(self)) {
      Assignment a = v.assignment();
      held.put(v.name(), new OwnedVip(v.spec(), a.epoch(), a instanceof Assignment.Releasing));
    }
    return copy(
            lastSentMs,
            deadlineBasisMs,
            deadlineMs,
            state.lastChangeIndex(),
            Collections.unmodifiableSortedMap(held),
            releasedEpoch,
            releaseSentAtMs,
            serving,
            stopped)
        .reconcile(nowMs);
  }

  /** Handles the passing of time: stops serving at the deadline, refreshes, retries releases. */
  public Step tick(long nowMs) {
    return reconcile(nowMs);
  }

  /** Stops for good (graceful shutdown): closes every fence and removes every address. */
  public Step stop(long nowMs) {
    return copy(
            lastSentMs,
            deadlineBasisMs,
            deadlineMs,
            viewAsOfIndex,
            view,
            releasedEpoch,
            releaseSentAtMs,
            serving,
            true)
        .reconcile(nowMs);
  }

  /** The lease deadline on the node's clock; {@link Long#MIN_VALUE} before the first grant. */
  public long deadlineMs() {
    return deadlineMs;
  }

  /** The VIPs currently served (fence armed, address added), by name. */
  public SortedMap<VipName, Long> servingEpochs() {
    TreeMap<VipName, Long> out = new TreeMap<>();
    serving.forEach((k, v) -> out.put(k, v.vip().epoch()));
    return out;
  }

  /** The log position of the holdings the lease acts on. */
  public long viewAsOfIndex() {
    return viewAsOfIndex;
  }

  private Step reconcile(long nowMs) {
    List<OwnerEffect> effects = new ArrayList<>();
    TreeMap<VipName, Serving> nextServing = new TreeMap<>(serving);
    TreeMap<VipName, Long> released = new TreeMap<>(releasedEpoch);
    TreeMap<VipName, Long> releaseSent = new TreeMap<>(releaseSentAtMs);
    TreeMap<VipName, Long> armedEpoch = new TreeMap<>(lastArmedEpoch);
    boolean live = !stopped && nowMs < deadlineMs;

    // 1. Stop serving what is no longer ours, no longer covered, or being released.
    List<VipName> justStopped = new ArrayList<>();
    for (Map.Entry<VipName, Serving> e : serving.entrySet()) {
      OwnedVip current = view.get(e.getKey());
      boolean keep =
          live
              && current != null
              && !current.releasing()
              && current.epoch() == e.getValue().vip().epoch();
      if (!keep) {
        effects.add(new OwnerEffect.CloseFence(e.getValue().vip().spec()));
        effects.add(new OwnerEffect.RemoveAddress(e.getValue().vip().spec()));
        nextServing.remove(e.getKey());
        justStopped.add(e.getKey());
      }
    }

    // 2. Releases: closed and removed above (or never served by this process), then confirm.
    for (OwnedVip o : view.values()) {
      if (!o.releasing()) {
        continue;
      }
      VipName name = o.spec().name();
      Long done = released.get(name);
      if (done == null || done != o.epoch()) {
        if (!justStopped.contains(name)) {
          // An earlier process may have left the fence open and the address up.
          effects.add(new OwnerEffect.CloseFence(o.spec()));
          effects.add(new OwnerEffect.RemoveAddress(o.spec()));
        }
        effects.add(new OwnerEffect.CommitRelease(name, o.epoch()));
        released.put(name, o.epoch());
        releaseSent.put(name, nowMs);
      } else if (nowMs - releaseSent.getOrDefault(name, Long.MIN_VALUE / 2)
          >= timing.releaseRetryMs()) {
        effects.add(new OwnerEffect.CommitRelease(name, o.epoch()));
        releaseSent.put(name, nowMs);
      }
    }
    // Released epochs of VIPs that left the newest view can never come back (epochs only grow).
    released.keySet().retainAll(view.keySet());
    releaseSent.keySet().retainAll(view.keySet());

    // 3. Serve what is ours and covered.
    if (live) {
      for (OwnedVip o : view.values()) {
        VipName name = o.spec().name();
        Long done = released.get(name);
        if (o.releasing() || (done != null && done >= o.epoch())) {
          continue;
        }
        Serving s = nextServing.get(name);
        int lifetimeSec = LeaseMath.addressValidLifetimeSec(deadlineMs - nowMs);
        if (s == null) {
          Long before = armedEpoch.get(name);
          if (before != null && before > o.epoch()) {
            // Pair assertion with apply's: epochs only grow, so this is a bug, never an input.
            throw new IllegalStateException(
                "VIP "
                    + name
                    + " would be armed under epoch "
                    + o.epoch()
                    + " after epoch "
                    + before);
          }
          armedEpoch.put(name, o.epoch());
          effects.add(new OwnerEffect.ArmFence(o.spec(), o.epoch(), deadlineMs));
          effects.add(new OwnerEffect.AddAddress(o.spec(), o.epoch(), lifetimeSec));
          effects.add(new OwnerEffect.Announce(o.spec(), o.epoch()));
          nextServing.put(name, new Serving(o, deadlineMs, nowMs + lifetimeSec * 1000L));
          continue;
        }
        if (s.vip().epoch() != o.epoch()) {
          throw new IllegalStateException(
              "VIP "
                  + name
                  + " served under epoch "
                  + s.vip().epoch()
                  + " would be armed under "
                  + o.epoch()
                  + " without being stopped");
        }
        long armedUntil = s.armedUntilMs();
        long addressExpires = s.addressExpiresAtMs();
        if (armedUntil < deadlineMs) {
          effects.add(new OwnerEffect.ArmFence(o.spec(), o.epoch(), deadlineMs));
          armedUntil = deadlineMs;
        }
        if (addressExpires < deadlineMs + ADDRESS_REFRESH_SLACK_MS) {
          effects.add(new OwnerEffect.RefreshAddress(o.spec(), lifetimeSec));
          addressExpires = nowMs + lifetimeSec * 1000L;
        }
        nextServing.put(name, new Serving(o, armedUntil, addressExpires));
      }
    }
    armedEpoch.keySet().retainAll(view.keySet());
    OwnerLease next =
        new OwnerLease(
            self,
            timing,
            lastSentMs,
            deadlineBasisMs,
            deadlineMs,
            viewAsOfIndex,
            view,
            Collections.unmodifiableSortedMap(released),
            Collections.unmodifiableSortedMap(releaseSent),
            Collections.unmodifiableSortedMap(armedEpoch),
            Collections.unmodifiableSortedMap(nextServing),
            stopped);
    return new Step(next, effects);
  }

  private OwnerLease copy(
      long lastSent,
      long basis,
      long deadline,
      long asOf,
      SortedMap<VipName, OwnedVip> nextView,
      SortedMap<VipName, Long> released,
      SortedMap<VipName, Long> releaseSent,
      SortedMap<VipName, Serving> nextServing,
      boolean isStopped) {
    return new OwnerLease(
        self,
        timing,
        lastSent,
        basis,
        deadline,
        asOf,
        nextView,
        released,
        releaseSent,
        lastArmedEpoch,
        nextServing,
        isStopped);
  }
}
