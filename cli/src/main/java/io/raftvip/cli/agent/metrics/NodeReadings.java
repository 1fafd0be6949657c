package io.raftvip.cli.agent.metrics;

import io.raftvip.coordinator.api.RaftVipNode;
import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.NodeId;
import java.util.Optional;

/** What a scrape reads from the node; each read is non-blocking. */
public interface NodeReadings {

  /** The locally applied state. */
  ClusterState state();

  /** The Raft term as this node knows it. */
  long term();

  /** The leader as this node last heard of it. */
  Optional<NodeId> leaderId();

  /** The commit index as this node knows it. */
  long commitIndex();

  /** The last index applied to {@link #state()}. */
  long appliedIndex();

  /** Whether this node's lease leader loop is active (it grants renewals). */
  boolean leading();

  /** Reads from a running node. */
  static NodeReadings of(RaftVipNode node) {
    return new NodeReadings() {
      @Override
      public ClusterState state() {
        return node.state();
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
      public long commitIndex() {
        return node.commitIndex();
      }

      @Override
      public long appliedIndex() {
        return node.appliedIndex();
      }

      @Override
      public boolean leading() {
        return node.leading();
      }
    };
  }
}
