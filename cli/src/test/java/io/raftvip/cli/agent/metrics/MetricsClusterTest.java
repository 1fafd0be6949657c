package io.raftvip.cli.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.raftvip.coordinator.api.RaftVipNode;
import io.raftvip.coordinator.core.Assignment;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.NodeStatus;
import io.raftvip.coordinator.core.Vip;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.coordinator.core.lease.TimingSettings;
import io.raftvip.coordinator.reconcile.InMemoryDataPlane;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real three-node cluster (Ratis, leases, in-memory data planes), each node with its {@link
 * AgentMetrics} served by a {@link MetricsServer} on 127.0.0.1:0, scraped over HTTP: ownership,
 * Raft indexes, renewals, grants and a planned move's failover series. Values are checked for
 * presence and plausibility only, never for timing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MetricsClusterTest {

  /** Long leases: this class is about metrics, not expiry under a loaded machine. */
  static final TimingSettings TIMING =
      TimingSettings.defaults().toBuilder().leaseDurationMs(1_000).renewIntervalMs(200).build();

  static final VipName WEB = VipName.of("web");

  @TempDir static Path dir;

  private final Map<NodeId, RaftVipNode> nodes = new LinkedHashMap<>();
  private final Map<NodeId, MetricsServer> servers = new LinkedHashMap<>();

  @BeforeAll
  void startCluster() throws Exception {
    List<RaftVipNode.Member> members = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      members.add(new RaftVipNode.Member(NodeId.of("n" + i), "127.0.0.1", freePort(), freePort()));
    }
    Set<NodeId> voters = members.stream().map(RaftVipNode.Member::id).collect(Collectors.toSet());
    UUID group = UUID.randomUUID();
    for (RaftVipNode.Member m : members) {
      InMemoryDataPlane plane = InMemoryDataPlane.onSystemClock();
      AgentMetrics metrics =
          new AgentMetrics(m.id(), voters, plane::nowMs, System::nanoTime, new PrometheusRegistry())
              .withJvmMetrics();
      RaftVipNode.Builder b =
          RaftVipNode.builder()
              .nodeId(m.id())
              .storageDir(dir.resolve(m.id().value()))
              .groupId(group)
              .dataPlane(plane)
              .timing(TIMING)
              .observer(metrics)
              .metrics(metrics);
      members.forEach(b::member);
      RaftVipNode node = b.start();
      nodes.put(m.id(), node);
      metrics.attach(NodeReadings.of(node));
      servers.put(m.id(), MetricsServer.start("127.0.0.1", 0, metrics.registry()));
    }
    RaftVipNode any = nodes.values().iterator().next();
    await(
        () ->
            any.state().nodes().size() == 3
                && any.state().nodes().values().stream()
                    .allMatch(n -> n.status() == NodeStatus.ACTIVE),
        60_000,
        "all members to join");
  }

  @AfterAll
  void stop() throws InterruptedException {
    servers.values().forEach(MetricsServer::close);
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

  @Test
  void scrapesShowOwnershipRaftRenewalsAndAPlannedMove() throws Exception {
    RaftVipNode any = nodes.values().iterator().next();
    any.submit(new Command.CreateVip(VipSpec.of("web", "198.18.0.50/32")), Duration.ofSeconds(10))
        .get(15, TimeUnit.SECONDS);
    NodeId owner = awaitOwner(Optional.empty());
    String web = "{vip=\"web\"}";
    awaitScrape(owner, s -> s.valueOr("raftvip_vip_serving" + web, 0) == 1, "owner serving web");

    Map<NodeId, Scrape> first = new LinkedHashMap<>();
    for (NodeId id : nodes.keySet()) {
      Scrape s = scrape(id);
      first.put(id, s);
      assertThat(s.value("raftvip_vip_owned" + web))
          .as(id.value())
          .isEqualTo(id.equals(owner) ? 1 : 0);
      assertThat(s.value("raftvip_vip_holder{node=\"" + owner.value() + "\",vip=\"web\"}"))
          .isEqualTo(1);
      assertThat(s.value("raftvip_vip_state{state=\"owned\",vip=\"web\"}")).isEqualTo(1);
      assertThat(s.value("raftvip_raft_commit_index")).isPositive();
      assertThat(s.value("raftvip_raft_applied_index")).isPositive();
      assertThat(s.value("raftvip_raft_term")).isPositive();
      assertThat(s.value("raftvip_raft_has_leader")).isEqualTo(1);
      assertThat(s.value("raftvip_lease_renewals_sent_total")).isPositive();
      assertThat(s.value("raftvip_lease_renewals_granted_total")).isPositive();
      assertThat(s.value("raftvip_node_active{node=\"n1\"}")).isEqualTo(1);
      assertThat(s.series.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes"));
    }
    Scrape ownerScrape = first.get(owner);
    assertThat(ownerScrape.value("raftvip_vip_fence_open" + web)).isEqualTo(1);
    assertThat(ownerScrape.value("raftvip_vip_became_owner_total" + web)).isEqualTo(1);
    assertThat(ownerScrape.value("raftvip_announcements_total" + web)).isPositive();
    assertThat(ownerScrape.value("raftvip_fence_writes_total{op=\"arm\",vip=\"web\"}"))
        .isPositive();
    assertThat(ownerScrape.value("raftvip_address_writes_total{op=\"add\",vip=\"web\"}"))
        .isEqualTo(1);
    assertThat(ownerScrape.value("raftvip_lease_remaining_seconds")).isPositive();
    long leaders =
        first.values().stream().filter(s -> s.value("raftvip_raft_is_leader") == 1).count();
    assertThat(leaders).isEqualTo(1);
    NodeId leader =
        first.entrySet().stream()
            .filter(e -> e.getValue().value("raftvip_lease_leader_active") == 1)
            .map(Map.Entry::getKey)
            .findFirst()
            .orElseThrow();
    for (NodeId id : nodes.keySet()) {
      assertThat(
              first
                  .get(leader)
                  .valueOr("raftvip_leader_lease_grants_total{node=\"" + id.value() + "\"}", 0))
          .as("grants to " + id)
          .isPositive();
    }

    // Renewals keep being counted.
    double granted = ownerScrape.value("raftvip_lease_renewals_granted_total");
    awaitScrape(
        owner,
        s -> s.value("raftvip_lease_renewals_granted_total") > granted,
        "more granted renewals");

    // A planned move: released by the owner, taken over by the target, seen by everyone.
    NodeId target =
        nodes.keySet().stream().filter(id -> !id.equals(owner)).findFirst().orElseThrow();
    long epoch = any.state().vip(WEB).orElseThrow().assignment().epoch();
    any.submit(
            new Command.MoveVip(WEB, Optional.of(target), OptionalLong.of(epoch)),
            Duration.ofSeconds(10))
        .get(15, TimeUnit.SECONDS);
    assertThat(awaitOwner(Optional.of(owner))).isEqualTo(target);
    awaitScrape(
        target,
        s -> s.valueOr("raftvip_takeover_seconds_count{cause=\"released\"}", 0) == 1,
        "the target's takeover");
    for (NodeId id : nodes.keySet()) {
      awaitScrape(
          id,
          s -> s.valueOr("raftvip_failover_seconds_count{cause=\"released\"}", 0) == 1,
          id + " to see the failover");
    }
    Scrape old =
        awaitScrape(owner, s -> s.value("raftvip_vip_serving" + web) == 0, "old owner stopped");
    assertThat(old.value("raftvip_vip_owned" + web)).isZero();
    assertThat(old.value("raftvip_vip_releases_total" + web)).isEqualTo(1);
    assertThat(old.valueOr("raftvip_vip_lease_lost_total" + web, 0)).isZero();
    assertThat(old.value("raftvip_fence_writes_total{op=\"close\",vip=\"web\"}")).isPositive();
    Scrape now = scrape(target);
    assertThat(now.value("raftvip_vip_owned" + web)).isEqualTo(1);
    assertThat(now.value("raftvip_vip_serving" + web)).isEqualTo(1);
    assertThat(now.value("raftvip_takeover_seconds_sum{cause=\"released\"}")).isNotNegative();
    assertThat(now.value("raftvip_takeover_seconds_bucket{cause=\"released\",le=\"+Inf\"}"))
        .isEqualTo(1);
  }

  private NodeId awaitOwner(Optional<NodeId> notThis) throws InterruptedException {
    RaftVipNode any = nodes.values().iterator().next();
    NodeId[] found = new NodeId[1];
    await(
        () -> {
          Optional<Vip> v = any.state().vip(WEB);
          if (v.isPresent()
              && v.get().assignment() instanceof Assignment.Owned o
              && !notThis.equals(Optional.of(o.owner()))) {
            found[0] = o.owner();
            return true;
          }
          return false;
        },
        30_000,
        "web to get an owner");
    return found[0];
  }

  private Scrape scrape(NodeId id) throws Exception {
    return Scrape.of(servers.get(id).port());
  }

  private Scrape awaitScrape(NodeId id, java.util.function.Predicate<Scrape> ok, String what)
      throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Scrape s = scrape(id);
    while (!ok.test(s)) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what + "; last scrape:\n" + s.text);
      }
      Thread.sleep(50);
      s = scrape(id);
    }
    return s;
  }

  private static void await(java.util.function.BooleanSupplier condition, long ms, String what)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  private static int freePort() throws IOException {
    return io.raftvip.testlan.FreePorts.next();
  }
}
