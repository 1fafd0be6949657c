package io.raftvip.coordinator.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.OptionalLong;

/** Applies commands at increasing log indexes, like a replica; test helper. */
public final class TestLog {
  public static final NodeId N1 = NodeId.of("n1");
  public static final NodeId N2 = NodeId.of("n2");
  public static final NodeId N3 = NodeId.of("n3");

  private ClusterState state = ClusterState.EMPTY;
  private long index;

  /** A log with nodes n1..n{nodes} joined and reported healthy for check "web". */
  public static TestLog withNodes(int nodes) {
    TestLog log = new TestLog();
    for (int i = 1; i <= nodes; i++) {
      log.accept(new Command.JoinNode(NodeId.of("n" + i), "10.0.0." + i + ":9000"));
      log.accept(new Command.ReportHealth(NodeId.of("n" + i), "web", true));
    }
    return log;
  }

  public ApplyResult apply(Command c) {
    ApplyResult r = Transitions.apply(state, c, ++index);
    state = r.next();
    return r;
  }

  /** Applies and asserts acceptance. */
  public Outcome.Accepted accept(Command c) {
    ApplyResult r = apply(c);
    assertThat(r.outcome()).as("outcome of %s", c).isInstanceOf(Outcome.Accepted.class);
    return (Outcome.Accepted) r.outcome();
  }

  /** Applies, asserts rejection with an unchanged state, returns the reason. */
  public Rejection reject(Command c) {
    ClusterState before = state;
    ApplyResult r = apply(c);
    assertThat(r.outcome()).as("outcome of %s", c).isInstanceOf(Outcome.Rejected.class);
    assertThat(r.next()).isSameAs(before);
    assertThat(Transitions.validate(before, c)).contains(((Outcome.Rejected) r.outcome()).reason());
    return ((Outcome.Rejected) r.outcome()).reason();
  }

  public ClusterState state() {
    return state;
  }

  public long index() {
    return index;
  }

  public Assignment assignment(String vip) {
    return state.vip(VipName.of(vip)).orElseThrow().assignment();
  }

  public static Command.MoveVip move(String vip, NodeId target) {
    return new Command.MoveVip(VipName.of(vip), Optional.ofNullable(target), OptionalLong.empty());
  }
}
