package io.raftvip.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftvip.coordinator.api.RaftVipNode.VipEvent;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.NodeStatus;
import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.coordinator.core.lease.TimingSettings;
import io.raftvip.coordinator.reconcile.InMemoryDataPlane;
import io.raftvip.coordinator.reconcile.InMemoryDataPlane.OpenInterval;
import java.io.IOException;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RaftVipNodeTest {

  private static final VipSpec VIP = VipSpec.of("web", "198.18.0.50/24");

  /**
   * A 1 s lease: this test is about the graceful hand-over, so a CPU stall on the shared test box
   * must not expire the holder before it closes (the expiry path is LeaseClusterTest's).
   */
  private static final TimingSettings TIMING =
      TimingSettings.defaults().toBuilder().leaseDurationMs(1_000).renewIntervalMs(200).build();

  @TempDir Path dir;

  private record Seen(NodeId node, VipEvent event) {}

  @Test
  void membersJoinByThemselvesAndAGracefulCloseHandsTheVipOverWithoutExpiry() throws Exception {
    List<RaftVipNode.Member> members = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      members.add(new RaftVipNode.Member(NodeId.of("n" + i), "127.0.0.1", freePort(), freePort()));
    }
    UUID group = UUID.randomUUID();
    List<Seen> events = new CopyOnWriteArrayList<>();
    Map<NodeId, RaftVipNode> nodes = new LinkedHashMap<>();
    Map<NodeId, InMemoryDataPlane> planes = new LinkedHashMap<>();
    try {
      for (RaftVipNode.Member m : members) {
        InMemoryDataPlane plane = InMemoryDataPlane.onSystemClock();
        RaftVipNode.Builder b =
            RaftVipNode.builder()
                .nodeId(m.id())
                .storageDir(dir.resolve(m.id().value()))
                .groupId(group)
                .dataPlane(plane)
                .timing(TIMING)
                .listener(e -> events.add(new Seen(m.id(), e)));
        members.forEach(b::member);
        nodes.put(m.id(), b.start());
        planes.put(m.id(), plane);
      }
      RaftVipNode any = nodes.values().iterator().next();
      await(
          () ->
              any.state().nodes().size() == 3
                  && any.state().nodes().values().stream()
                      .allMatch(n -> n.status() == NodeStatus.ACTIVE),
          30_000,
          "all members to join by themselves");
      any.submit(new Command.CreateVip(VIP), Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
      await(() -> owners(events).size() >= 1, 30_000, "an owner");
      NodeId owner = owners(events).get(0);
      assertThat(planes.get(owner).serves(VIP.name())).isTrue();

      long closeStart = System.nanoTime();
      nodes.remove(owner).close();
      long closeMs = (System.nanoTime() - closeStart) / 1_000_000;
      await(
          () -> owners(events).size() >= 2 && !owners(events).get(1).equals(owners(events).get(0)),
          30_000,
          "a second owner");
      NodeId next = owners(events).get(1);
      System.out.printf(
          "RaftVipNodeTest: graceful close of %s took %d ms; %s serves %s%n",
          owner, closeMs, next, VIP.name());

      assertThat(next).isNotEqualTo(owner);
      long ownerEpoch =
          events.stream()
              .filter(e -> e.node().equals(owner) && e.event() instanceof VipEvent.BecameOwner)
              .map(e -> ((VipEvent.BecameOwner) e.event()).epoch())
              .reduce((a, b) -> b)
              .orElseThrow();
      // The event comes from the closing node's reconciler thread, which may run a moment after
      // the new holder already applied the Release.
      Seen released = new Seen(owner, new VipEvent.Released(VIP.name(), ownerEpoch));
      await(
          () -> events.contains(released), 5_000, "the closing node's Released event in " + events);
      assertThat(events)
          .as("the closing node handed the VIP over by Release (not left to expire)")
          .contains(released);
      assertThat(planes.get(owner).hasAddress(VIP.name())).isFalse();
      List<OpenInterval> before = planes.get(owner).openIntervals(VIP.name());
      List<OpenInterval> after = planes.get(next).openIntervals(VIP.name());
      for (OpenInterval a : before) {
        for (OpenInterval b : after) {
          assertThat(a.overlaps(b)).as("%s vs %s", a, b).isFalse();
        }
      }
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

  @Test
  void membersAreValidatedOnTheSpot() {
    NodeId n = NodeId.of("n1");
    assertThatThrownBy(() -> new RaftVipNode.Member(n, "0.0.0.0", 1, 2))
        .hasMessageContaining("concrete address");
    assertThatThrownBy(() -> new RaftVipNode.Member(n, "127.0.0.1", 7, 7))
        .hasMessageContaining("both 7");
    assertThatThrownBy(() -> new RaftVipNode.Member(n, "127.0.0.1", 0, 7))
        .hasMessageContaining("raft port 0");
    assertThatThrownBy(() -> RaftVipNode.builder().closeTimeout(Duration.ofMinutes(5)))
        .hasMessageContaining("close timeout");
    io.raftvip.coordinator.health.HealthCheck check =
        io.raftvip.coordinator.health.CallbackCheck.of("app", () -> true, Duration.ofMillis(50));
    io.raftvip.coordinator.health.CheckSchedule every =
        io.raftvip.coordinator.health.CheckSchedule.every(Duration.ofMillis(100));
    assertThatThrownBy(
            () ->
                RaftVipNode.builder()
                    .healthCheck("app", check, every)
                    .healthCheck("app", check, every))
        .hasMessage("health check app was already added");
    assertThatThrownBy(() -> RaftVipNode.builder().healthCheck("App", check, every))
        .hasMessageStartingWith("health check name \"App\" must be");
  }

  private static List<NodeId> owners(List<Seen> events) {
    return events.stream()
        .filter(s -> s.event() instanceof VipEvent.BecameOwner)
        .map(Seen::node)
        .toList();
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
