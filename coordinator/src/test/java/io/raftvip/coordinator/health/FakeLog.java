package io.raftvip.coordinator.health;

import io.raftvip.coordinator.core.ApplyResult;
import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A one-replica log for monitor tests: submits apply at once through the real {@code Transitions};
 * the first {@code failNext} submits fail as a lost leader would.
 */
final class FakeLog {
  private ClusterState state = ClusterState.EMPTY;
  private long index;
  private int failNext;
  private final List<Command> submitted = new ArrayList<>();

  synchronized CompletableFuture<?> submit(Command c) {
    submitted.add(c);
    if (failNext > 0) {
      failNext--;
      return CompletableFuture.failedFuture(new IllegalStateException("not leader"));
    }
    ApplyResult r = io.raftvip.coordinator.core.Transitions.apply(state, c, ++index);
    state = r.next();
    if (r.outcome() instanceof Outcome.Rejected rej) {
      return CompletableFuture.failedFuture(new IllegalStateException(rej.toString()));
    }
    return CompletableFuture.completedFuture(r.outcome());
  }

  synchronized ClusterState state() {
    return state;
  }

  synchronized void failNext(int n) {
    failNext = n;
  }

  synchronized List<Command> submitted() {
    return List.copyOf(submitted);
  }

  synchronized void join(NodeId node) {
    submit(new Command.JoinNode(node, node.value() + ":1"));
  }

  /** The leader's expiry followed by the node's re-join: its health is reset. */
  synchronized void expireAndRejoin(NodeId node) {
    long incarnation = state.node(node).orElseThrow().incarnation();
    submit(new Command.ExpireNode(node, incarnation, 1, Optional.empty()));
    join(node);
  }

  synchronized Optional<Boolean> health(NodeId node, String check) {
    return state.node(node).map(n -> n.health().get(check));
  }
}
