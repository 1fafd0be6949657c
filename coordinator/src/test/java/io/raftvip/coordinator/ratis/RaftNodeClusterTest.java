package io.raftvip.coordinator.ratis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftvip.coordinator.core.Assignment;
import io.raftvip.coordinator.core.AssignmentChange;
import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.Outcome;
import io.raftvip.coordinator.core.Rejection;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.VipSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Three in-process raftvip nodes on loopback: commits, rejections, quorum loss, leadership. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RaftNodeClusterTest {

  static final NodeId N1 = NodeId.of("n1");
  static final NodeId N2 = NodeId.of("n2");
  static final NodeId N3 = NodeId.of("n3");
  static final VipName WEB = VipName.of("web");

  @TempDir Path dir;

  @Test
  void commandsCommitAndEveryNodeConvergesToTheSameState() throws Exception {
    try (TestCluster c = TestCluster.start(dir, 3)) {
      RaftNode leader = c.awaitLeader();
      RaftNode follower = c.follower();
      for (NodeId id : c.ids()) {
        // Half through a follower: RaftNode forwards to the leader.
        c.submit(id.equals(N2) ? follower : leader, new Command.JoinNode(id, id + ".lan:7000"));
      }
      Outcome.Accepted created =
          c.submit(follower, new Command.CreateVip(VipSpec.of("web", "198.18.0.200/24")));
      assertThat(created.changed()).isTrue();
      long createdEpoch = created.assignments().get(0).epoch();
      assertThat(created.assignments())
          .containsExactly(
              new AssignmentChange(
                  WEB,
                  Optional.empty(),
                  Optional.empty(),
                  createdEpoch,
                  Assignment.State.UNOWNED,
                  AssignmentChange.Cause.CREATED));
      Outcome.Accepted assigned = c.submit(leader, new Command.Assign(WEB, N2, createdEpoch));
      long assignEpoch = assigned.assignments().get(0).epoch();
      assertThat(assignEpoch).isGreaterThan(createdEpoch);
      c.submit(follower, new Command.SetDrained(N3, true));
      // A no-op is accepted and reported as unchanged.
      assertThat(c.submit(leader, new Command.SetDrained(N3, true)).changed()).isFalse();

      ClusterState state = c.awaitConverged();
      assertThat(state.nodes()).containsOnlyKeys(N1, N2, N3);
      assertThat(state.node(N3).orElseThrow().drained()).isTrue();
      assertThat(state.vip(WEB).orElseThrow().assignment())
          .isEqualTo(new Assignment.Owned(N2, assignEpoch));
      for (RaftNode n : c.running()) {
        assertThat(n.state()).isEqualTo(state);
        // Linearizable read through whichever node: same state.
        assertThat(n.readState(TestCluster.SUBMIT).get(10, TimeUnit.SECONDS)).isEqualTo(state);
      }
      assertThat(follower.readVip(WEB, TestCluster.SUBMIT).get(10, TimeUnit.SECONDS))
          .contains(state.vip(WEB).orElseThrow());
      assertThat(follower.readVip(VipName.of("nope"), TestCluster.SUBMIT).get(10, TimeUnit.SECONDS))
          .isEmpty();
      assertThat(follower.readNode(N3, TestCluster.SUBMIT).get(10, TimeUnit.SECONDS))
          .contains(state.node(N3).orElseThrow());

      // Every listener saw the same applied commands in increasing log order, on its own thread.
      List<List<Long>> indexes = new ArrayList<>();
      for (NodeId id : c.ids()) {
        TestCluster.Recorder r = c.recorder(id);
        TestCluster.await("events of " + id, () -> r.applied.size() == 7);
        List<Long> idx = r.applied.stream().map(TestCluster.Recorder.Applied::index).toList();
        assertThat(idx).isSorted().doesNotHaveDuplicates();
        assertThat(r.applied.get(6).next()).isEqualTo(state);
        assertThat(r.applied)
            .allSatisfy(a -> assertThat(a.thread()).isEqualTo("raftvip-sm-events-" + id));
        indexes.add(idx);
      }
      for (NodeId id : c.ids()) {
        // The first leader's configuration entry.
        assertThat(c.recorder(id).configurations).first().isEqualTo(c.peers());
        assertThat(c.recorder(id).threads).allMatch(t -> t.equals("raftvip-sm-events-" + id));
      }
      assertThat(indexes.get(1)).isEqualTo(indexes.get(0));
      assertThat(indexes.get(2)).isEqualTo(indexes.get(0));

      // Commit latency on this 2-core machine, 3 servers + client in one JVM (for the report).
      List<Long> micros = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        long t0 = System.nanoTime();
        c.submit(leader, new Command.ReportHealth(N1, "web", i % 2 == 0));
        micros.add((System.nanoTime() - t0) / 1000);
      }
      Collections.sort(micros);
      System.out.printf(
          "commit latency (submit on leader, 40 sequential): p50 %.1f ms, p90 %.1f ms, max %.1f"
              + " ms%n",
          micros.get(20) / 1000.0, micros.get(36) / 1000.0, micros.get(39) / 1000.0);
    }
  }

  @Test
  void aRejectedCommandFailsPreciselyAndChangesNothingAnywhere() throws Exception {
    try (TestCluster c = TestCluster.start(dir, 3)) {
      RaftNode leader = c.awaitLeader();
      RaftNode follower = c.follower();
      c.submit(leader, new Command.CreateVip(VipSpec.of("web", "198.18.0.200/24")));
      ClusterState before = c.awaitConverged();
      List<Long> commits = c.running().stream().map(RaftNode::commitIndex).toList();
      List<Long> terms = c.running().stream().map(RaftNode::term).toList();
      for (NodeId id : c.ids()) {
        TestCluster.await("create applied on " + id, () -> c.recorder(id).applied.size() == 1);
      }

      ExecutionException duplicate =
          catchExecution(
              follower.submit(
                  new Command.CreateVip(VipSpec.of("web", "198.18.0.201/24")), TestCluster.SUBMIT));
      assertThat(duplicate.getCause()).isInstanceOf(RaftNodeException.Rejected.class);
      RaftNodeException.Rejected r = (RaftNodeException.Rejected) duplicate.getCause();
      assertThat(r.rejection()).isEqualTo(new Rejection.VipExists(WEB));
      assertThat(r.getMessage()).isEqualTo("a VIP named web already exists");
      assertThat(r.logIndex()).isEmpty();

      ExecutionException address =
          catchExecution(
              leader.submit(
                  new Command.CreateVip(VipSpec.of("api", "198.18.0.200/24")), TestCluster.SUBMIT));
      assertThat(((RaftNodeException.Rejected) address.getCause()).rejection())
          .isEqualTo(
              new Rejection.AddressInUse(
                  io.raftvip.coordinator.core.VipAddress.parse("198.18.0.200/24"), WEB));

      // Give a wrongly appended entry time to show up anywhere, then compare. A new term (an
      // election on a loaded machine) appends its own configuration entry, so the log index is
      // compared only while the term stands; no command entry may appear in any case.
      Thread.sleep(300);
      if (c.running().stream().map(RaftNode::term).toList().equals(terms)) {
        assertThat(c.running().stream().map(RaftNode::commitIndex).toList()).isEqualTo(commits);
      }
      for (NodeId id : c.ids()) {
        assertThat(c.node(id).state()).isEqualTo(before);
        assertThat(c.recorder(id).applied).hasSize(1);
      }
    }
  }

  @Test
  void aCommandOvertakenInTheLogIsRejectedAtApplyWithItsIndex() throws Exception {
    try (TestCluster c = TestCluster.start(dir, 3)) {
      RaftNode leader = c.awaitLeader();
      c.submit(leader, new Command.JoinNode(N1, "n1.lan:7000"));
      c.submit(leader, new Command.JoinNode(N2, "n2.lan:7000"));
      long epoch =
          c.submit(leader, new Command.CreateVip(VipSpec.of("web", "198.18.0.200/24")))
              .assignments()
              .get(0)
              .epoch();
      // Both pass the leader's check against the same state; whichever is applied second is
      // refused at apply (or, if the first was already applied, before the log).
      List<CompletableFuture<Outcome.Accepted>> both = new ArrayList<>();
      both.add(leader.submit(new Command.Assign(WEB, N1, epoch), TestCluster.SUBMIT));
      both.add(leader.submit(new Command.Assign(WEB, N2, epoch), TestCluster.SUBMIT));
      int accepted = 0;
      for (CompletableFuture<Outcome.Accepted> f : both) {
        try {
          f.get(10, TimeUnit.SECONDS);
          accepted++;
        } catch (ExecutionException e) {
          RaftNodeException.Rejected r = (RaftNodeException.Rejected) e.getCause();
          assertThat(r.rejection())
              .isInstanceOfAny(Rejection.StaleEpoch.class, Rejection.VipHeld.class);
          r.logIndex().ifPresent(i -> assertThat(i).isGreaterThan(epoch));
        }
      }
      assertThat(accepted).isEqualTo(1);
      ClusterState s = c.awaitConverged();
      assertThat(s.vip(WEB).orElseThrow().assignment()).isInstanceOf(Assignment.Owned.class);
    }
  }

  @Test
  void withoutQuorumSubmitFailsWithNoQuorumWithinItsTimeout() throws Exception {
    try (TestCluster c = TestCluster.start(dir, 3)) {
      RaftNode leader = c.awaitLeader();
      c.submit(leader, new Command.JoinNode(N1, "n1.lan:7000"));
      c.stop(c.ids().stream().filter(id -> !id.equals(leader.id())).toList());
      Duration timeout = Duration.ofSeconds(2);
      long t0 = System.nanoTime();
      ExecutionException e =
          catchExecution(leader.submit(new Command.JoinNode(N2, "n2.lan:7000"), timeout));
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(e.getCause())
          .isInstanceOf(RaftNodeException.NoQuorum.class)
          .hasMessageStartingWith("submit JoinNode: no leader/quorum reachable within 2000 ms");
      assertThat(tookMs).isBetween(1500L, 3000L);
      System.out.printf("no-quorum submit on the old leader failed after %d ms%n", tookMs);

      // Reads fail the same way; the state stays readable locally.
      ExecutionException read = catchExecution(leader.readState(Duration.ofSeconds(1)));
      assertThat(read.getCause()).isInstanceOf(RaftNodeException.NoQuorum.class);
      assertThat(leader.state().nodes()).containsOnlyKeys(N1);
    }
  }

  @Test
  void leadershipTransferAndLeaderLossDeliverLeaderReadyToTheNewLeader() throws Exception {
    try (TestCluster c = TestCluster.start(dir, 3)) {
      RaftNode first = c.awaitLeader();
      TestCluster.await("leader ready event", () -> !c.recorder(first.id()).leaderReady.isEmpty());
      assertThat(c.recorder(first.id()).leaderReady).containsExactly(first.term());

      // Role facts for the lease service.
      RaftNode follower = c.follower();
      TestCluster.await(
          "follower knows the leader",
          () -> follower.roleInfo() instanceof RoleInfo.Follower f && f.leader().isPresent());
      RoleInfo.Follower f = (RoleInfo.Follower) follower.roleInfo();
      assertThat(f.leader()).contains(first.id());
      assertThat(f.term()).isEqualTo(first.term());
      assertThat(f.leaderLastRpcElapsedMs().getAsLong()).isLessThan(1000);
      RoleInfo.Leader l = (RoleInfo.Leader) first.roleInfo();
      assertThat(l.followerLastResponseElapsedMs()).hasSize(2);
      assertThat(l.ready()).isTrue();
      assertThat(first.leaderId()).contains(first.id());
      assertThat(follower.leaderId()).contains(first.id());

      // Planned: transfer to the follower.
      NodeId target = follower.id();
      long t0 = System.nanoTime();
      first.transferLeadership(target, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
      TestCluster.await("transfer target ready", () -> !c.recorder(target).leaderReady.isEmpty());
      long transferMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(follower.isLeader()).isTrue();
      assertThat(c.recorder(target).leaderReady).containsExactly(follower.term());
      TestCluster.await("old leader notified", () -> !c.recorder(first.id()).notLeader.isEmpty());
      assertThat(first.isLeader()).isFalse();
      c.submit(first, new Command.JoinNode(N1, "n1.lan:7000"));

      // Unplanned: the leader goes away; one of the two others becomes ready leader.
      RaftNode second = follower;
      long t1 = System.nanoTime();
      c.stop(second.id());
      RaftNode third = c.awaitLeader();
      TestCluster.await(
          "new leader ready event", () -> !c.recorder(third.id()).leaderReady.isEmpty());
      long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1);
      assertThat(c.recorder(third.id()).leaderReady).contains(third.term());
      c.submit(third, new Command.JoinNode(N2, "n2.lan:7000"));
      assertThat(c.awaitConverged().nodes()).containsOnlyKeys(N1, N2);
      System.out.printf(
          "transferLeadership to ready: %d ms; leader close() called to new leader's onLeaderReady:"
              + " %d ms%n",
          transferMs, failoverMs);

      assertThatThrownBy(
              () ->
                  third
                      .transferLeadership(NodeId.of("n9"), Duration.ofSeconds(2))
                      .get(5, TimeUnit.SECONDS))
          .hasCauseInstanceOf(RaftNodeException.Failed.class);
    }
  }

  @Test
  void membershipChangesAddAndRemoveAVoter() throws Exception {
    try (TestCluster c = TestCluster.start(dir, 3)) {
      RaftNode leader = c.awaitLeader();
      c.submit(leader, new Command.JoinNode(N1, "n1.lan:7000"));
      NodeId n4 = NodeId.of("n4");
      List<RaftSettings.Peer> four = new ArrayList<>(c.peers());
      four.add(new RaftSettings.Peer(n4, "127.0.0.1", TestCluster.freePort()));
      TestCluster.Recorder events = new TestCluster.Recorder();
      try (RaftNode added = RaftNode.start(c.settings(n4, four), events)) {
        leader.setConfiguration(four, Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);
        TestCluster.await("n4 applied the state", () -> added.state().equals(leader.state()));
        TestCluster.await(
            "n4 follows",
            () -> added.roleInfo() instanceof RoleInfo.Follower f && f.leader().isPresent());
        TestCluster.await(
            "n4 saw the new configuration", () -> events.configurations.contains(four));
        assertThat(((RoleInfo.Leader) leader.roleInfo()).followerLastResponseElapsedMs())
            .containsKey(n4);
        c.submit(added, new Command.JoinNode(n4, "n4.lan:7000"));

        leader.setConfiguration(c.peers(), Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);
        TestCluster.await(
            "n4 removed",
            () ->
                !((RoleInfo.Leader) c.awaitLeader().roleInfo())
                    .followerLastResponseElapsedMs()
                    .containsKey(n4));
        assertThat(c.awaitConverged().nodes()).containsOnlyKeys(N1, n4);
      }
    }
  }

  @Test
  void callsAfterCloseFailAsClosed() throws Exception {
    try (TestCluster c = TestCluster.start(dir, 1)) {
      RaftNode only = c.awaitLeader();
      c.submit(only, new Command.JoinNode(N1, "n1.lan:7000"));
      only.close();
      ExecutionException e =
          catchExecution(only.submit(new Command.RemoveNode(N1), TestCluster.SUBMIT));
      assertThat(e.getCause())
          .isInstanceOf(RaftNodeException.Closed.class)
          .hasMessage("raft node n1 is closed");
      assertThatThrownBy(() -> only.submit(new Command.RemoveNode(N1), Duration.ZERO))
          .hasMessage("timeout PT0S must be positive and at most PT10M");
    }
  }

  static ExecutionException catchExecution(CompletableFuture<?> f) throws Exception {
    try {
      Object v = f.get(15, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, got " + v);
    } catch (ExecutionException e) {
      return e;
    }
  }
}
