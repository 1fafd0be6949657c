package io.raftvip.cli.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.raftvip.coordinator.core.Assignment;
import io.raftvip.coordinator.core.AssignmentChange;
import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.NodeInfo;
import io.raftvip.coordinator.core.NodeStatus;
import io.raftvip.coordinator.core.Outcome;
import io.raftvip.coordinator.core.Rejection;
import io.raftvip.coordinator.core.Vip;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.coordinator.core.lease.OwnerEffect;
import io.raftvip.coordinator.reconcile.Drift;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The metric computations against a fake node with hand-driven clocks, scraped over HTTP from a
 * {@link MetricsServer} on 127.0.0.1:0.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AgentMetricsTest {

  static final NodeId N1 = NodeId.of("n1");
  static final NodeId N2 = NodeId.of("n2");
  static final NodeId N3 = NodeId.of("n3");
  static final VipSpec WEB = VipSpec.of("web", "198.18.0.50/32");
  static final VipSpec DB = VipSpec.of("db", "198.18.0.51/32");
  static final long MS = 1_000_000L;

  final AtomicLong clockMs = new AtomicLong(10_000);
  final AtomicLong nanos = new AtomicLong(5_000 * MS);
  final FakeNode node = new FakeNode();
  AgentMetrics metrics;
  MetricsServer server;

  @BeforeEach
  void start() throws Exception {
    metrics =
        new AgentMetrics(N1, Set.of(N1, N2, N3), clockMs::get, nanos::get, new PrometheusRegistry())
            .withJvmMetrics();
    server = MetricsServer.start("127.0.0.1", 0, metrics.registry());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  Scrape scrape() throws Exception {
    return Scrape.of(server.port());
  }

  @Test
  void beforeAttachOnlyCountersAndJvmMetricsAreServed() throws Exception {
    Scrape s = scrape();
    assertThat(s.series).doesNotContainKey("raftvip_raft_term");
    assertThat(s.value("raftvip_lease_renewals_sent_total")).isZero();
    assertThat(s.series.keySet()).anyMatch(k -> k.startsWith("jvm_"));
    java.net.http.HttpResponse<String> healthy =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + server.port() + "/-/healthy"))
                    .timeout(java.time.Duration.ofSeconds(10))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(healthy.statusCode()).isEqualTo(200);
  }

  @Test
  void raftGaugesComeFromTheNodeOnEveryScrape() throws Exception {
    node.term = 7;
    node.commit = 120;
    node.applied = 117;
    node.leader = Optional.of(N2);
    metrics.attach(node);
    Scrape s = scrape();
    assertThat(s.value("raftvip_raft_term")).isEqualTo(7);
    assertThat(s.value("raftvip_raft_commit_index")).isEqualTo(120);
    assertThat(s.value("raftvip_raft_applied_index")).isEqualTo(117);
    assertThat(s.value("raftvip_raft_apply_lag_entries")).isEqualTo(3);
    assertThat(s.value("raftvip_raft_leader{node=\"n2\"}")).isEqualTo(1);
    assertThat(s.value("raftvip_raft_is_leader")).isZero();
    assertThat(s.value("raftvip_raft_has_leader")).isEqualTo(1);
    assertThat(s.value("raftvip_lease_leader_active")).isZero();

    node.leader = Optional.empty();
    node.applied = 121; // ahead of a stale commit index: the lag never goes negative
    node.leading = true;
    s = scrape();
    assertThat(s.series).doesNotContainKey("raftvip_raft_leader{node=\"n2\"}");
    assertThat(s.value("raftvip_raft_has_leader")).isZero();
    assertThat(s.value("raftvip_raft_apply_lag_entries")).isZero();
    assertThat(s.value("raftvip_lease_leader_active")).isEqualTo(1);
  }

  @Test
  void ownershipStateEpochAndHealthPerVipAndNode() throws Exception {
    TreeMap<String, Boolean> health = new TreeMap<>(Map.of("http", true, "disk", false));
    node.state =
        state(
            Map.of(
                WEB, new Assignment.Owned(N1, 40),
                DB,
                    new Assignment.Releasing(
                        N2, 41, io.raftvip.coordinator.core.ReleaseTarget.PLACEMENT)),
            new NodeInfo(N1, "127.0.0.1:1", health, false, NodeStatus.ACTIVE, 2),
            new NodeInfo(N2, "127.0.0.1:2", new TreeMap<>(), true, NodeStatus.EXPIRED, 3));
    metrics.attach(node);
    Scrape s = scrape();
    assertThat(s.value("raftvip_vip_owned{vip=\"web\"}")).isEqualTo(1);
    assertThat(s.value("raftvip_vip_owned{vip=\"db\"}")).isZero();
    assertThat(s.value("raftvip_vip_holder{node=\"n1\",vip=\"web\"}")).isEqualTo(1);
    assertThat(s.value("raftvip_vip_holder{node=\"n2\",vip=\"db\"}")).isEqualTo(1);
    assertThat(s.value("raftvip_vip_state{state=\"owned\",vip=\"web\"}")).isEqualTo(1);
    assertThat(s.value("raftvip_vip_state{state=\"releasing\",vip=\"web\"}")).isZero();
    assertThat(s.value("raftvip_vip_state{state=\"releasing\",vip=\"db\"}")).isEqualTo(1);
    assertThat(s.value("raftvip_vip_epoch{vip=\"web\"}")).isEqualTo(40);
    assertThat(s.value("raftvip_vip_epoch{vip=\"db\"}")).isEqualTo(41);
    assertThat(s.value("raftvip_node_active{node=\"n1\"}")).isEqualTo(1);
    assertThat(s.value("raftvip_node_active{node=\"n2\"}")).isZero();
    assertThat(s.value("raftvip_node_drained{node=\"n2\"}")).isEqualTo(1);
    assertThat(s.value("raftvip_health_check_healthy{check=\"http\",node=\"n1\"}")).isEqualTo(1);
    assertThat(s.value("raftvip_health_check_healthy{check=\"disk\",node=\"n1\"}")).isZero();
  }

  @Test
  void leaseRemainingFollowsTheDataPlaneClockAndNeverGoesNegative() throws Exception {
    metrics.attach(node);
    assertThat(scrape().value("raftvip_lease_remaining_seconds")).as("no grant yet").isZero();
    metrics.onRenewalSent();
    metrics.onRenewalGranted(clockMs.get() + 600);
    assertThat(scrape().value("raftvip_lease_remaining_seconds")).isCloseTo(0.6, within(1e-9));
    // A late grant with an older deadline never moves the deadline back.
    metrics.onRenewalGranted(clockMs.get() + 100);
    clockMs.addAndGet(250);
    assertThat(scrape().value("raftvip_lease_remaining_seconds")).isCloseTo(0.35, within(1e-9));
    clockMs.addAndGet(1_000);
    Scrape s = scrape();
    assertThat(s.value("raftvip_lease_remaining_seconds")).isZero();
    assertThat(s.value("raftvip_lease_renewals_sent_total")).isEqualTo(1);
    assertThat(s.value("raftvip_lease_renewals_granted_total")).isEqualTo(2);
  }

  @Test
  void fenceServingAndDataPlaneCounters() throws Exception {
    node.state = state(Map.of(WEB, new Assignment.Owned(N1, 40)));
    metrics.attach(node);
    metrics.onRenewalGranted(clockMs.get() + 500);
    metrics.onEffectDone(new OwnerEffect.ArmFence(WEB, 40, clockMs.get() + 500));
    metrics.onEffectDone(new OwnerEffect.AddAddress(WEB, 40, 5));
    metrics.onEffectDone(new OwnerEffect.Announce(WEB, 40));
    metrics.onServing(WEB.name(), 40);
    metrics.onEffectDone(new OwnerEffect.ArmFence(WEB, 40, clockMs.get() + 700));
    metrics.onEffectDone(new OwnerEffect.RefreshAddress(WEB, 5));
    metrics.onEffectFailed(new OwnerEffect.Announce(WEB, 40), new IllegalStateException("x"));
    metrics.onDrift(new Drift.LinkReturned(WEB.name(), "eth0"));
    Scrape s = scrape();
    assertThat(s.value("raftvip_vip_fence_open{vip=\"web\"}")).isEqualTo(1);
    assertThat(s.value("raftvip_vip_serving{vip=\"web\"}")).isEqualTo(1);
    assertThat(s.value("raftvip_fence_writes_total{op=\"arm\",vip=\"web\"}")).isEqualTo(2);
    assertThat(s.value("raftvip_address_writes_total{op=\"add\",vip=\"web\"}")).isEqualTo(1);
    assertThat(s.value("raftvip_address_writes_total{op=\"refresh\",vip=\"web\"}")).isEqualTo(1);
    assertThat(s.value("raftvip_announcements_total{vip=\"web\"}")).isEqualTo(1);
    assertThat(s.value("raftvip_dataplane_failures_total{effect=\"announce\",vip=\"web\"}"))
        .isEqualTo(1);
    assertThat(s.value("raftvip_drift_total{kind=\"link_returned\",vip=\"web\"}")).isEqualTo(1);
    assertThat(s.value("raftvip_vip_became_owner_total{vip=\"web\"}")).isEqualTo(1);

    // The deadline passes without a new arm: the kernel closed the gate, and so does the gauge.
    clockMs.addAndGet(700);
    assertThat(scrape().value("raftvip_vip_fence_open{vip=\"web\"}")).isZero();

    // Stopping once the node lease has lapsed is a lost lease.
    metrics.onEffectDone(new OwnerEffect.CloseFence(WEB));
    metrics.onEffectDone(new OwnerEffect.RemoveAddress(WEB));
    metrics.onStopped(WEB.name());
    s = scrape();
    assertThat(s.value("raftvip_vip_serving{vip=\"web\"}")).isZero();
    assertThat(s.value("raftvip_vip_lease_lost_total{vip=\"web\"}")).isEqualTo(1);
    assertThat(s.value("raftvip_fence_writes_total{op=\"close\",vip=\"web\"}")).isEqualTo(1);
    assertThat(s.value("raftvip_address_writes_total{op=\"remove\",vip=\"web\"}")).isEqualTo(1);

    // Stopping within the lease (a release, a graceful stop) is not.
    metrics.onRenewalGranted(clockMs.get() + 500);
    metrics.onServing(WEB.name(), 40);
    metrics.onStopped(WEB.name());
    metrics.onReleaseSubmitted(WEB.name(), 40);
    s = scrape();
    assertThat(s.value("raftvip_vip_lease_lost_total{vip=\"web\"}")).isEqualTo(1);
    assertThat(s.value("raftvip_vip_releases_total{vip=\"web\"}")).isEqualTo(1);
  }

  @Test
  void aFailedArmClosesTheFenceGauge() throws Exception {
    metrics.attach(node);
    metrics.onEffectDone(new OwnerEffect.ArmFence(WEB, 40, clockMs.get() + 500));
    assertThat(scrape().value("raftvip_vip_fence_open{vip=\"web\"}")).isEqualTo(1);
    metrics.onEffectFailed(
        new OwnerEffect.ArmFence(WEB, 40, clockMs.get() + 700), new IllegalStateException("x"));
    Scrape s = scrape();
    assertThat(s.valueOr("raftvip_vip_fence_open{vip=\"web\"}", 0)).isZero();
    assertThat(s.value("raftvip_dataplane_failures_total{effect=\"arm_fence\",vip=\"web\"}"))
        .isEqualTo(1);
  }

  @Test
  void renewalFailuresAndLeaderGrantsKeepLabelsBounded() throws Exception {
    metrics.onRenewalFailed("not_leader");
    metrics.onRenewalFailed("deadline_exceeded");
    metrics.onRenewalFailed("deadline_exceeded");
    metrics.onLeaseGranted(N2);
    metrics.onLeaseGranted(NodeId.of("intruder"));
    metrics.onLeaseRefused(N3, "node_expiring");
    Scrape s = scrape();
    assertThat(s.value("raftvip_lease_renewal_failures_total{reason=\"not_leader\"}")).isEqualTo(1);
    assertThat(s.value("raftvip_lease_renewal_failures_total{reason=\"deadline_exceeded\"}"))
        .isEqualTo(2);
    assertThat(s.value("raftvip_leader_lease_grants_total{node=\"n2\"}")).isEqualTo(1);
    assertThat(s.value("raftvip_leader_lease_grants_total{node=\"other\"}")).isEqualTo(1);
    assertThat(s.series.keySet()).noneMatch(k -> k.contains("intruder"));
    assertThat(s.value("raftvip_leader_lease_refusals_total{node=\"n3\",reason=\"node_expiring\"}"))
        .isEqualTo(1);
  }

  @Test
  void failoverAndTakeoverDurationsFromAppliedEntries() throws Exception {
    metrics.attach(node);
    // n3 expired; the same entry gives web to this node, which serves it 40 ms later.
    metrics.onApplied(
        node.state,
        new Command.ExpireNode(N3, 5, 2, Optional.empty()),
        accepted(
            change(
                WEB.name(),
                N3,
                N1,
                40,
                Assignment.State.OWNED,
                AssignmentChange.Cause.OWNER_EXPIRED)),
        40);
    nanos.addAndGet(40 * MS);
    metrics.onServing(WEB.name(), 40);
    // db: a move requested, released 15 ms later to n2.
    metrics.onApplied(
        node.state,
        new Command.MoveVip(DB.name(), Optional.empty(), java.util.OptionalLong.empty()),
        accepted(
            change(
                DB.name(),
                N1,
                N1,
                30,
                Assignment.State.RELEASING,
                AssignmentChange.Cause.RELEASE_REQUESTED)),
        41);
    nanos.addAndGet(15 * MS);
    metrics.onApplied(
        node.state,
        new Command.Release(DB.name(), 30, N1),
        accepted(
            change(DB.name(), N1, N2, 42, Assignment.State.OWNED, AssignmentChange.Cause.RELEASED)),
        42);
    metrics.onApplied(
        node.state,
        new Command.Assign(WEB.name(), N2, 1),
        new Outcome.Rejected(new Rejection.UnknownVip(WEB.name())),
        43);
    Scrape s = scrape();
    assertThat(s.value("raftvip_failover_seconds_count{cause=\"expired\"}")).isEqualTo(1);
    assertThat(s.value("raftvip_failover_seconds_sum{cause=\"expired\"}")).isZero();
    assertThat(s.value("raftvip_takeover_seconds_count{cause=\"expired\"}")).isEqualTo(1);
    assertThat(s.value("raftvip_takeover_seconds_sum{cause=\"expired\"}"))
        .isCloseTo(0.04, within(1e-9));
    assertThat(s.value("raftvip_takeover_seconds_bucket{cause=\"expired\",le=\"0.05\"}"))
        .isEqualTo(1);
    assertThat(s.value("raftvip_takeover_seconds_bucket{cause=\"expired\",le=\"0.02\"}")).isZero();
    assertThat(s.value("raftvip_failover_seconds_sum{cause=\"released\"}"))
        .isCloseTo(0.015, within(1e-9));
    assertThat(s.valueOr("raftvip_takeover_seconds_count{cause=\"released\"}", 0))
        .as("db went to n2, not here")
        .isZero();
    assertThat(s.value("raftvip_node_expirations_total{node=\"n3\"}")).isEqualTo(1);
    assertThat(
            s.value("raftvip_commands_applied_total{command=\"expire_node\",result=\"accepted\"}"))
        .isEqualTo(1);
    assertThat(s.value("raftvip_commands_applied_total{command=\"assign\",result=\"rejected\"}"))
        .isEqualTo(1);
  }

  @Test
  void entriesReplayedAfterARestartAreNotNewFailoversOrExpirations() throws Exception {
    node.commit = 50; // what the restarted node's log already held
    metrics.attach(node);
    metrics.onApplied(
        node.state,
        new Command.ExpireNode(N3, 5, 2, Optional.empty()),
        accepted(
            change(
                WEB.name(),
                N3,
                N2,
                40,
                Assignment.State.OWNED,
                AssignmentChange.Cause.OWNER_EXPIRED)),
        40);
    Scrape s = scrape();
    assertThat(s.valueOr("raftvip_failover_seconds_count{cause=\"expired\"}", 0)).isZero();
    assertThat(s.valueOr("raftvip_node_expirations_total{node=\"n3\"}", 0)).isZero();
    assertThat(
            s.value("raftvip_commands_applied_total{command=\"expire_node\",result=\"accepted\"}"))
        .isEqualTo(1);
    metrics.onApplied(
        node.state,
        new Command.ExpireNode(N2, 6, 2, Optional.empty()),
        accepted(
            change(
                WEB.name(),
                N2,
                N1,
                51,
                Assignment.State.OWNED,
                AssignmentChange.Cause.OWNER_EXPIRED)),
        51);
    s = scrape();
    assertThat(s.value("raftvip_failover_seconds_count{cause=\"expired\"}")).isEqualTo(1);
    assertThat(s.value("raftvip_node_expirations_total{node=\"n2\"}")).isEqualTo(1);
  }

  @Test
  void labelAndUnitHelpers() {
    assertThat(AgentMetrics.snake(Command.ExpireNode.class)).isEqualTo("expire_node");
    assertThat(AgentMetrics.snake(OwnerEffect.ArmFence.class)).isEqualTo("arm_fence");
    assertThat(AgentMetrics.snake(Drift.AddressRemoved.class)).isEqualTo("address_removed");
    assertThat(AgentMetrics.leaseRemainingSeconds(Long.MIN_VALUE, 5)).isZero();
    assertThat(AgentMetrics.leaseRemainingSeconds(1_500, 1_000)).isEqualTo(0.5);
    assertThat(AgentMetrics.leaseRemainingSeconds(1_000, 1_000)).isZero();
  }

  static Outcome accepted(AssignmentChange... changes) {
    return new Outcome.Accepted(true, List.of(changes));
  }

  static AssignmentChange change(
      VipName vip,
      NodeId from,
      NodeId to,
      long epoch,
      Assignment.State state,
      AssignmentChange.Cause cause) {
    return new AssignmentChange(
        vip, Optional.ofNullable(from), Optional.ofNullable(to), epoch, state, cause);
  }

  static ClusterState state(Map<VipSpec, Assignment> vips, NodeInfo... nodes) {
    TreeMap<VipName, Vip> v = new TreeMap<>();
    vips.forEach((spec, a) -> v.put(spec.name(), new Vip(spec, a)));
    TreeMap<NodeId, NodeInfo> n = new TreeMap<>();
    for (NodeInfo i : nodes) {
      n.put(i.id(), i);
    }
    return new ClusterState(v, n, 1);
  }

  /** A node whose readings the test sets. */
  static final class FakeNode implements NodeReadings {
    volatile ClusterState state = ClusterState.EMPTY;
    volatile long term;
    volatile Optional<NodeId> leader = Optional.empty();
    volatile long commit;
    volatile long applied;
    volatile boolean leading;

    @Override
    public ClusterState state() {
      return state;
    }

    @Override
    public long term() {
      return term;
    }

    @Override
    public Optional<NodeId> leaderId() {
      return leader;
    }

    @Override
    public long commitIndex() {
      return commit;
    }

    @Override
    public long appliedIndex() {
      return applied;
    }

    @Override
    public boolean leading() {
      return leading;
    }
  }
}
