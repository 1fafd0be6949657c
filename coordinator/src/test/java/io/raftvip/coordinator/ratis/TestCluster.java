package io.raftvip.coordinator.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * N in-process {@link RaftNode}s on 127.0.0.1 with fixed free ports and storage under a test's
 * temporary directory; nodes can be stopped and restarted on the same ports and storage.
 */
final class TestCluster implements AutoCloseable {

  /** Every event a node's listener received, with the thread it arrived on. */
  static final class Recorder implements StateListener {
    record Applied(
        long index, Command command, Outcome outcome, ClusterState next, String thread) {}

    record Reset(long index, ClusterState state) {}

    final List<Applied> applied = new CopyOnWriteArrayList<>();
    final List<Reset> resets = new CopyOnWriteArrayList<>();
    final List<Long> leaderReady = new CopyOnWriteArrayList<>();
    final List<Long> notLeader = new CopyOnWriteArrayList<>();
    final List<NodeId> leaderChanged = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    final List<List<RaftSettings.Peer>> configurations = new CopyOnWriteArrayList<>();

    @Override
    public void onConfigurationChanged(List<RaftSettings.Peer> voters, long index) {
      configurations.add(voters);
      threads.add(Thread.currentThread().getName());
    }

    @Override
    public void onApplied(ClusterState next, Command command, Outcome outcome, long index) {
      applied.add(new Applied(index, command, outcome, next, Thread.currentThread().getName()));
    }

    @Override
    public void onStateReset(ClusterState state, long appliedIndex) {
      resets.add(new Reset(appliedIndex, state));
      threads.add(Thread.currentThread().getName());
    }

    @Override
    public void onLeaderChanged(NodeId leader, long term) {
      leaderChanged.add(leader);
      threads.add(Thread.currentThread().getName());
    }

    @Override
    public void onLeaderReady(long term) {
      leaderReady.add(term);
      threads.add(Thread.currentThread().getName());
    }

    @Override
    public void onNotLeader(long term) {
      notLeader.add(term);
      threads.add(Thread.currentThread().getName());
    }
  }

  static final Duration WAIT = Duration.ofSeconds(15);
  static final Duration SUBMIT = Duration.ofSeconds(5);

  private final Path dir;
  private final UUID groupId = UUID.randomUUID();
  private final List<RaftSettings.Peer> peers = new ArrayList<>();
  private final Consumer<RaftSettings.Builder> tweak;
  private final Map<NodeId, RaftNode> running = new LinkedHashMap<>();
  private final Map<NodeId, Recorder> recorders = new LinkedHashMap<>();

  private TestCluster(Path dir, int size, Consumer<RaftSettings.Builder> tweak) throws IOException {
    this.dir = dir;
    this.tweak = tweak;
    for (int i = 1; i <= size; i++) {
      peers.add(new RaftSettings.Peer(NodeId.of("n" + i), "127.0.0.1", freePort()));
    }
  }

  /** Starts {@code size} nodes n1..n{size}. */
  static TestCluster start(Path dir, int size, Consumer<RaftSettings.Builder> tweak)
      throws IOException {
    TestCluster c = new TestCluster(dir, size, tweak);
    try {
      c.start(c.ids());
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  static TestCluster start(Path dir, int size) throws IOException {
    return start(dir, size, b -> {});
  }

  RaftSettings settings(NodeId id) throws IOException {
    return settings(id, peers);
  }

  /** Settings for {@code id} with its storage here and the given member list. */
  RaftSettings settings(NodeId id, List<RaftSettings.Peer> members) throws IOException {
    RaftSettings.Builder b =
        RaftSettings.builder()
            .nodeId(id)
            .peers(members)
            .groupId(groupId)
            .storageDir(Files.createDirectories(dir.resolve(id.value())));
    tweak.accept(b);
    return b.build();
  }

  /** Starts (or restarts) {@code id} with a fresh recorder. */
  RaftNode start(NodeId id) throws IOException {
    assertThat(running).doesNotContainKey(id);
    Recorder r = new Recorder();
    RaftNode node = RaftNode.start(settings(id), r);
    running.put(id, node);
    recorders.put(id, r);
    return node;
  }

  /**
   * Starts {@code ids} one after the other. (Started in parallel, all three campaign at once and
   * split votes for several terms.)
   */
  void start(List<NodeId> ids) throws IOException {
    for (NodeId id : ids) {
      start(id);
    }
  }

  void stop(NodeId id) {
    RaftNode n = running.remove(id);
    if (n != null) {
      n.close();
    }
  }

  /**
   * Stops every running node in parallel: a Ratis server takes about a second to close (its log
   * worker polls its queue with a 1 s timeout, SegmentedRaftLogWorker.run).
   */
  void stopAll() {
    stop(new ArrayList<>(running.keySet()));
  }

  /** Stops {@code ids} in parallel. */
  void stop(List<NodeId> ids) {
    List<Thread> closers = new ArrayList<>();
    for (NodeId id : ids) {
      RaftNode n = running.remove(id);
      if (n != null) {
        Thread t = new Thread(n::close, "close-" + id);
        t.start();
        closers.add(t);
      }
    }
    for (Thread t : closers) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  List<NodeId> ids() {
    return peers.stream().map(RaftSettings.Peer::id).toList();
  }

  List<RaftSettings.Peer> peers() {
    return peers;
  }

  RaftNode node(NodeId id) {
    RaftNode n = running.get(id);
    assertThat(n).as("node %s running", id).isNotNull();
    return n;
  }

  RaftNode node(int i) {
    return node(NodeId.of("n" + i));
  }

  Recorder recorder(NodeId id) {
    return recorders.get(id);
  }

  List<RaftNode> running() {
    return new ArrayList<>(running.values());
  }

  Path storage(NodeId id) {
    return dir.resolve(id.value());
  }

  Path stateMachineDir(NodeId id) {
    return storage(id).resolve(groupId.toString()).resolve("sm");
  }

  /** The ready leader among the running nodes. */
  RaftNode awaitLeader() {
    RaftNode[] leader = new RaftNode[1];
    await(
        "a ready leader among " + running.keySet(),
        () -> {
          for (RaftNode n : running.values()) {
            if (n.roleInfo() instanceof RoleInfo.Leader l && l.ready()) {
              leader[0] = n;
              return true;
            }
          }
          return false;
        });
    return leader[0];
  }

  /** A running node other than the leader. */
  RaftNode follower() {
    RaftNode leader = awaitLeader();
    return running.values().stream().filter(n -> n != leader).findFirst().orElseThrow();
  }

  /** Waits until every running node applied the same index with equal states. */
  ClusterState awaitConverged() {
    await(
        "running nodes converge",
        () -> {
          List<RaftNode> nodes = running();
          long commit = nodes.stream().mapToLong(RaftNode::commitIndex).max().orElse(0);
          for (RaftNode n : nodes) {
            if (n.appliedIndex() < commit || !n.state().equals(nodes.get(0).state())) {
              return false;
            }
          }
          return true;
        },
        () -> {
          StringBuilder sb = new StringBuilder();
          for (RaftNode n : running()) {
            sb.append(n.id())
                .append(" commit=")
                .append(n.commitIndex())
                .append(" applied=")
                .append(n.appliedIndex())
                .append(' ');
          }
          return sb.toString();
        });
    return running().get(0).state();
  }

  Outcome.Accepted submit(RaftNode via, Command c) throws Exception {
    return via.submit(c, SUBMIT).get(SUBMIT.toMillis() + 1000, TimeUnit.MILLISECONDS);
  }

  static void await(String what, BooleanSupplier condition) {
    await(what, condition, () -> "");
  }

  static void await(String what, BooleanSupplier condition, Supplier<String> state) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "timed out after " + WAIT + " waiting for " + what + ": " + state.get());
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }

  static int freePort() throws IOException {
    return io.raftvip.testlan.FreePorts.next();
  }

  @Override
  public void close() {
    stopAll();
  }
}
