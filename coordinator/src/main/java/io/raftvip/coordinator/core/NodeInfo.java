package io.raftvip.coordinator.core;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the replicated state knows about one node.
 *
 * @param id the node
 * @param raftAddress host:port other members dial for Raft
 * @param health check name -> last reported result; a check never reported counts as unhealthy
 * @param drained when true the node holds no VIP (administrative)
 * @param status ACTIVE or EXPIRED
 * @param incarnation log index of the JoinNode that made this node ACTIVE; ExpireNode names it, so
 *     a late ExpireNode can never expire a node that joined again since the decision
 */
public record NodeInfo(
    NodeId id,
    String raftAddress,
    SortedMap<String, Boolean> health,
    boolean drained,
    NodeStatus status,
    long incarnation) {

  private static final int RAFT_ADDRESS_LENGTH_MAX = 255;

  public NodeInfo {
    Objects.requireNonNull(id, "id");
    checkRaftAddress(raftAddress);
    Objects.requireNonNull(status, "status");
    for (Map.Entry<String, Boolean> e : health.entrySet()) {
      VipSpec.checkHealthCheckName(e.getKey());
      Objects.requireNonNull(e.getValue(), "health value");
    }
    if (incarnation < 1) {
      throw new IllegalArgumentException(
          "incarnation " + incarnation + " of node " + id + " must be a log index (>= 1)");
    }
    health = Collections.unmodifiableSortedMap(new TreeMap<>(health));
  }

  /** True when every check in {@code checks} was last reported healthy. */
  public boolean healthyFor(Collection<String> checks) {
    for (String check : checks) {
      if (!Boolean.TRUE.equals(health.get(check))) {
        return false;
      }
    }
    return true;
  }

  NodeInfo withHealth(String check, boolean healthy) {
    TreeMap<String, Boolean> next = new TreeMap<>(health);
    next.put(check, healthy);
    return new NodeInfo(id, raftAddress, next, drained, status, incarnation);
  }

  NodeInfo withDrained(boolean drained) {
    return new NodeInfo(id, raftAddress, health, drained, status, incarnation);
  }

  NodeInfo withRaftAddress(String raftAddress) {
    return new NodeInfo(id, raftAddress, health, drained, status, incarnation);
  }

  NodeInfo expired() {
    return new NodeInfo(id, raftAddress, health, drained, NodeStatus.EXPIRED, incarnation);
  }

  static void checkRaftAddress(String raftAddress) {
    Objects.requireNonNull(raftAddress, "raftAddress");
    if (raftAddress.isEmpty()
        || raftAddress.length() > RAFT_ADDRESS_LENGTH_MAX
        || !raftAddress.chars().allMatch(c -> c > ' ' && c < 127)) {
      throw new IllegalArgumentException(
          "raft address \"" + raftAddress + "\" must be 1 to 255 printable characters, no spaces");
    }
  }
}
