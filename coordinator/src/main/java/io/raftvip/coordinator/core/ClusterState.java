package io.raftvip.coordinator.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The replicated state: VIPs with their assignments, and nodes. Immutable and compared by value, so
 * two replicas that applied the same log are {@code equals} (what snapshots and the simulation
 * check). Only {@link Transitions} makes new states from commands.
 *
 * @param vips by name
 * @param nodes by id
 * @param lastChangeIndex log index of the last command that changed anything (0 = none); every
 *     epoch in the state is at most this, so it orders two views of the state from the same log
 * @param bootstrapped whether the VIP set has been initialised: by {@link Command.Bootstrap} (the
 *     agents' config files) or by the first admin change to VIPs. Once set, config files no longer
 *     define VIPs; the replicated state wins.
 */
public record ClusterState(
    SortedMap<VipName, Vip> vips,
    SortedMap<NodeId, NodeInfo> nodes,
    long lastChangeIndex,
    boolean bootstrapped) {

  /** The state before the first command. */
  public static final ClusterState EMPTY =
      new ClusterState(new TreeMap<>(), new TreeMap<>(), 0, false);

  /** A state that has been bootstrapped (tests and code that predate the flag). */
  public ClusterState(
      SortedMap<VipName, Vip> vips, SortedMap<NodeId, NodeInfo> nodes, long lastChangeIndex) {
    this(vips, nodes, lastChangeIndex, true);
  }

  public ClusterState {
    Objects.requireNonNull(vips, "vips");
    Objects.requireNonNull(nodes, "nodes");
    if (lastChangeIndex < 0) {
      throw new IllegalArgumentException("lastChangeIndex " + lastChangeIndex + " is negative");
    }
    vips = Collections.unmodifiableSortedMap(new TreeMap<>(vips));
    nodes = Collections.unmodifiableSortedMap(new TreeMap<>(nodes));
  }

  /** The VIP named {@code name}. */
  public Optional<Vip> vip(VipName name) {
    return Optional.ofNullable(vips.get(name));
  }

  /** The node {@code id}. */
  public Optional<NodeInfo> node(NodeId id) {
    return Optional.ofNullable(nodes.get(id));
  }

  /** VIPs whose assignment names {@code node} as holder (OWNED or RELEASING), by name. */
  public List<Vip> heldBy(NodeId node) {
    List<Vip> out = new ArrayList<>();
    for (Vip v : vips.values()) {
      if (v.assignment().currentOwner().filter(node::equals).isPresent()) {
        out.add(v);
      }
    }
    return out;
  }

  /**
   * Checks the structural invariants every reachable state has; a failure is a bug, never a user
   * error, so it throws {@link IllegalStateException}.
   */
  public void checkInvariants() {
    for (Map.Entry<VipName, Vip> e : vips.entrySet()) {
      Vip v = e.getValue();
      if (!e.getKey().equals(v.name())) {
        throw new IllegalStateException("VIP keyed " + e.getKey() + " is named " + v.name());
      }
      Assignment a = v.assignment();
      if (a.epoch() > lastChangeIndex) {
        throw new IllegalStateException(
            "VIP "
                + v.name()
                + " has epoch "
                + a.epoch()
                + " above lastChangeIndex "
                + lastChangeIndex);
      }
      Optional<NodeId> owner = a.currentOwner();
      if (owner.isPresent()) {
        NodeInfo n = nodes.get(owner.get());
        if (n == null) {
          throw new IllegalStateException("VIP " + v.name() + " is held by unknown node " + owner);
        }
        if (n.status() != NodeStatus.ACTIVE) {
          throw new IllegalStateException(
              "VIP " + v.name() + " is held by " + n.status() + " node " + n.id());
        }
      }
    }
    for (Map.Entry<NodeId, NodeInfo> e : nodes.entrySet()) {
      if (!e.getKey().equals(e.getValue().id())) {
        throw new IllegalStateException("node keyed " + e.getKey() + " is " + e.getValue().id());
      }
    }
  }

  ClusterState with(SortedMap<VipName, Vip> vips, SortedMap<NodeId, NodeInfo> nodes, long index) {
    return new ClusterState(vips, nodes, index);
  }
}
