package io.raftvip.coordinator.ratis;

import io.raftvip.coordinator.core.NodeId;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * This node's Raft role as Ratis reports it ({@code DivisionInfo.getRoleInfoProto()}), with what
 * the lease service needs. The term is read next to the role, not atomically with it; a caller that
 * decides safety from this must treat a term change between two reads as "start over".
 */
public sealed interface RoleInfo
    permits RoleInfo.Leader, RoleInfo.Follower, RoleInfo.Candidate, RoleInfo.Other {

  /** The current term. */
  long term();

  /** How long this node has been in its current role. */
  long roleElapsedMs();

  /**
   * This node is leader.
   *
   * @param followerLastResponseElapsedMs per follower, how long ago its last append/heartbeat
   *     response arrived (the response time, not the send time: ratis.md A.2)
   * @param ready whether the term's first entry is applied ({@code isLeaderReady})
   */
  record Leader(
      long term, long roleElapsedMs, Map<NodeId, Long> followerLastResponseElapsedMs, boolean ready)
      implements RoleInfo {
    public Leader {
      followerLastResponseElapsedMs = Map.copyOf(followerLastResponseElapsedMs);
    }
  }

  /**
   * This node is a follower.
   *
   * @param leader the leader it follows; empty while none is known (e.g. after an election started)
   * @param leaderLastRpcElapsedMs time since the last append/heartbeat/snapshot RPC from the leader
   *     arrived: Ratis' FollowerState.lastRpcTime, the value its pre-vote check
   *     isCurrentLeaderValid compares with rpc.timeout.min. Empty when no leader is known (Ratis
   *     then reports no value, and "0" would look fresh)
   */
  record Follower(
      long term, long roleElapsedMs, Optional<NodeId> leader, OptionalLong leaderLastRpcElapsedMs)
      implements RoleInfo {
    public Follower {
      Objects.requireNonNull(leader, "leader");
      Objects.requireNonNull(leaderLastRpcElapsedMs, "leaderLastRpcElapsedMs");
    }
  }

  /**
   * This node is campaigning.
   *
   * @param lastLeaderElapsedMs time since it last knew a leader
   */
  record Candidate(long term, long roleElapsedMs, long lastLeaderElapsedMs) implements RoleInfo {}

  /**
   * Any other role (listener, or a server that is starting or closed).
   *
   * @param role Ratis' role name
   */
  record Other(long term, long roleElapsedMs, String role) implements RoleInfo {
    public Other {
      Objects.requireNonNull(role, "role");
    }
  }
}
