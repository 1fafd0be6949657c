package io.raftvip.coordinator.core.lease;

import io.raftvip.coordinator.core.Assignment;
import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.NodeInfo;
import io.raftvip.coordinator.core.NodeStatus;
import io.raftvip.coordinator.core.Vip;
import io.raftvip.coordinator.core.VipName;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The leader's record of the node leases it granted: when it last granted each ACTIVE node, and
 * which nodes it has decided to expire. Volatile leader state, valid for one leadership: start it
 * when the leader is ready ({@link #start}), drop it when leadership ends. Immutable; leader clock
 * milliseconds.
 *
 * <p>A new leader cannot know what an earlier leader granted, but every earlier grant happened
 * while that leader held a leader lease, which ended before this leader could be elected. So {@link
 * #start} records a grant "now" for every node: nothing expires before {@code start + expiryWait}.
 */
public final class NodeLeases {

  /** One node's record. */
  record Entry(long incarnation, long lastGrantMs, boolean expiring, long expiringSinceMs) {}

  private final SortedMap<NodeId, Entry> entries;

  private NodeLeases(SortedMap<NodeId, Entry> entries) {
    this.entries = Collections.unmodifiableSortedMap(entries);
  }

  /** The record of a leader that became ready at {@code nowMs}. */
  public static NodeLeases start(ClusterState state, long nowMs) {
    return new NodeLeases(new TreeMap<>()).sync(state, nowMs);
  }

  /**
   * This record brought in line with {@code state}: a node that is new or joined again (new
   * incarnation) is treated as granted at {@code nowMs}; removed and EXPIRED nodes are dropped.
   */
  public NodeLeases sync(ClusterState state, long nowMs) {
    TreeMap<NodeId, Entry> next = new TreeMap<>();
    boolean same = true;
    for (NodeInfo n : state.nodes().values()) {
      if (n.status() != NodeStatus.ACTIVE) {
        continue;
      }
      Entry e = entries.get(n.id());
      if (e == null || e.incarnation() != n.incarnation()) {
        e = new Entry(n.incarnation(), nowMs, false, 0);
        same = false;
      }
      next.put(n.id(), e);
    }
    if (same && next.size() == entries.size()) {
      return this;
    }
    return new NodeLeases(next);
  }

  /** The leases after a grant decision, and the reply to send. */
  public record Decision(NodeLeases next, GrantReply reply) {
    public Decision {
      Objects.requireNonNull(next, "next");
      Objects.requireNonNull(reply, "reply");
    }
  }

  /**
   * Decides a renewal at {@code nowMs}: granted only if the leader lease covers now, the node is
   * ACTIVE and not being expired, and it asks for no longer a lease than {@code t} allows. A grant
   * lists every VIP the node holds in {@code state}.
   */
  public Decision grant(
      RenewRequest request,
      ClusterState state,
      long nowMs,
      long leaderLeaseEndMs,
      TimingSettings t) {
    long sent = request.sentAtMs();
    if (request.leaseDurationMs() > t.leaseDurationMs()) {
      return refuse(sent, GrantReply.Reason.LEASE_TOO_LONG);
    }
    NodeInfo node = state.nodes().get(request.node());
    if (nowMs >= leaderLeaseEndMs) {
      // The leader's own failure, not the node's: count the request as contact so that the node
      // is not expired for it. Safe: a later "last grant" only delays expiry.
      return new Decision(
          contact(node, nowMs),
          new GrantReply.Refusal(sent, GrantReply.Reason.LEADER_LEASE_LAPSED));
    }
    if (node == null) {
      return refuse(sent, GrantReply.Reason.UNKNOWN_NODE);
    }
    if (node.status() != NodeStatus.ACTIVE) {
      return refuse(sent, GrantReply.Reason.NODE_EXPIRED);
    }
    Entry e = entries.get(node.id());
    if (e != null && e.incarnation() == node.incarnation() && e.expiring()) {
      return refuse(sent, GrantReply.Reason.NODE_EXPIRING);
    }
    long last =
        e != null && e.incarnation() == node.incarnation()
            ? Math.max(e.lastGrantMs(), nowMs)
            : nowMs;
    TreeMap<NodeId, Entry> next = new TreeMap<>(entries);
    next.put(node.id(), new Entry(node.incarnation(), last, false, 0));
    TreeMap<VipName, OwnedVip> held = new TreeMap<>();
    for (Vip v : state.heldBy(node.id())) {
      Assignment a = v.assignment();
      held.put(v.name(), new OwnedVip(v.spec(), a.epoch(), a instanceof Assignment.Releasing));
    }
    return new Decision(
        new NodeLeases(next), new GrantReply.Grant(sent, state.lastChangeIndex(), held));
  }

  private NodeLeases contact(NodeInfo node, long nowMs) {
    if (node == null || node.status() != NodeStatus.ACTIVE) {
      return this;
    }
    Entry e = entries.get(node.id());
    if (e == null
        || e.incarnation() != node.incarnation()
        || e.expiring()
        || e.lastGrantMs() >= nowMs) {
      return this;
    }
    TreeMap<NodeId, Entry> next = new TreeMap<>(entries);
    next.put(node.id(), new Entry(e.incarnation(), nowMs, false, 0));
    return new NodeLeases(next);
  }

  /**
   * This record with every node not being expired treated as granted at {@code nowMs}: for a leader
   * that was stalled (paused, starved) and could not have granted anyone, exactly as a new leader
   * would start. Safe: it only delays expiries.
   */
  public NodeLeases restartedAt(long nowMs) {
    TreeMap<NodeId, Entry> next = new TreeMap<>();
    for (Map.Entry<NodeId, Entry> e : entries.entrySet()) {
      Entry v = e.getValue();
      next.put(
          e.getKey(),
          v.expiring()
              ? v
              : new Entry(v.incarnation(), Math.max(v.lastGrantMs(), nowMs), false, 0));
    }
    return new NodeLeases(next);
  }

  private Decision refuse(long sentAtMs, GrantReply.Reason reason) {
    return new Decision(this, new GrantReply.Refusal(sentAtMs, reason));
  }

  /**
   * ACTIVE nodes (as of the last {@link #sync}) not yet being expired whose last grant is at least
   * {@link TimingSettings#expiryWaitMs()} before {@code nowMs}: their fences are provably closed.
   */
  public List<NodeId> lapsed(long nowMs, TimingSettings t) {
    long wait = t.expiryWaitMs();
    List<NodeId> out = new ArrayList<>();
    for (Map.Entry<NodeId, Entry> e : entries.entrySet()) {
      if (!e.getValue().expiring() && nowMs - e.getValue().lastGrantMs() >= wait) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /**
   * Nodes this leader decided to expire at least {@code retryMs} ago and that are still ACTIVE in
   * the last synced state: their ExpireNode was lost or is slow, propose it again.
   */
  public List<NodeId> expiringLongerThan(long nowMs, long retryMs) {
    List<NodeId> out = new ArrayList<>();
    for (Map.Entry<NodeId, Entry> e : entries.entrySet()) {
      if (e.getValue().expiring() && nowMs - e.getValue().expiringSinceMs() >= retryMs) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /** This record with {@code node} marked as being expired: no more grants to its incarnation. */
  public NodeLeases markExpiring(NodeId node, long nowMs) {
    Entry e = entries.get(node);
    if (e == null) {
      throw new IllegalArgumentException("node " + node + " has no lease record; sync first");
    }
    TreeMap<NodeId, Entry> next = new TreeMap<>(entries);
    next.put(node, new Entry(e.incarnation(), e.lastGrantMs(), true, nowMs));
    return new NodeLeases(next);
  }

  /** True when this leader has decided to expire {@code node}'s current incarnation. */
  public boolean isExpiring(NodeId node) {
    Entry e = entries.get(node);
    return e != null && e.expiring();
  }

  /** The incarnation recorded for {@code node}. */
  public OptionalLong incarnation(NodeId node) {
    Entry e = entries.get(node);
    return e == null ? OptionalLong.empty() : OptionalLong.of(e.incarnation());
  }

  /** When this leader last granted {@code node} (or started, or first saw its incarnation). */
  public OptionalLong lastGrantMs(NodeId node) {
    Entry e = entries.get(node);
    return e == null ? OptionalLong.empty() : OptionalLong.of(e.lastGrantMs());
  }

  /** The earliest instant a node not yet being expired could lapse; MAX_VALUE when none. */
  public long nextLapseMs(TimingSettings t) {
    long next = Long.MAX_VALUE;
    for (Entry e : entries.values()) {
      if (!e.expiring()) {
        next = Math.min(next, e.lastGrantMs() + t.expiryWaitMs());
      }
    }
    return next;
  }
}
