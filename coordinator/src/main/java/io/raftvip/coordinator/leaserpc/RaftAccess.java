package io.raftvip.coordinator.leaserpc;

import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.ratis.RaftNode;
import io.raftvip.coordinator.ratis.RoleInfo;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What the lease loops need from the Raft node: local, non-blocking status reads and a bounded
 * submit. An interface so the loops can run against a fake; {@link #of(RaftNode)} adapts the real
 * one.
 */
interface RaftAccess {

  boolean isLeader();

  long term();

  Optional<NodeId> leaderId();

  RoleInfo roleInfo();

  ClusterState state();

  CompletableFuture<?> submit(Command command, Duration timeout);

  static RaftAccess of(RaftNode node) {
    return new RaftAccess() {
      @Override
      public boolean isLeader() {
        return node.isLeader();
      }

      @Override
      public long term() {
        return node.term();
      }

      @Override
      public Optional<NodeId> leaderId() {
        return node.leaderId();
      }

      @Override
      public RoleInfo roleInfo() {
        return node.roleInfo();
      }

      @Override
      public ClusterState state() {
        return node.state();
      }

      @Override
      public CompletableFuture<?> submit(Command command, Duration timeout) {
        return node.submit(command, timeout);
      }
    };
  }
}
