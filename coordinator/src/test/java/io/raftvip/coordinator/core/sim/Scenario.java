package io.raftvip.coordinator.core.sim;

/** What a simulation run does to the cluster. */
enum Scenario {
  /** Random faults of every kind for a while, then heal and check liveness. */
  RANDOM_FAULTS,
  /**
   * The leader, which may hold VIPs, pauses again and again for 100-450 ms on a network with delay
   * spikes: elections that overlap a deposed leader's last moments.
   */
  LEADER_PAUSES,
  /**
   * A trap for the lease witness: a follower is cut off from the leader (which may hold VIPs), the
   * leader pauses long enough for the other follower to grant a pre-vote, and the candidate stalls
   * between its pre-vote and election phases while the leader comes back.
   */
  WITNESS_TRAP,
  /**
   * VIP holders stall (GC) right after sending a renewal, for 250-600 ms, with the reply in flight:
   * the reply must not extend anything when it is finally read.
   */
  HOLDER_PAUSES,
  /** After warm-up, the host holding vip-a (not the leader) loses power. */
  HOLDER_HOST_CRASH,
  /**
   * After warm-up, the daemon holding vip-a (not the leader) is killed; its kernel keeps the fence.
   */
  HOLDER_DAEMON_KILL,
  /** After warm-up, an administrator moves vip-a. */
  PLANNED_MOVE,
  /** After warm-up, the leader's host (holding no VIP) loses power. */
  LEADER_HOST_CRASH
}
