package io.raftvip.coordinator.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which node should hold a VIP. Pure and deterministic: the same state and hints give the same
 * answer on every replica, which is why apply may call it.
 *
 * <p>Eligible nodes are ACTIVE, not drained, healthy for every check the VIP names, and in its
 * priority map (any node when the map is empty). Among them the choice is: highest priority; then
 * not the {@code avoid} node (the leader, so that a holder's crash never also costs an election);
 * then fewest VIPs held (spread); then lowest node id. Stickiness and preemption are the {@link
 * io.raftvip.coordinator.core.control.Controller}'s business: placement only ranks.
 */
public final class Placement {

  private Placement() {}

  /** Why {@code node} may not hold {@code spec}, or empty when it may. */
  public static Optional<Ineligibility> ineligibility(
      ClusterState state, VipSpec spec, NodeId node) {
    NodeInfo info = state.nodes().get(node);
    if (info == null) {
      return Optional.of(Ineligibility.UNKNOWN_NODE);
    }
    if (info.status() != NodeStatus.ACTIVE) {
      return Optional.of(Ineligibility.EXPIRED);
    }
    if (info.drained()) {
      return Optional.of(Ineligibility.DRAINED);
    }
    if (spec.priorityOf(node).isEmpty()) {
      return Optional.of(Ineligibility.NOT_IN_PRIORITY_MAP);
    }
    if (!info.healthyFor(spec.healthChecks())) {
      return Optional.of(Ineligibility.UNHEALTHY);
    }
    return Optional.empty();
  }

  /** True when {@code node} may hold {@code spec}. */
  public static boolean isEligible(ClusterState state, VipSpec spec, NodeId node) {
    return ineligibility(state, spec, node).isEmpty();
  }

  /** Every node that may hold {@code spec}, by id. */
  public static List<NodeId> eligibleNodes(ClusterState state, VipSpec spec) {
    List<NodeId> out = new ArrayList<>();
    for (NodeId n : state.nodes().keySet()) {
      if (isEligible(state, spec, n)) {
        out.add(n);
      }
    }
    return out;
  }

  /** How many VIPs each node holds (OWNED or RELEASING); nodes holding none are absent. */
  public static Map<NodeId, Integer> load(ClusterState state) {
    Map<NodeId, Integer> out = new TreeMap<>();
    for (Vip v : state.vips().values()) {
      v.assignment().currentOwner().ifPresent(n -> out.merge(n, 1, Integer::sum));
    }
    return out;
  }

  /**
   * The best eligible node for {@code spec}.
   *
   * @param exclude nodes never to choose (e.g. the node releasing the VIP)
   * @param avoid a node to choose only when no other node of the same priority is eligible
   * @param load VIPs held per node, for spreading (missing = 0)
   */
  public static Optional<NodeId> choose(
      ClusterState state,
      VipSpec spec,
      Set<NodeId> exclude,
      Optional<NodeId> avoid,
      Map<NodeId, Integer> load) {
    Comparator<NodeId> order = ranking(spec, avoid, load);
    NodeId best = null;
    for (NodeId n : state.nodes().keySet()) {
      if (exclude.contains(n) || !isEligible(state, spec, n)) {
        continue;
      }
      if (best == null || order.compare(n, best) < 0) {
        best = n;
      }
    }
    return Optional.ofNullable(best);
  }

  /** The priority of an eligible-by-map node, or -1 when the map excludes it. */
  public static int priority(VipSpec spec, NodeId node) {
    OptionalInt p = spec.priorityOf(node);
    return p.isPresent() ? p.getAsInt() : -1;
  }

  private static Comparator<NodeId> ranking(
      VipSpec spec, Optional<NodeId> avoid, Map<NodeId, Integer> load) {
    Comparator<NodeId> byPriority =
        Comparator.comparingInt((NodeId n) -> priority(spec, n)).reversed();
    return byPriority
        .thenComparing(n -> avoid.isPresent() && avoid.get().equals(n))
        .thenComparingInt(n -> load.getOrDefault(n, 0))
        .thenComparing(Comparator.naturalOrder());
  }
}
