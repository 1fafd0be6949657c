package io.raftvip.coordinator.ratis;

import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.Outcome;
import java.util.List;

/**
 * What the replicated state machine tells the rest of the node: applied commands, state reloads and
 * leadership changes.
 *
 * <p>Thread contract: every method runs on the glue's single event thread ({@code
 * raftvip-sm-events-<node>}), one call at a time, in the order the events happened (applied
 * commands in log order). Never on a Ratis thread: a slow listener delays other listener calls,
 * never Raft. Methods may block briefly but should hand real work to their own executor. An
 * exception thrown here is logged and dropped.
 *
 * <p>The event queue is bounded; a listener that falls behind by more than its capacity loses
 * events and is told so by {@link #onEventsDropped} before the next one it receives. Every {@link
 * #onApplied} carries the complete state, so a listener that reconciles from the state (rather than
 * from the sequence of commands) stays correct after a drop.
 */
public interface StateListener {

  /** A listener that ignores everything. */
  StateListener NONE = new StateListener() {};

  /**
   * The command at {@code index} was applied; {@code next} is the whole state after it (the same
   * instance as before when it changed nothing or was rejected).
   */
  default void onApplied(ClusterState next, Command command, Outcome outcome, long index) {}

  /**
   * The state was replaced wholesale, not by applying a command: loaded at startup (from a
   * snapshot, or empty) or installed from the leader's snapshot after this node fell behind.
   * Reconcile from {@code state}; commands between the previous state and this one are not
   * delivered.
   *
   * @param appliedIndex the log index the state includes
   */
  default void onStateReset(ClusterState state, long appliedIndex) {}

  /** Ratis learned of a (new) leader in {@code term}. Never called with "no leader". */
  default void onLeaderChanged(NodeId leader, long term) {}

  /**
   * This node became leader in {@code term} and applied that term's first entry: it may act as
   * leader (its state includes everything committed before its term).
   */
  default void onLeaderReady(long term) {}

  /**
   * This node stopped being leader (stepped down, lost an election, transferred leadership).
   *
   * <p>NOT a fence: Ratis calls this late (a leader that lost its majority notices only after
   * roughly 1.5 to 5.5 times {@code raft.server.rpc.timeout.max}, measured in
   * shared/reference/ratis.md A.2), and never if the JVM is paused or dead. Safety must come from
   * kernel-enforced leases whose deadlines were computed from the last proof of majority contact;
   * use this only to stop leader-only work early.
   *
   * @param term the term in which the node noticed
   */
  default void onNotLeader(long term) {}

  /**
   * A Raft configuration entry at {@code index} was applied; {@code voters} is the new member list.
   */
  default void onConfigurationChanged(List<RaftSettings.Peer> voters, long index) {}

  /** {@code count} events were dropped because the bounded event queue was full. */
  default void onEventsDropped(long count) {}
}
