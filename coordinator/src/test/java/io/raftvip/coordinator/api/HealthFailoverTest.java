package io.raftvip.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.coordinator.api.RaftVipNode.VipEvent;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.NodeInfo;
import io.raftvip.coordinator.core.NodeStatus;
import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.coordinator.core.lease.TimingSettings;
import io.raftvip.coordinator.health.CallbackCheck;
import io.raftvip.coordinator.health.CheckSchedule;
import io.raftvip.coordinator.health.HealthMonitor.HealthChanged;
import io.raftvip.coordinator.health.Verdict;
import io.raftvip.coordinator.reconcile.InMemoryDataPlane;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three in-process members (Ratis and lease RPC on 127.0.0.1, in-memory data planes) with a
 * callback health check each: a node whose check has not risen never gets the VIP, and a failing
 * check on the owner moves the VIP gracefully to a healthy node.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HealthFailoverTest {

  private static final String CHECK = "app";
  private static final VipSpec VIP =
      VipSpec.of("web", "198.18.0.50/24").withHealthChecks(Set.of(CHECK));
  private static final CheckSchedule SCHEDULE = new CheckSchedule(Duration.ofMillis(100), 2, 2);

  /** A 1 s lease, as in RaftVipNodeTest: a CPU stall must not expire the owner mid-test. */
  private static final TimingSettings TIMING =
      TimingSettings.defaults().toBuilder().leaseDurationMs(1_000).renewIntervalMs(200).build();

  @TempDir Path dir;

  private record Seen(NodeId node, Object event, long atNanos) {}

  @Test
  void aFailingCheckOnTheOwnerMovesTheVipWithinAnIntervalAndAGracefulMove() throws Exception {
    List<RaftVipNode.Member> members = new ArrayList<>();
    Map<NodeId, AtomicBoolean> up = new LinkedHashMap<>();
    for (int i = 1; i <= 3; i++) {
      NodeId id = NodeId.of("n" + i);
      members.add(new RaftVipNode.Member(id, "127.0.0.1", freePort(), freePort()));
      up.put(id, new AtomicBoolean(i != 3)); // n3's check never passes
    }
    NodeId never = NodeId.of("n3");
    UUID group = UUID.randomUUID();
    List<Seen> events = new CopyOnWriteArrayList<>();
    Map<NodeId, RaftVipNode> nodes = new LinkedHashMap<>();
    try {
      for (RaftVipNode.Member m : members) {
        AtomicBoolean flag = up.get(m.id());
        RaftVipNode.Builder b =
            RaftVipNode.builder()
                .nodeId(m.id())
                .storageDir(dir.resolve(m.id().value()))
                .groupId(group)
                .dataPlane(InMemoryDataPlane.onSystemClock())
                .timing(TIMING)
                .listener(e -> events.add(new Seen(m.id(), e, System.nanoTime())))
                .healthCheck(
                    CHECK,
                    CallbackCheck.of("app-" + m.id(), flag::get, Duration.ofMillis(50)),
                    SCHEDULE)
                .healthListener(e -> events.add(new Seen(m.id(), e, System.nanoTime())));
        members.forEach(b::member);
        nodes.put(m.id(), b.start());
      }
      RaftVipNode any = nodes.values().iterator().next();
      await(
          () ->
              any.state().nodes().size() == 3
                  && any.state().nodes().values().stream()
                      .allMatch(n -> n.status() == NodeStatus.ACTIVE)
                  && healthy(any, NodeId.of("n1"))
                  && healthy(any, NodeId.of("n2")),
          30_000,
          "all members to join and n1, n2 to report healthy");
      assertThat(any.state().node(never).orElseThrow().healthyFor(Set.of(CHECK))).isFalse();
      submit(any, new Command.CreateVip(VIP));
      await(() -> owners(events).size() >= 1, 30_000, "an owner");
      NodeId owner = owners(events).get(0);
      assertThat(owner).as("a node whose check never rose gets no VIP").isNotEqualTo(never);
      assertThat(nodes.get(owner).health()).containsEntry(CHECK, Verdict.HEALTHY);

      long failAt = System.nanoTime();
      up.get(owner).set(false);
      await(() -> fallAt(events, owner) > 0, 10_000, "the owner's check to fall");
      await(() -> owners(events).size() >= 2, 10_000, "a new owner");
      NodeId next = owners(events).get(1);
      long fall = fallAt(events, owner);
      long ownedAt =
          events.stream()
              .filter(s -> s.node().equals(next) && s.event() instanceof VipEvent.BecameOwner)
              .mapToLong(Seen::atNanos)
              .findFirst()
              .orElseThrow();
      long detectMs = (fall - failAt) / 1_000_000;
      long moveMs = (ownedAt - fall) / 1_000_000;
      System.out.printf(
          "HealthFailoverTest: %s's check failing -> fall after %d ms (interval %d ms, fall %d);"
              + " fall -> %s serves after %d ms%n",
          owner, detectMs, SCHEDULE.intervalMs(), SCHEDULE.fall(), next, moveMs);

      assertThat(next).isNotEqualTo(owner).isNotEqualTo(never);
      assertThat(moveMs).as("fall transition to the new owner").isLessThan(5_000);
      assertThat(events)
          .as("a graceful hand-over (Release), not an expiry")
          .anyMatch(
              s ->
                  s.node().equals(owner)
                      && s.event() instanceof VipEvent.Released r
                      && r.vip().equals(VIP.name()));
      NodeInfo ownerInfo = any.state().node(owner).orElseThrow();
      assertThat(ownerInfo.status()).isEqualTo(NodeStatus.ACTIVE);
      assertThat(ownerInfo.health()).containsEntry(CHECK, false);
    } finally {
      List<Thread> closers = new ArrayList<>();
      for (RaftVipNode n : nodes.values()) {
        Thread t = new Thread(n::close, "close-" + n.id());
        t.start();
        closers.add(t);
      }
      for (Thread t : closers) {
        t.join(15_000);
      }
    }
  }

  private static boolean healthy(RaftVipNode via, NodeId node) {
    return via.state().node(node).map(n -> n.healthyFor(Set.of(CHECK))).orElse(false);
  }

  private static long fallAt(List<Seen> events, NodeId node) {
    return events.stream()
        .filter(
            s ->
                s.node().equals(node)
                    && s.event() instanceof HealthChanged h
                    && h.verdict() == Verdict.UNHEALTHY)
        .mapToLong(Seen::atNanos)
        .findFirst()
        .orElse(0);
  }

  private static List<NodeId> owners(List<Seen> events) {
    return events.stream()
        .filter(s -> s.event() instanceof VipEvent.BecameOwner)
        .map(Seen::node)
        .toList();
  }

  /** Submits with a bounded number of attempts: a busy 2-core box may be mid-election. */
  private static void submit(RaftVipNode via, Command c) throws Exception {
    Exception last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        via.submit(c, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        return;
      } catch (java.util.concurrent.ExecutionException e) {
        last = e;
      }
    }
    throw last;
  }

  private static void await(BooleanSupplier condition, long ms, String what)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  private static int freePort() throws IOException {
    return io.raftvip.testlan.FreePorts.next();
  }
}
