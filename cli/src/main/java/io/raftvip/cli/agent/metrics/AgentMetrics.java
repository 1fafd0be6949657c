package io.raftvip.cli.agent.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.raftvip.coordinator.core.Assignment;
import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.NodeInfo;
import io.raftvip.coordinator.core.NodeStatus;
import io.raftvip.coordinator.core.Outcome;
import io.raftvip.coordinator.core.Vip;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.lease.OwnerEffect;
import io.raftvip.coordinator.metrics.FailoverClock;
import io.raftvip.coordinator.metrics.NodeMetrics;
import io.raftvip.coordinator.ratis.RaftSettings;
import io.raftvip.coordinator.ratis.StateListener;
import io.raftvip.coordinator.reconcile.Drift;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's metrics (names and meanings in docs/operations.md): a {@link NodeMetrics} and a
 * {@link StateListener} that count what the node does, plus gauges read from the node on every
 * scrape. Give it to the node ({@code RaftVipNode.Builder.metrics} and, through {@link #alongside},
 * {@code observer}), then {@link #attach} the started node.
 */
public final class AgentMetrics implements NodeMetrics, StateListener {

  private static final Logger log = LoggerFactory.getLogger(AgentMetrics.class);

  /**
   * Failover and takeover buckets, seconds: fine below 300 ms (the owner-crash target once
   * detected; a planned move aims at 20 ms), coarse up to a minute (no eligible node for a while).
   */
  static final double[] FAILOVER_BUCKETS_SECONDS = {
    0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5, 5, 10, 30, 60
  };

  /** Label value for a node id that is not a configured voter (wire input is never a label). */
  static final String OTHER_NODE = "other";

  private final NodeId self;
  private final Set<NodeId> voters;
  private final LongSupplier clockMs;
  private final LongSupplier nanoTime;
  private final PrometheusRegistry registry;
  private final FailoverClock failovers;
  private volatile NodeReadings node;
  // Entries up to here are re-applied from this node's own log after a restart: they are not
  // events of now (MAX_VALUE until attach, so nothing is observed before the node is known).
  private volatile long replayedUpTo = Long.MAX_VALUE;

  // Node lease deadline on the data plane's clock; MIN_VALUE before the first grant.
  private final AtomicLong leaseDeadlineMs = new AtomicLong(Long.MIN_VALUE);
  // Fence deadlines (data plane clock) of VIPs whose fence this node armed and did not close.
  private final Map<VipName, Long> fenceDeadlineMs = new ConcurrentHashMap<>();
  private final Set<VipName> serving = ConcurrentHashMap.newKeySet();

  private final Counter renewalsSent;
  private final Counter renewalsGranted;
  private final Counter renewalFailures;
  private final Counter leaderGrants;
  private final Counter leaderRefusals;
  private final Counter fenceWrites;
  private final Counter addressWrites;
  private final Counter announcements;
  private final Counter dataPlaneFailures;
  private final Counter drift;
  private final Counter becameOwner;
  private final Counter leaseLost;
  private final Counter releases;
  private final Counter commandsApplied;
  private final Counter expirations;
  private final Counter healthChanges;
  private final Counter leaderChanges;
  private final Counter eventsDropped;
  private final Histogram failoverSeconds;
  private final Histogram takeoverSeconds;

  /**
   * @param self this node
   * @param voters the configured voters (node labels of leader grants are limited to these)
   * @param clockMs the data plane's clock ({@code DataPlane.nowMs()}), which lease and fence
   *     deadlines are on
   * @param nanoTime a monotonic clock for failover durations ({@code System::nanoTime})
   * @param registry where the metrics are registered (one node per registry)
   */
  public AgentMetrics(
      NodeId self,
      Set<NodeId> voters,
      LongSupplier clockMs,
      LongSupplier nanoTime,
      PrometheusRegistry registry) {
    this.self = Objects.requireNonNull(self, "self");
    this.voters = Set.copyOf(voters);
    this.clockMs = Objects.requireNonNull(clockMs, "clockMs");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.failovers = new FailoverClock(self);
    renewalsSent =
        counter("raftvip_lease_renewals_sent_total", "Node-lease renewals sent to the leader.");
    renewalsGranted =
        counter("raftvip_lease_renewals_granted_total", "Node-lease renewals the leader granted.");
    renewalFailures =
        counter(
            "raftvip_lease_renewal_failures_total",
            "Renewals without a grant: refused by the leader (its reason) or failed calls (gRPC"
                + " status code).",
            "reason");
    leaderGrants =
        counter(
            "raftvip_leader_lease_grants_total",
            "Renewals this node granted while lease leader, by renewing node.",
            "node");
    leaderRefusals =
        counter(
            "raftvip_leader_lease_refusals_total",
            "Renewals this node refused while lease leader, by renewing node and reason.",
            "node",
            "reason");
    fenceWrites =
        counter(
            "raftvip_fence_writes_total",
            "Successful fence writes: op=arm (opened or extended) or op=close.",
            "vip",
            "op");
    addressWrites =
        counter(
            "raftvip_address_writes_total",
            "Successful VIP address writes: op=add, refresh (lifetime extended) or remove.",
            "vip",
            "op");
    announcements =
        counter(
            "raftvip_announcements_total",
            "Announcement bursts (gratuitous ARP / unsolicited NA) started for the VIP.",
            "vip");
    dataPlaneFailures =
        counter(
            "raftvip_dataplane_failures_total",
            "Failed data-plane operations, by VIP and effect.",
            "vip",
            "effect");
    drift =
        counter(
            "raftvip_drift_total",
            "Kernel changes raftvip did not make to a VIP it knows, by kind.",
            "vip",
            "kind");
    becameOwner =
        counter(
            "raftvip_vip_became_owner_total",
            "Times this node started serving the VIP (fence armed, address added).",
            "vip");
    leaseLost =
        counter(
            "raftvip_vip_lease_lost_total",
            "Times this node stopped serving the VIP because its node lease lapsed (no grant in"
                + " time).",
            "vip");
    releases =
        counter(
            "raftvip_vip_releases_total",
            "Releases this node submitted for the VIP (moves, drains, deletes).",
            "vip");
    commandsApplied =
        counter(
            "raftvip_commands_applied_total",
            "Log entries applied on this node, by command and result (accepted or rejected).",
            "command",
            "result");
    expirations =
        counter(
            "raftvip_node_expirations_total",
            "ExpireNode entries applied: the node's lease lapsed and its VIPs were reassigned.",
            "node");
    healthChanges =
        counter(
            "raftvip_health_check_changes_total",
            "Health-check results that changed in the replicated state, by node and check.",
            "node",
            "check");
    leaderChanges =
        counter("raftvip_raft_leader_changes_total", "Raft leader changes this node learned of.");
    eventsDropped =
        counter(
            "raftvip_state_events_dropped_total",
            "State-machine events this node's observers lost (metrics may miss failovers).");
    failoverSeconds =
        histogram(
            "raftvip_failover_seconds",
            "From the previous holder losing the VIP (ExpireNode applied, or the move request"
                + " applied) to the log naming its next holder, as applied on this node. Excludes"
                + " the detection time (lease + expiry wait) before ExpireNode.");
    takeoverSeconds =
        histogram(
            "raftvip_takeover_seconds",
            "On the new holder: from the previous holder losing the VIP (as for"
                + " raftvip_failover_seconds) to this node serving it (fence armed, address"
                + " added).");
    registry.register(new Gauges());
  }

  /** Also registers the JVM and process metrics ({@code jvm_...}, {@code process_...}). */
  public AgentMetrics withJvmMetrics() {
    JvmMetrics.builder().register(registry);
    return this;
  }

  /** The registry to serve. */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** Starts the scrape-time gauges (term, indexes, ownership); before this they are absent. */
  public void attach(NodeReadings readings) {
    this.node = Objects.requireNonNull(readings, "readings");
    // Ratis keeps the commit index in the log metadata: right after start it marks the replay.
    this.replayedUpTo = readings.commitIndex();
  }

  /** One observer calling {@code first}, then this; for {@code RaftVipNode.Builder.observer}. */
  public StateListener alongside(StateListener first) {
    Objects.requireNonNull(first, "first");
    StateListener second = this;
    return new StateListener() {
      @Override
      public void onApplied(ClusterState next, Command command, Outcome outcome, long index) {
        first.onApplied(next, command, outcome, index);
        safely(() -> second.onApplied(next, command, outcome, index));
      }

      @Override
      public void onStateReset(ClusterState state, long appliedIndex) {
        first.onStateReset(state, appliedIndex);
        safely(() -> second.onStateReset(state, appliedIndex));
      }

      @Override
      public void onLeaderChanged(NodeId leader, long term) {
        first.onLeaderChanged(leader, term);
        safely(() -> second.onLeaderChanged(leader, term));
      }

      @Override
      public void onLeaderReady(long term) {
        first.onLeaderReady(term);
        safely(() -> second.onLeaderReady(term));
      }

      @Override
      public void onNotLeader(long term) {
        first.onNotLeader(term);
        safely(() -> second.onNotLeader(term));
      }

      @Override
      public void onConfigurationChanged(List<RaftSettings.Peer> members, long index) {
        first.onConfigurationChanged(members, index);
        safely(() -> second.onConfigurationChanged(members, index));
      }

      @Override
      public void onEventsDropped(long count) {
        first.onEventsDropped(count);
        safely(() -> second.onEventsDropped(count));
      }
    };
  }

  private static void safely(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.warn("metrics observer failed", e);
    }
  }

  // ---- NodeMetrics (owner, leader, reconciler and gRPC threads) ----

  @Override
  public void onRenewalSent() {
    renewalsSent.inc();
  }

  @Override
  public void onRenewalGranted(long deadlineMs) {
    leaseDeadlineMs.accumulateAndGet(deadlineMs, Math::max);
    renewalsGranted.inc();
  }

  @Override
  public void onRenewalFailed(String reason) {
    renewalFailures.labelValues(reason).inc();
  }

  @Override
  public void onLeaseGranted(NodeId node) {
    leaderGrants.labelValues(voterLabel(node)).inc();
  }

  @Override
  public void onLeaseRefused(NodeId node, String reason) {
    leaderRefusals.labelValues(voterLabel(node), reason).inc();
  }

  @Override
  public void onEffectDone(OwnerEffect effect) {
    String vip = effect.vip().value();
    if (effect instanceof OwnerEffect.ArmFence a) {
      fenceDeadlineMs.put(a.vip(), a.deadlineMs());
      fenceWrites.labelValues(vip, "arm").inc();
    } else if (effect instanceof OwnerEffect.CloseFence c) {
      fenceDeadlineMs.remove(c.vip());
      fenceWrites.labelValues(vip, "close").inc();
    } else if (effect instanceof OwnerEffect.AddAddress) {
      addressWrites.labelValues(vip, "add").inc();
    } else if (effect instanceof OwnerEffect.RefreshAddress) {
      addressWrites.labelValues(vip, "refresh").inc();
    } else if (effect instanceof OwnerEffect.RemoveAddress) {
      addressWrites.labelValues(vip, "remove").inc();
    } else if (effect instanceof OwnerEffect.Announce) {
      announcements.labelValues(vip).inc();
    }
  }

  @Override
  public void onEffectFailed(OwnerEffect effect, RuntimeException error) {
    if (effect instanceof OwnerEffect.ArmFence) {
      // The reconciler closes the gate after a failed arm.
      fenceDeadlineMs.remove(effect.vip());
    }
    dataPlaneFailures.labelValues(effect.vip().value(), snake(effect.getClass())).inc();
  }

  @Override
  public void onDrift(Drift d) {
    drift.labelValues(d.vip().value(), snake(d.getClass())).inc();
  }

  @Override
  public void onServing(VipName vip, long epoch) {
    serving.add(vip);
    becameOwner.labelValues(vip.value()).inc();
    failovers
        .serving(vip, epoch, nanoTime.getAsLong())
        .ifPresent(
            t ->
                takeoverSeconds.labelValues(t.cause().label()).observe(seconds(t.durationNanos())));
  }

  @Override
  public void onStopped(VipName vip) {
    serving.remove(vip);
    // Judged by the lease deadline, not by the local state: a release can reach the owner in a
    // grant before its own log applies the move, and would then look like a loss.
    if (leaseDeadlineMs.get() <= clockMs.getAsLong()) {
      leaseLost.labelValues(vip.value()).inc();
    }
  }

  @Override
  public void onReleaseSubmitted(VipName vip, long epoch) {
    releases.labelValues(vip.value()).inc();
  }

  // ---- StateListener (the state machine's event thread) ----

  @Override
  public void onApplied(ClusterState next, Command command, Outcome outcome, long index) {
    String name = snake(command.getClass());
    if (outcome instanceof Outcome.Accepted a) {
      commandsApplied.labelValues(name, "accepted").inc();
      if (index <= replayedUpTo) {
        // A replay: its durations and events are old (a failover spanning the restart is lost).
        return;
      }
      FailoverClock.Progress p = failovers.applied(a.assignments(), nanoTime.getAsLong());
      for (FailoverClock.Failover f : p.failovers()) {
        failoverSeconds.labelValues(f.cause().label()).observe(seconds(f.durationNanos()));
      }
      for (FailoverClock.Takeover t : p.takeovers()) {
        takeoverSeconds.labelValues(t.cause().label()).observe(seconds(t.durationNanos()));
      }
      if (command instanceof Command.ExpireNode e) {
        expirations.labelValues(e.node().value()).inc();
      } else if (command instanceof Command.ReportHealth h && a.changed()) {
        healthChanges.labelValues(h.node().value(), h.check()).inc();
      }
    } else {
      commandsApplied.labelValues(name, "rejected").inc();
    }
  }

  @Override
  public void onStateReset(ClusterState state, long appliedIndex) {
    failovers.reset();
  }

  @Override
  public void onLeaderChanged(NodeId leader, long term) {
    leaderChanges.inc();
  }

  @Override
  public void onEventsDropped(long count) {
    eventsDropped.inc(count);
    // Assignment changes were lost: a failover under way may never be seen to end.
    failovers.reset();
  }

  // ---- helpers ----

  private String voterLabel(NodeId node) {
    return voters.contains(node) ? node.value() : OTHER_NODE;
  }

  private Counter counter(String name, String help, String... labels) {
    Counter.Builder b = Counter.builder().name(name).help(help);
    if (labels.length > 0) {
      b.labelNames(labels);
    }
    return b.register(registry);
  }

  private Histogram histogram(String name, String help) {
    return Histogram.builder()
        .name(name)
        .help(help)
        .labelNames("cause")
        .classicOnly()
        .classicUpperBounds(FAILOVER_BUCKETS_SECONDS)
        .register(registry);
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /** {@code ExpireNode} -> {@code expire_node}: label values from class names (a fixed set). */
  static String snake(Class<?> type) {
    String s = type.getSimpleName();
    StringBuilder out = new StringBuilder(s.length() + 4);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isUpperCase(c) && i > 0) {
        out.append('_');
      }
      out.append(Character.toLowerCase(c));
    }
    return out.toString().toLowerCase(Locale.ROOT);
  }

  /** Seconds of node lease left at {@code nowMs}; 0 before the first grant and once lapsed. */
  static double leaseRemainingSeconds(long deadlineMs, long nowMs) {
    if (deadlineMs == Long.MIN_VALUE || deadlineMs <= nowMs) {
      return 0;
    }
    return (deadlineMs - nowMs) / 1000.0;
  }

  /** Gauges read on every scrape. */
  private final class Gauges implements MultiCollector {
    @Override
    public MetricSnapshots collect() {
      NodeReadings n = node;
      if (n == null) {
        return new MetricSnapshots();
      }
      long nowMs = clockMs.getAsLong();
      List<MetricSnapshot> out = new ArrayList<>();
      long commit = n.commitIndex();
      long applied = n.appliedIndex();
      Optional<NodeId> leader = n.leaderId();
      out.add(gauge("raftvip_raft_term", "The Raft term as this node knows it.", n.term()));
      out.add(
          gauge("raftvip_raft_commit_index", "The commit index as this node knows it.", commit));
      out.add(gauge("raftvip_raft_applied_index", "The last log index applied here.", applied));
      out.add(
          gauge(
              "raftvip_raft_apply_lag_entries",
              "Committed entries not yet applied here (commit index - applied index).",
              Math.max(0, commit - applied)));
      out.add(
          gauge(
              "raftvip_raft_is_leader",
              "1 when this node is the Raft leader as it knows it.",
              leader.map(self::equals).orElse(false) ? 1 : 0));
      out.add(
          gauge(
              "raftvip_raft_has_leader",
              "1 when this node knows a Raft leader.",
              leader.isPresent() ? 1 : 0));
      GaugeSnapshot.Builder leaderInfo =
          GaugeSnapshot.builder()
              .name("raftvip_raft_leader")
              .help("1 for the Raft leader this node knows of, by node.");
      leader.ifPresent(l -> leaderInfo.dataPoint(point(1, "node", l.value())));
      out.add(leaderInfo.build());
      out.add(
          gauge(
              "raftvip_lease_leader_active",
              "1 while this node acts as lease leader (grants renewals, plans placements).",
              n.leading() ? 1 : 0));
      out.add(
          gauge(
              "raftvip_lease_remaining_seconds",
              "Node lease left: time until this node's fences close unless a renewal is granted"
                  + " (0 before the first grant and once lapsed).",
              leaseRemainingSeconds(leaseDeadlineMs.get(), nowMs)));
      ClusterState state = n.state();
      addVipGauges(out, state, nowMs);
      addNodeGauges(out, state);
      return new MetricSnapshots(out);
    }

    private void addVipGauges(List<MetricSnapshot> out, ClusterState state, long nowMs) {
      GaugeSnapshot.Builder owned =
          GaugeSnapshot.builder()
              .name("raftvip_vip_owned")
              .help("1 when the log gives the VIP to this node (OWNED or RELEASING).");
      GaugeSnapshot.Builder holder =
          GaugeSnapshot.builder()
              .name("raftvip_vip_holder")
              .help("1 for the VIP's holder in this node's applied state, by node.");
      GaugeSnapshot.Builder assignment =
          GaugeSnapshot.builder()
              .name("raftvip_vip_state")
              .help("1 for the VIP's assignment state (unowned, owned, releasing), else 0.");
      GaugeSnapshot.Builder epoch =
          GaugeSnapshot.builder()
              .name("raftvip_vip_epoch")
              .help("The VIP's fencing epoch (log index of its last assignment).");
      GaugeSnapshot.Builder servingNow =
          GaugeSnapshot.builder()
              .name("raftvip_vip_serving")
              .help("1 while this node serves the VIP (fence armed and address added).");
      GaugeSnapshot.Builder fenceOpen =
          GaugeSnapshot.builder()
              .name("raftvip_vip_fence_open")
              .help("1 while this node's fence for the VIP is armed with a deadline ahead.");
      Set<VipName> names = new TreeSet<>(state.vips().keySet());
      names.addAll(serving);
      names.addAll(fenceDeadlineMs.keySet());
      for (VipName name : names) {
        String vip = name.value();
        Optional<Vip> v = state.vip(name);
        if (v.isPresent()) {
          Assignment a = v.get().assignment();
          boolean ours = a.currentOwner().map(self::equals).orElse(false);
          owned.dataPoint(point(ours ? 1 : 0, "vip", vip));
          a.currentOwner()
              .ifPresent(o -> holder.dataPoint(point(1, "vip", vip, "node", o.value())));
          for (Assignment.State s : Assignment.State.values()) {
            assignment.dataPoint(
                point(
                    a.state() == s ? 1 : 0,
                    "state",
                    s.name().toLowerCase(Locale.ROOT),
                    "vip",
                    vip));
          }
          epoch.dataPoint(point(a.epoch(), "vip", vip));
        }
        servingNow.dataPoint(point(serving.contains(name) ? 1 : 0, "vip", vip));
        Long deadline = fenceDeadlineMs.get(name);
        fenceOpen.dataPoint(point(deadline != null && deadline > nowMs ? 1 : 0, "vip", vip));
      }
      out.add(owned.build());
      out.add(holder.build());
      out.add(assignment.build());
      out.add(epoch.build());
      out.add(servingNow.build());
      out.add(fenceOpen.build());
    }

    private void addNodeGauges(List<MetricSnapshot> out, ClusterState state) {
      GaugeSnapshot.Builder active =
          GaugeSnapshot.builder()
              .name("raftvip_node_active")
              .help("1 for an ACTIVE member node, 0 for an EXPIRED one (replicated state).");
      GaugeSnapshot.Builder drained =
          GaugeSnapshot.builder()
              .name("raftvip_node_drained")
              .help("1 for a drained node (holds no VIP by administrative choice).");
      GaugeSnapshot.Builder healthy =
          GaugeSnapshot.builder()
              .name("raftvip_health_check_healthy")
              .help("Last reported health-check result in the replicated state: 1 healthy.");
      for (NodeInfo info : state.nodes().values()) {
        String id = info.id().value();
        active.dataPoint(point(info.status() == NodeStatus.ACTIVE ? 1 : 0, "node", id));
        drained.dataPoint(point(info.drained() ? 1 : 0, "node", id));
        info.health()
            .forEach(
                (check, ok) -> healthy.dataPoint(point(ok ? 1 : 0, "check", check, "node", id)));
      }
      out.add(active.build());
      out.add(drained.build());
      out.add(healthy.build());
    }
  }

  private static GaugeSnapshot gauge(String name, String help, double value) {
    return GaugeSnapshot.builder()
        .name(name)
        .help(help)
        .dataPoint(GaugeDataPointSnapshot.builder().value(value).build())
        .build();
  }

  private static GaugeDataPointSnapshot point(double value, String... labels) {
    return GaugeDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build();
  }
}
