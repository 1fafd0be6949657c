package io.raftvip.coordinator.ratis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftvip.coordinator.core.Assignment;
import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.ReleaseTarget;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.VipSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Restarts, snapshots, snapshot corruption and catching up by snapshot installation. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RaftNodeRecoveryTest {

  static final NodeId N1 = NodeId.of("n1");
  static final NodeId N2 = NodeId.of("n2");
  static final NodeId N3 = NodeId.of("n3");
  static final Pattern SNAPSHOT = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");

  @TempDir Path dir;

  /** Joins n1..n3 and creates three VIPs: one owned, one owned by n2 and being moved, one free. */
  static ClusterState populate(TestCluster c) throws Exception {
    RaftNode leader = c.awaitLeader();
    for (NodeId id : c.ids()) {
      c.submit(leader, new Command.JoinNode(id, id + ".lan:7000"));
    }
    long web =
        c.submit(leader, new Command.CreateVip(VipSpec.of("web", "198.18.0.200/24")))
            .assignments()
            .get(0)
            .epoch();
    long api =
        c.submit(
                leader,
                new Command.CreateVip(
                    VipSpec.of("api", "2001:db8::200/64")
                        .withVrid(7)
                        .withInterface("eth0")
                        .withPriorities(Map.of(N1, 10, N2, 200))
                        .withPreempt(true)))
            .assignments()
            .get(0)
            .epoch();
    c.submit(leader, new Command.CreateVip(VipSpec.of("db", "198.18.0.201/32")));
    c.submit(leader, new Command.Assign(VipName.of("web"), N1, web));
    c.submit(leader, new Command.Assign(VipName.of("api"), N2, api));
    c.submit(leader, new Command.MoveVip(VipName.of("api"), Optional.of(N1), OptionalLong.empty()));
    ClusterState s = c.awaitConverged();
    assertThat(s.vip(VipName.of("api")).orElseThrow().assignment())
        .isInstanceOf(Assignment.Releasing.class);
    return s;
  }

  @Test
  void restartOfOneNodeAndOfTheWholeClusterKeepsEveryVipAndAssignment() throws Exception {
    try (TestCluster c = TestCluster.start(dir, 3)) {
      ClusterState populated = populate(c);

      // One node: down while the others commit, then back. Its snapshots are deleted first, so
      // it rebuilds from its own log (RECOVER), as after a crash before any snapshot.
      NodeId down = c.follower().id();
      c.stop(down);
      deleteSnapshots(c.stateMachineDir(down));
      c.submit(c.awaitLeader(), new Command.SetDrained(N3, true));
      c.start(down);
      ClusterState afterOne = c.awaitConverged();
      assertThat(afterOne.vips()).isEqualTo(populated.vips());
      assertThat(afterOne.node(N3).orElseThrow().drained()).isTrue();
      assertThat(firstReset(c, down).state()).isEqualTo(ClusterState.EMPTY);

      // Whole cluster: every node loads the snapshot Ratis took at stop, and replays the rest.
      c.stopAll();
      for (NodeId id : c.ids()) {
        assertThat(latestSnapshot(c.stateMachineDir(id))).isPresent();
      }
      c.start(c.ids());
      RaftNode leader = c.awaitLeader();
      ClusterState afterAll = c.awaitConverged();
      assertThat(afterAll).isEqualTo(afterOne);
      for (NodeId id : c.ids()) {
        assertThat(firstReset(c, id).state()).isEqualTo(afterOne);
      }

      // Still a working cluster: the move completes.
      Assignment.Releasing api =
          (Assignment.Releasing) afterAll.vip(VipName.of("api")).orElseThrow().assignment();
      assertThat(api.target()).isEqualTo(new ReleaseTarget.ToNode(N1));
      c.submit(leader, new Command.Release(VipName.of("api"), api.epoch(), N2));
      assertThat(
              c.awaitConverged().vip(VipName.of("api")).orElseThrow().assignment().currentOwner())
          .contains(N1);
    }
  }

  @Test
  void snapshotsAreTakenLoadedAfterRestartAndCorruptionIsRefused() throws Exception {
    try (TestCluster c = TestCluster.start(dir, 3, b -> b.snapshotThresholdEntries(8))) {
      ClusterState populated = populate(c);
      RaftNode leader = c.awaitLeader();
      for (NodeId id : c.ids()) {
        TestCluster.await(
            "auto snapshot on " + id, () -> latestSnapshot(c.stateMachineDir(id)).isPresent());
      }
      c.submit(leader, new Command.ReportHealth(N1, "web", true));
      long forced = leader.takeSnapshot(TestCluster.SUBMIT).get(10, TimeUnit.SECONDS);
      assertThat(forced).isEqualTo(leader.appliedIndex());
      assertThat(latestSnapshot(c.stateMachineDir(leader.id())))
          .hasValueSatisfying(p -> assertThat(index(p)).isEqualTo(forced));
      assertThat(
              Files.exists(
                  c.stateMachineDir(leader.id())
                      .resolve(
                          latestSnapshot(c.stateMachineDir(leader.id())).orElseThrow().getFileName()
                              + ".md5")))
          .isTrue();
      ClusterState expected = c.awaitConverged();
      assertThat(expected.vips()).isEqualTo(populated.vips());

      // A restarted node starts from its latest snapshot.
      NodeId f = c.follower().id();
      c.stop(f);
      Path snapshot = latestSnapshot(c.stateMachineDir(f)).orElseThrow();
      c.start(f);
      TestCluster.Recorder.Reset reset = firstReset(c, f);
      assertThat(reset.index()).isEqualTo(index(snapshot));
      assertThat(reset.state()).isEqualTo(expected);
      assertThat(c.awaitConverged()).isEqualTo(expected);

      // A flipped byte in the snapshot: the node refuses to start, naming the file.
      c.stop(f);
      Path latest = latestSnapshot(c.stateMachineDir(f)).orElseThrow();
      byte[] bytes = Files.readAllBytes(latest);
      bytes[bytes.length / 2] ^= 0x20;
      Files.write(latest, bytes);
      assertThatThrownBy(() -> c.start(f))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("raft node " + f + " failed to start")
          .hasMessageContaining("corrupt snapshot " + latest)
          .hasMessageContaining("md5 mismatch");
      // The other two still form a quorum.
      c.submit(c.awaitLeader(), new Command.SetDrained(N1, true));
    }
  }

  @Test
  void aFollowerThatMissedPurgedEntriesCatchesUpByInstallingTheLeadersSnapshot() throws Exception {
    try (TestCluster c =
        TestCluster.start(
            dir,
            3,
            b -> b.snapshotThresholdEntries(10).logSegmentSizeBytes(1024).logPurgeGapEntries(1))) {
      RaftNode leader = c.awaitLeader();
      for (NodeId id : c.ids()) {
        c.submit(leader, new Command.JoinNode(id, id + ".lan:7000"));
      }
      c.awaitConverged();
      NodeId lagging = c.follower().id();
      c.stop(lagging);
      long leftAt = leader.appliedIndex();
      for (int i = 0; i < 30; i++) {
        c.submit(leader, new Command.ReportHealth(N1, "check-" + (i % 7), i % 2 == 0));
      }
      // Every running node purged past the lagging one, so whichever leads must send a snapshot.
      TestCluster.await(
          "the running nodes purged past " + leftAt,
          () -> c.running().stream().allMatch(n -> n.logStartIndex() > leftAt + 1));
      c.start(lagging);
      ClusterState converged = c.awaitConverged();
      assertThat(converged.node(N1).orElseThrow().health()).hasSize(7);
      List<TestCluster.Recorder.Reset> resets = c.recorder(lagging).resets;
      RaftNode back = c.node(lagging);
      TestCluster.await(
          "snapshot installed",
          () -> resets.size() >= 2,
          () ->
              "resets at "
                  + resets.stream().map(TestCluster.Recorder.Reset::index).toList()
                  + ", left at "
                  + leftAt
                  + ", leader log starts at "
                  + leader.logStartIndex()
                  + ", restarted node applied "
                  + back.appliedIndex()
                  + " log starts at "
                  + back.logStartIndex());
      assertThat(resets.get(0).index()).isLessThanOrEqualTo(leftAt);
      assertThat(resets.get(resets.size() - 1).index()).isGreaterThan(leftAt + 1);
      c.submit(c.node(lagging), new Command.SetDrained(N2, true));
      assertThat(c.awaitConverged().node(N2).orElseThrow().drained()).isTrue();
    }
  }

  /** The state the node started from (delivered asynchronously, so wait for it). */
  static TestCluster.Recorder.Reset firstReset(TestCluster c, NodeId id) {
    List<TestCluster.Recorder.Reset> resets = c.recorder(id).resets;
    TestCluster.await("startup state event of " + id, () -> !resets.isEmpty());
    return resets.get(0);
  }

  static Optional<Path> latestSnapshot(Path smDir) {
    if (!Files.isDirectory(smDir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(smDir)) {
      return files
          .filter(p -> SNAPSHOT.matcher(p.getFileName().toString()).matches())
          .max(Comparator.comparingLong(RaftNodeRecoveryTest::index));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static long index(Path snapshot) {
    Matcher m = SNAPSHOT.matcher(snapshot.getFileName().toString());
    assertThat(m.matches()).isTrue();
    return Long.parseLong(m.group(2));
  }

  static void deleteSnapshots(Path smDir) throws IOException {
    try (Stream<Path> files = Files.list(smDir)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
  }
}
