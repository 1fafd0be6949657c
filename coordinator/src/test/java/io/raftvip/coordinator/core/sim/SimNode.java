package io.raftvip.coordinator.core.sim;

import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.lease.LeaseWitness;
import io.raftvip.coordinator.core.lease.OwnerLease;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** One simulated node: host (clock, kernel), daemon process, Raft replica. Mutable, sim-only. */
final class SimNode {
  enum Role {
    FOLLOWER,
    CANDIDATE,
    LEADER
  }

  final int index;
  final NodeId id;
  SimClock clock;

  // Host and process.
  boolean hostUp = true;
  boolean processUp = true;
  int processEpoch;
  long pausedUntilUs;
  double raftEnabledAtLocalUs;

  // Raft (term, vote and log survive a process restart; the rest is volatile).
  long term;
  int votedFor = -1;
  int leader = -1;
  Role role = Role.FOLLOWER;
  double lastHeardLocalUs = Double.NEGATIVE_INFINITY;
  double electionDeadlineLocalUs;
  LogView log;

  /** How much of {@link #log} is on disk; only that much may be acknowledged. */
  long durableLength;

  long commitKnown;
  long applied;
  ClusterState state;
  boolean preVotePhase;
  long attempt;
  final Set<Integer> votes = new HashSet<>();
  double phaseDeadlineLocalUs;
  LeaderRole leaderRole;

  // raftvip on the node.
  LeaseWitness witness;
  OwnerLease owner;
  boolean healthy = true;
  double lastJoinSubmitLocalUs = Double.NEGATIVE_INFINITY;
  double lastHealthSubmitLocalUs = Double.NEGATIVE_INFINITY;

  // Kernel: the fence and the addresses, in real microseconds.
  final Map<VipName, Long> fenceCloseUs = new HashMap<>();
  final Map<VipName, Long> addressUntilUs = new HashMap<>();
  final Map<VipName, Long> armedEpoch = new HashMap<>();

  SimNode(int index, SimClock clock) {
    this.index = index;
    this.id = NodeId.of("n" + (index + 1));
    this.clock = clock;
  }

  boolean serving(VipName vip, long nowUs) {
    if (!hostUp) {
      return false;
    }
    Long fence = fenceCloseUs.get(vip);
    Long address = addressUntilUs.get(vip);
    return fence != null && address != null && nowUs < fence && nowUs < address;
  }

  /** When the current serving of {@code vip} ends at the latest, passively. */
  long passiveEndUs(VipName vip) {
    return Math.min(
        fenceCloseUs.getOrDefault(vip, Long.MIN_VALUE),
        addressUntilUs.getOrDefault(vip, Long.MIN_VALUE));
  }

  boolean raftEnabled(long nowUs) {
    return clock.localUs(nowUs) >= raftEnabledAtLocalUs;
  }
}
