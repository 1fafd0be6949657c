package io.raftvip.coordinator.metrics;

import io.raftvip.coordinator.core.AssignmentChange;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.VipName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Failover durations as one node sees them, from the assignment changes of applied log entries and
 * its own serving events. Pure bookkeeping: the caller passes the time ({@code System.nanoTime()}
 * in production), so tests drive it by hand.
 *
 * <p>A failover starts when the VIP's holder loses it: for {@link Cause#EXPIRED}, when the
 * ExpireNode entry is applied here; for {@link Cause#RELEASED}, when the request that made the
 * holder let go (MoveVip, a drain, a preemption) is applied here, or, if this node did not see that
 * request (it started later), when the Release is applied. It ends when an entry giving the VIP a
 * new holder is applied here ({@link Failover}; zero when the ExpireNode or Release named the next
 * holder itself), and on the new holder, once more, when its reconciler serves the VIP at the new
 * epoch ({@link Takeover}: fence armed and address added). The time to detect a dead holder (its
 * lease plus the leader's expiry wait) comes before ExpireNode and is not included.
 *
 * <p>The new holder may serve before its observer hears of the entry (the owner loop gets the
 * applied state first, and a leader's grant can carry the assignment before the local apply): a
 * serving event that matches no failover is kept, per VIP, and completes the takeover when the
 * entry arrives; a takeover never counts negative time.
 *
 * <p>Bounded: at most one entry per VIP in each table, removed when the VIP is deleted or the
 * failover completes; more than {@link #TRACKED_MAX} VIPs in flight at once clears the tables (the
 * lost measurements are only metrics). Thread-safe (synchronized); no IO.
 */
public final class FailoverClock {

  /** Most VIPs tracked at once per table. */
  public static final int TRACKED_MAX = 4096;

  /** Why the previous holder lost the VIP. */
  public enum Cause {
    /** Its node lease lapsed and the leader committed ExpireNode. */
    EXPIRED,
    /** It let go on request and committed Release (move, drain, preemption). */
    RELEASED;

    /** The label value: {@code expired} or {@code released}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The log gave {@code vip} a new holder {@code durationNanos} after its holder lost it. */
  public record Failover(VipName vip, Cause cause, NodeId to, long durationNanos) {}

  /** This node serves {@code vip} {@code durationNanos} after its previous holder lost it. */
  public record Takeover(VipName vip, Cause cause, long durationNanos) {}

  private record Lost(Cause cause, long sinceNanos) {}

  private record Incoming(Cause cause, long sinceNanos, long epoch) {}

  private record Served(long epoch, long atNanos) {}

  /** What one applied entry completed. */
  public record Progress(List<Failover> failovers, List<Takeover> takeovers) {
    public Progress {
      failovers = List.copyOf(failovers);
      takeovers = List.copyOf(takeovers);
    }
  }

  private final NodeId self;
  private final Map<VipName, Long> requestedAtNanos = new HashMap<>();
  private final Map<VipName, Lost> lost = new HashMap<>();
  private final Map<VipName, Incoming> incoming = new HashMap<>();
  private final Map<VipName, Served> servedEarly = new HashMap<>();

  /**
   * @param self this node: takeovers are measured for VIPs it is given
   */
  public FailoverClock(NodeId self) {
    this.self = Objects.requireNonNull(self, "self");
  }

  /**
   * An entry was applied at {@code nowNanos} with these assignment changes.
   *
   * @return the failovers it completed, and takeovers when this node served first (both empty for
   *     most entries)
   */
  public synchronized Progress applied(List<AssignmentChange> changes, long nowNanos) {
    List<Failover> done = new ArrayList<>();
    List<Takeover> taken = new ArrayList<>();
    for (AssignmentChange c : changes) {
      VipName vip = c.vip();
      switch (c.cause()) {
        case RELEASE_REQUESTED -> {
          // A delete after a move keeps the earlier start.
          requestedAtNanos.putIfAbsent(vip, nowNanos);
          bound(requestedAtNanos);
        }
        case OWNER_EXPIRED, RELEASED -> {
          Long requested = requestedAtNanos.remove(vip);
          Cause cause =
              c.cause() == AssignmentChange.Cause.RELEASED ? Cause.RELEASED : Cause.EXPIRED;
          long since = cause == Cause.RELEASED && requested != null ? requested : nowNanos;
          lost.remove(vip);
          incoming.remove(vip);
          if (c.to().isPresent()) {
            done.add(newHolder(vip, new Lost(cause, since), c, nowNanos, taken));
          } else {
            lost.put(vip, new Lost(cause, since));
            bound(lost);
          }
        }
        case ASSIGNED -> {
          Lost l = lost.remove(vip);
          if (l != null && c.to().isPresent()) {
            done.add(newHolder(vip, l, c, nowNanos, taken));
          }
        }
        case CREATED, DELETED -> forget(vip);
      }
    }
    return new Progress(done, taken);
  }

  private Failover newHolder(
      VipName vip, Lost l, AssignmentChange c, long nowNanos, List<Takeover> taken) {
    NodeId to = c.to().orElseThrow();
    if (to.equals(self)) {
      Served early = servedEarly.remove(vip);
      if (early != null && early.epoch() == c.epoch()) {
        taken.add(new Takeover(vip, l.cause(), Math.max(0, early.atNanos() - l.sinceNanos())));
      } else {
        incoming.put(vip, new Incoming(l.cause(), l.sinceNanos(), c.epoch()));
        bound(incoming);
      }
    }
    return new Failover(vip, l.cause(), to, Math.max(0, nowNanos - l.sinceNanos()));
  }

  /**
   * This node's reconciler serves {@code vip} under {@code epoch} since {@code nowNanos}.
   *
   * @return the takeover it completed, if the VIP came to this node by a failover at that epoch
   */
  public synchronized Optional<Takeover> serving(VipName vip, long epoch, long nowNanos) {
    Incoming i = incoming.get(vip);
    if (i == null || i.epoch() != epoch) {
      // Perhaps the entry has not reached this clock yet.
      servedEarly.put(vip, new Served(epoch, nowNanos));
      bound(servedEarly);
      return Optional.empty();
    }
    incoming.remove(vip);
    return Optional.of(new Takeover(vip, i.cause(), Math.max(0, nowNanos - i.sinceNanos())));
  }

  /** The state was replaced wholesale: changes in between are unknown, so forget everything. */
  public synchronized void reset() {
    requestedAtNanos.clear();
    lost.clear();
    incoming.clear();
    servedEarly.clear();
  }

  /** VIPs with a failover under way (lost, no new holder yet), for tests and gauges. */
  public synchronized int inFlight() {
    return lost.size();
  }

  private void forget(VipName vip) {
    requestedAtNanos.remove(vip);
    lost.remove(vip);
    incoming.remove(vip);
    servedEarly.remove(vip);
  }

  private static void bound(Map<VipName, ?> table) {
    if (table.size() > TRACKED_MAX) {
      table.clear();
    }
  }
}
