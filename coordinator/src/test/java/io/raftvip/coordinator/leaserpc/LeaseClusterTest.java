package io.raftvip.coordinator.leaserpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.coordinator.core.Assignment;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.Vip;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.coordinator.core.lease.TimingSettings;
import io.raftvip.coordinator.ratis.RaftSettings;
import io.raftvip.coordinator.reconcile.InMemoryDataPlane;
import io.raftvip.coordinator.reconcile.InMemoryDataPlane.OpenInterval;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three in-process nodes (Ratis + lease RPC on 127.0.0.1 + reconciler over in-memory data planes
 * sharing this JVM's monotonic clock): assignment, graceful move, and takeover after a crash.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LeaseClusterTest {

  private static final TimingSettings TIMING = TimingSettings.defaults();
  private static final VipSpec VIP = VipSpec.of("web", "198.18.0.50/24");
  private static final VipName NAME = VIP.name();
  private static final Duration SUBMIT = Duration.ofSeconds(5);

  @TempDir Path dir;

  private final Map<NodeId, LeaseNode> nodes = new LinkedHashMap<>();
  private final Map<NodeId, InMemoryDataPlane> planes = new LinkedHashMap<>();
  // node -> last grant time (shared monotonic clock), over all leaders.
  private final Map<NodeId, Long> lastGrantMs = new ConcurrentHashMap<>();

  @Test
  void assignsMovesGracefullyAndTakesOverOnlyAfterTheExpiryWait() throws Exception {
    List<RaftSettings.Peer> peers = new ArrayList<>();
    Map<NodeId, InetSocketAddress> leaseAddresses = new LinkedHashMap<>();
    for (int i = 1; i <= 3; i++) {
      NodeId id = NodeId.of("n" + i);
      peers.add(new RaftSettings.Peer(id, "127.0.0.1", freePort()));
      leaseAddresses.put(id, new InetSocketAddress("127.0.0.1", freePort()));
    }
    UUID group = UUID.randomUUID();
    try {
      for (RaftSettings.Peer p : peers) {
        InMemoryDataPlane plane = InMemoryDataPlane.onSystemClock();
        RaftSettings rs =
            RaftSettings.builder()
                .nodeId(p.id())
                .peers(peers)
                .groupId(group)
                .storageDir(dir.resolve(p.id().value()))
                .rpcTimeoutMs(TIMING.rpcTimeoutMinMs(), TIMING.rpcTimeoutMaxMs())
                .build();
        LeaseNode n =
            LeaseNode.builder()
                .raftSettings(rs)
                .timing(TIMING)
                .leaseAddresses(leaseAddresses)
                .dataPlane(plane)
                .start();
        n.observeGrants((node, at) -> lastGrantMs.merge(node, at, Math::max));
        nodes.put(p.id(), n);
        planes.put(p.id(), plane);
      }
      LeaseNode any = nodes.values().iterator().next();
      await(() -> nodes.values().stream().anyMatch(n -> n.raft().isLeader()), 20_000, "a leader");
      for (RaftSettings.Peer p : peers) {
        submit(any, new Command.JoinNode(p.id(), p.host() + ":" + p.port()));
      }
      long createdMs = now();
      submit(any, new Command.CreateVip(VIP));

      // 1. Assignment: exactly one node serves, fence armed before the address was added.
      NodeId first = awaitServer(Optional.empty(), 10_000);
      long assignedMs = now();
      InMemoryDataPlane firstPlane = planes.get(first);
      await(() -> firstPlane.operations(NAME).contains("announce"), 5_000, "the announcement");
      assertThat(firstPlane.operations(NAME)).startsWith("armFence", "addAddress", "announce");
      System.out.printf(
          "LeaseClusterTest: %s serves %s %d ms after CreateVip (leader %s)%n",
          first, NAME, assignedMs - createdMs, leader());

      // 2. Graceful move: Release, then the new holder serves at once (no expiry wait).
      long moveMs = now();
      submit(any, new Command.MoveVip(NAME, Optional.empty(), OptionalLong.empty()));
      NodeId second = awaitServer(Optional.of(first), 5_000);
      long movedMs = now();
      assertThat(second).isNotEqualTo(first);
      assertThat(firstPlane.operations(NAME)).contains("closeFence", "removeAddress");
      assertThat(firstPlane.hasAddress(NAME)).isFalse();
      assertNoOverlap();
      System.out.printf(
          "LeaseClusterTest: graceful move %s -> %s took %d ms (submit to serving)%n",
          first, second, movedMs - moveMs);

      // 3. Crash of the holder: its fence stays open until its deadline (the kernel's job), the
      // leader waits the expiry wait after the last grant, then another node takes over.
      awaitGrantTo(second);
      long crashMs = now();
      nodes.remove(second).close();
      NodeId third = awaitServer(Optional.of(second), 10_000);
      long takeoverMs = firstOpen(third);
      long lastGrant = lastGrantMs.get(second);
      System.out.printf(
          "LeaseClusterTest: crash of %s -> %s serves after %d ms; %d ms after its last grant"
              + " (expiry wait %d ms)%n",
          second, third, takeoverMs - crashMs, takeoverMs - lastGrant, TIMING.expiryWaitMs());
      assertThat(third).isNotEqualTo(second);
      assertThat(takeoverMs - lastGrant)
          .as("takeover no earlier than the expiry wait after the crashed node's last grant")
          .isGreaterThanOrEqualTo(TIMING.expiryWaitMs());
      assertNoOverlap();
      Vip v = nodes.get(third).raft().state().vip(NAME).orElseThrow();
      assertThat(v.assignment()).isInstanceOf(Assignment.Owned.class);
    } finally {
      List<Thread> closers = new ArrayList<>();
      for (LeaseNode n : nodes.values()) {
        Thread t = new Thread(n::close, "close-" + n.id());
        t.start();
        closers.add(t);
      }
      for (Thread t : closers) {
        t.join(10_000);
      }
    }
  }

  /** Submits with a bounded number of attempts: a busy 2-core box may be mid-election. */
  private static void submit(LeaseNode via, Command c) throws Exception {
    Exception last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        via.raft().submit(c, SUBMIT).get(10, TimeUnit.SECONDS);
        return;
      } catch (java.util.concurrent.ExecutionException e) {
        last = e;
      }
    }
    throw last;
  }

  private void assertNoOverlap() {
    List<Map.Entry<NodeId, OpenInterval>> all = new ArrayList<>();
    planes.forEach((id, p) -> p.openIntervals(NAME).forEach(i -> all.add(Map.entry(id, i))));
    for (int i = 0; i < all.size(); i++) {
      for (int j = i + 1; j < all.size(); j++) {
        var a = all.get(i);
        var b = all.get(j);
        if (!a.getKey().equals(b.getKey())) {
          assertThat(a.getValue().overlaps(b.getValue()))
              .as(
                  "fences of %s %s and %s %s overlap",
                  a.getKey(), a.getValue(), b.getKey(), b.getValue())
              .isFalse();
        }
      }
    }
  }

  /** The node that serves the VIP, other than {@code not}, waited for at most {@code ms}. */
  private NodeId awaitServer(Optional<NodeId> not, long ms) throws InterruptedException {
    long end = now() + ms;
    while (now() < end) {
      for (Map.Entry<NodeId, InMemoryDataPlane> e : planes.entrySet()) {
        if (nodes.containsKey(e.getKey())
            && !not.equals(Optional.of(e.getKey()))
            && e.getValue().serves(NAME)) {
          return e.getKey();
        }
      }
      Thread.sleep(2);
    }
    StringBuilder why = new StringBuilder();
    for (LeaseNode n : nodes.values()) {
      why.append(
          String.format(
              "%n  %s leading=%s raftLeader=%s role=%s vip=%s grants=%s calls=%s",
              n.id(),
              n.leading(),
              n.raft().isLeader(),
              n.raft().roleInfo(),
              n.raft().state().vip(NAME).map(Vip::assignment),
              lastGrantMs,
              planes.get(n.id()).calls()));
    }
    throw new AssertionError(
        "no node "
            + not.map(n -> "other than " + n).orElse("")
            + " serves "
            + NAME
            + " within "
            + ms
            + " ms"
            + why);
  }

  private long firstOpen(NodeId id) {
    List<OpenInterval> list = planes.get(id).openIntervals(NAME);
    return list.get(list.size() - 1).fromMs();
  }

  private void awaitGrantTo(NodeId id) throws InterruptedException {
    await(() -> lastGrantMs.containsKey(id), 5_000, "a grant to " + id);
  }

  private static void await(BooleanSupplier condition, long ms, String what)
      throws InterruptedException {
    long end = now() + ms;
    while (!condition.getAsBoolean()) {
      if (now() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  private Optional<NodeId> leader() {
    for (LeaseNode n : nodes.values()) {
      if (n.leading()) {
        return Optional.of(n.id());
      }
    }
    return Optional.empty();
  }

  private static long now() {
    return System.nanoTime() / 1_000_000;
  }

  private static int freePort() throws IOException {
    return io.raftvip.testlan.FreePorts.next();
  }
}
