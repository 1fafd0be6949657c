package io.raftvip.coordinator.api;

import io.grpc.ServerCredentials;
import io.raftvip.coordinator.core.Assignment;
import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.Outcome;
import io.raftvip.coordinator.core.Vip;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.lease.OwnerEffect;
import io.raftvip.coordinator.core.lease.TimingSettings;
import io.raftvip.coordinator.health.CheckSchedule;
import io.raftvip.coordinator.health.HealthCheck;
import io.raftvip.coordinator.health.HealthMonitor;
import io.raftvip.coordinator.health.Verdict;
import io.raftvip.coordinator.leaserpc.LeaseNode;
import io.raftvip.coordinator.metrics.NodeMetrics;
import io.raftvip.coordinator.ratis.RaftSettings;
import io.raftvip.coordinator.ratis.StateListener;
import io.raftvip.coordinator.reconcile.DataPlane;
import io.raftvip.coordinator.reconcile.Reconciler;
import io.raftvip.coordinator.tls.TlsCredentials;
import io.raftvip.coordinator.tls.TlsSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One raftvip member embedded in an application: Raft, the lease service and the reconciler over
 * the given {@link DataPlane}. The node joins the cluster's state by itself (on its first renewal,
 * the leader answers "unknown node" and it submits JoinNode).
 *
 * <p>{@link #close()} is graceful: it moves the VIPs this node holds away (MoveVip; the holder
 * closes its fence, removes the address and commits Release, and the next holder starts at once),
 * waits for that at most the close timeout, stops serving whatever is left, then stops.
 */
public final class RaftVipNode implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RaftVipNode.class);

  /** How often close() re-checks and re-requests moves. */
  static final long CLOSE_POLL_MS = 20;

  /** How often close() asks again to move a VIP that is still here. */
  static final long MOVE_RETRY_MS = 300;

  /** How long one health report may wait for its commit; the monitor retries with backoff. */
  static final Duration HEALTH_SUBMIT_TIMEOUT = Duration.ofSeconds(2);

  /**
   * A voter: its Raft address and its lease-RPC address (same host).
   *
   * @param id node id
   * @param host address both servers bind to and peers connect to (never a wildcard)
   * @param raftPort Ratis gRPC port
   * @param leasePort lease service port ({@code raftvip.peer.v1})
   */
  public record Member(NodeId id, String host, int raftPort, int leasePort) {
    public Member {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(host, "host");
      if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::")) {
        throw new IllegalArgumentException(
            "host \"" + host + "\" of member " + id + " must be a concrete address");
      }
      checkPort(raftPort, "raft port", id);
      checkPort(leasePort, "lease port", id);
      if (raftPort == leasePort) {
        throw new IllegalArgumentException(
            "raft port and lease port of member " + id + " are both " + raftPort);
      }
    }

    private static void checkPort(int port, String what, NodeId id) {
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException(
            what + " " + port + " of member " + id + " must be in 1..65535");
      }
    }
  }

  /** What happened to a VIP on this node. */
  public sealed interface VipEvent {
    VipName vip();

    /**
     * This node armed the VIP's fence under {@code epoch} and added its address (again after a
     * {@link LeaseLost}).
     */
    record BecameOwner(VipName vip, long epoch) implements VipEvent {}

    /**
     * This node handed the VIP over: fence closed, address removed, Release(vip, epoch) submitted
     * (a move or a delete). Reported once per epoch.
     */
    record Released(VipName vip, long epoch) implements VipEvent {}

    /**
     * This node stopped serving the VIP (fence closed, address removed) while the log no longer
     * gives it to this node, or gives it only to release it.
     */
    record Stopped(VipName vip) implements VipEvent {}

    /**
     * This node stopped serving the VIP although the log still gives it to this node: its node
     * lease lapsed (no grant in time), so its fence closed. It serves again after the next grant,
     * unless the leader expires it first.
     */
    record LeaseLost(VipName vip) implements VipEvent {}

    /** A data-plane operation failed; the reconciler keeps going. */
    record EffectFailed(VipName vip, String effect, String error) implements VipEvent {}
  }

  /** Hears {@link VipEvent}s on the reconciler thread; must return quickly. */
  @FunctionalInterface
  public interface Listener {
    Listener NONE = event -> {};

    void onEvent(VipEvent event);
  }

  private final NodeId self;
  private final UUID groupId;
  private final List<Member> members;
  private final Duration closeTimeout;
  private final LeaseNode lease;
  private final Optional<HealthMonitor> health;
  private final Optional<TlsCredentials> tls;
  private volatile boolean closed;

  private RaftVipNode(
      NodeId self,
      UUID groupId,
      List<Member> members,
      Duration closeTimeout,
      LeaseNode lease,
      Optional<HealthMonitor> health,
      Optional<TlsCredentials> tls) {
    this.self = self;
    this.groupId = groupId;
    this.members = List.copyOf(members);
    this.closeTimeout = closeTimeout;
    this.lease = lease;
    this.health = health;
    this.tls = tls;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Settings; each setter validates on the spot. */
  public static final class Builder {
    private NodeId nodeId;
    private final Map<NodeId, Member> members = new LinkedHashMap<>();
    private Path storageDir;
    private UUID groupId;
    private TimingSettings timing = TimingSettings.defaults();
    private DataPlane dataPlane;
    private Listener listener = Listener.NONE;
    private Duration closeTimeout = Duration.ofSeconds(5);
    private StateListener observer = StateListener.NONE;
    private final Map<String, HealthMonitor.Registration> healthChecks = new LinkedHashMap<>();
    private HealthMonitor.Listener healthListener = HealthMonitor.Listener.NONE;
    private NodeMetrics metrics = NodeMetrics.NONE;
    private Optional<TlsSettings> tls = Optional.empty();

    private Builder() {}

    /**
     * Hears renewals, grants and data-plane writes on the node's threads; must be thread-safe and
     * not block. For metrics (gauges such as term or ownership are read from this node instead).
     */
    public Builder metrics(NodeMetrics m) {
      this.metrics = Objects.requireNonNull(m, "metrics");
      return this;
    }

    /**
     * Mutual TLS on every transport of this node: Ratis (server, server-to-server, client), the
     * lease service and its channels, and (through {@link #adminServerCredentials()}) the admin
     * server. Every member needs a certificate from the CA that names its host in a SAN; the files
     * are re-read every {@link TlsSettings#reloadInterval()}. Without this call all of them are
     * plaintext.
     */
    public Builder tls(TlsSettings settings) {
      this.tls = Optional.of(Objects.requireNonNull(settings, "tls"));
      return this;
    }

    /**
     * Hears every replicated-state event (applied commands, leader changes) on the event thread;
     * must not block. For admin servers and metrics.
     */
    public Builder observer(StateListener o) {
      this.observer = Objects.requireNonNull(o, "observer");
      return this;
    }

    public Builder nodeId(NodeId id) {
      this.nodeId = Objects.requireNonNull(id, "nodeId");
      return this;
    }

    /** Adds a voter (this node included); at most 4 voters (docs/safety.md §7). */
    public Builder member(Member m) {
      Objects.requireNonNull(m, "member");
      if (members.containsKey(m.id())) {
        throw new IllegalArgumentException("member " + m.id() + " was already added");
      }
      members.put(m.id(), m);
      return this;
    }

    public Builder storageDir(Path dir) {
      this.storageDir = Objects.requireNonNull(dir, "storageDir");
      return this;
    }

    public Builder groupId(UUID id) {
      this.groupId = Objects.requireNonNull(id, "groupId");
      return this;
    }

    public Builder timing(TimingSettings t) {
      this.timing = Objects.requireNonNull(t, "timing");
      return this;
    }

    public Builder dataPlane(DataPlane plane) {
      this.dataPlane = Objects.requireNonNull(plane, "dataPlane");
      return this;
    }

    public Builder listener(Listener l) {
      this.listener = Objects.requireNonNull(l, "listener");
      return this;
    }

    /** How long close() may spend moving VIPs away; 0..60 s, default 5 s. */
    public Builder closeTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.compareTo(Duration.ofSeconds(60)) > 0) {
        throw new IllegalArgumentException("close timeout " + timeout + " must be in 0..60 s");
      }
      this.closeTimeout = timeout;
      return this;
    }

    /**
     * Adds a health check this node runs (see {@link HealthMonitor}): once it passed {@code rise}
     * times in a row the node reports it healthy, and VIPs whose spec names {@code name} may be
     * placed here; after {@code fall} failures in a row it reports unhealthy and the leader moves
     * such VIPs away gracefully. A check never reported counts as unhealthy.
     */
    public Builder healthCheck(String name, HealthCheck check, CheckSchedule schedule) {
      HealthMonitor.Registration r = new HealthMonitor.Registration(name, check, schedule);
      if (healthChecks.containsKey(name)) {
        throw new IllegalArgumentException("health check " + name + " was already added");
      }
      if (healthChecks.size() >= HealthMonitor.CHECKS_MAX) {
        throw new IllegalArgumentException(
            "more than " + HealthMonitor.CHECKS_MAX + " health checks; " + name + " refused");
      }
      healthChecks.put(name, r);
      return this;
    }

    /** Hears this node's health verdict changes, on the health scheduler thread. */
    public Builder healthListener(HealthMonitor.Listener l) {
      this.healthListener = Objects.requireNonNull(l, "healthListener");
      return this;
    }

    /** Starts the node; returns once its servers run (the leader is elected asynchronously). */
    public RaftVipNode start() throws IOException {
      Objects.requireNonNull(nodeId, "nodeId must be set");
      Objects.requireNonNull(storageDir, "storageDir must be set");
      Objects.requireNonNull(groupId, "groupId must be set");
      Objects.requireNonNull(dataPlane, "dataPlane must be set");
      if (!members.containsKey(nodeId)) {
        throw new IllegalArgumentException(
            "node " + nodeId + " is not among the members " + members.keySet());
      }
      List<RaftSettings.Peer> peers = new ArrayList<>();
      Map<NodeId, InetSocketAddress> leaseAddresses = new LinkedHashMap<>();
      for (Member m : members.values()) {
        peers.add(new RaftSettings.Peer(m.id(), m.host(), m.raftPort()));
        leaseAddresses.put(m.id(), new InetSocketAddress(m.host(), m.leasePort()));
      }
      RaftSettings rs =
          RaftSettings.builder()
              .nodeId(nodeId)
              .peers(peers)
              .groupId(groupId)
              .storageDir(storageDir)
              .rpcTimeoutMs(timing.rpcTimeoutMinMs(), timing.rpcTimeoutMaxMs())
              .build();
      Events events = new Events(nodeId, listener);
      Optional<TlsCredentials> credentials = Optional.empty();
      if (tls.isPresent()) {
        List<String> hosts = members.values().stream().map(Member::host).toList();
        credentials = Optional.of(TlsCredentials.load(tls.get(), nodeId.value(), hosts));
      }
      LeaseNode node;
      try {
        LeaseNode.Builder lb =
            LeaseNode.builder()
                .raftSettings(rs)
                .timing(timing)
                .leaseAddresses(leaseAddresses)
                .dataPlane(dataPlane)
                .listener(events)
                .observer(observer)
                .metrics(metrics);
        credentials.ifPresent(lb::tls);
        node = lb.start();
      } catch (IOException | RuntimeException e) {
        credentials.ifPresent(TlsCredentials::close);
        throw e;
      }
      events.node = node;
      Optional<HealthMonitor> health = Optional.empty();
      if (!healthChecks.isEmpty()) {
        HealthMonitor.Builder hb =
            HealthMonitor.builder(nodeId)
                .submitter(c -> node.raft().submit(c, HEALTH_SUBMIT_TIMEOUT))
                .replicatedState(() -> node.raft().state())
                .listener(healthListener);
        healthChecks.values().forEach(hb::check);
        health = Optional.of(hb.start());
      }
      return new RaftVipNode(
          nodeId, groupId, List.copyOf(members.values()), closeTimeout, node, health, credentials);
    }
  }

  public NodeId id() {
    return self;
  }

  /** The Raft group id. */
  public UUID groupId() {
    return groupId;
  }

  /** The voters this node was started with. */
  public List<Member> members() {
    return members;
  }

  /**
   * With {@link Builder#tls}: credentials for an admin gRPC server on this node, with this node's
   * (reloading) certificate, requiring a client certificate signed by the CA; empty without TLS.
   * Valid while the node runs.
   */
  public Optional<ServerCredentials> adminServerCredentials() {
    return tls.map(TlsCredentials::adminServerCredentials);
  }

  /** The leader as this node last heard of it. */
  public Optional<NodeId> leaderId() {
    return lease.raft().leaderId();
  }

  /** The Raft term as this node knows it. */
  public long term() {
    return lease.raft().term();
  }

  /** The commit index as this node knows it. */
  public long commitIndex() {
    return lease.raft().commitIndex();
  }

  /** The last log index applied to {@link #state()}. */
  public long appliedIndex() {
    return lease.raft().appliedIndex();
  }

  /** Asks the leader to hand leadership to {@code target}; completes once it has. */
  public CompletableFuture<Void> transferLeadership(NodeId target, Duration timeout) {
    return lease.raft().transferLeadership(target, timeout);
  }

  /** One VIP read linearizably through the leader; empty when it does not exist. */
  public CompletableFuture<Optional<Vip>> readVip(VipName name, Duration timeout) {
    return lease.raft().readVip(name, timeout);
  }

  /** The whole state read linearizably through the leader. */
  public CompletableFuture<ClusterState> readState(Duration timeout) {
    return lease.raft().readState(timeout);
  }

  /** The locally applied state (non-blocking). */
  public ClusterState state() {
    return lease.raft().state();
  }

  /** Whether this node currently acts as the lease leader. */
  public boolean leading() {
    return lease.leading();
  }

  /** This node's health-check verdicts by check name (empty without checks). */
  public Map<String, Verdict> health() {
    return health.map(HealthMonitor::verdicts).orElse(Map.of());
  }

  /** Submits an admin command (CreateVip, MoveVip, SetDrained...) through Raft. */
  public CompletableFuture<Outcome.Accepted> submit(Command command, Duration timeout) {
    return lease.raft().submit(command, timeout);
  }

  /**
   * Stops at once, as a killed daemon would (demos and tests of failover): no hand-over, no
   * Release, the data plane left as it is, so this node's fences stay open until their deadlines.
   * Idempotent; a later {@link #close()} does nothing.
   */
  public void halt() {
    if (closed) {
      return;
    }
    closed = true;
    lease.close();
  }

  /** Graceful stop (see the class comment). Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    // Checks stop first: nothing reports health for a node that is leaving.
    health.ifPresent(HealthMonitor::close);
    long start = System.nanoTime();
    long budgetNanos = closeTimeout.toNanos();
    try {
      moveAway(start, budgetNanos);
      long left = Math.max(1, (budgetNanos - (System.nanoTime() - start)) / 1_000_000);
      lease.stopServing(Duration.ofMillis(Math.max(left, 500)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lease.close();
      tls.ifPresent(TlsCredentials::close);
    }
  }

  private void moveAway(long start, long budgetNanos) throws InterruptedException {
    Map<VipName, Long> askedAt = new LinkedHashMap<>();
    while (System.nanoTime() - start < budgetNanos) {
      List<Vip> held = state().heldBy(self);
      if (held.isEmpty()) {
        return;
      }
      long now = System.nanoTime() / 1_000_000;
      for (Vip v : held) {
        if (!(v.assignment() instanceof Assignment.Owned o)) {
          continue; // RELEASING: the release is under way.
        }
        Long asked = askedAt.get(v.name());
        if (asked != null && now - asked < MOVE_RETRY_MS) {
          continue;
        }
        askedAt.put(v.name(), now);
        lease
            .raft()
            .submit(
                new Command.MoveVip(v.name(), Optional.empty(), OptionalLong.of(o.epoch())),
                Duration.ofMillis(MOVE_RETRY_MS))
            .whenComplete(
                (ok, e) -> {
                  if (e != null) {
                    log.debug("{}: moving {} away failed: {}", self, v.name(), e.toString());
                  }
                });
      }
      Thread.sleep(CLOSE_POLL_MS);
    }
    log.warn("{}: VIPs still held after {}: they lapse with the node lease", self, closeTimeout);
  }

  /** Reconciler events turned into {@link VipEvent}s. */
  private static final class Events implements Reconciler.Listener {
    private final NodeId self;
    private final Listener listener;
    volatile LeaseNode node;

    Events(NodeId self, Listener listener) {
      this.self = self;
      this.listener = listener;
    }

    @Override
    public void onServing(VipName vip, long epoch) {
      emit(new VipEvent.BecameOwner(vip, epoch));
    }

    @Override
    public void onStopped(VipName vip) {
      LeaseNode n = node;
      boolean stillOurs =
          n != null
              && n.raft() != null
              && n.raft()
                  .state()
                  .vip(vip)
                  .map(v -> v.assignment() instanceof Assignment.Owned o && o.owner().equals(self))
                  .orElse(false);
      emit(stillOurs ? new VipEvent.LeaseLost(vip) : new VipEvent.Stopped(vip));
    }

    @Override
    public void onReleaseSubmitted(VipName vip, long epoch) {
      emit(new VipEvent.Released(vip, epoch));
    }

    @Override
    public void onEffectFailed(OwnerEffect effect, RuntimeException error) {
      emit(
          new VipEvent.EffectFailed(
              effect.vip(), effect.getClass().getSimpleName(), error.toString()));
    }

    private void emit(VipEvent e) {
      try {
        listener.onEvent(e);
      } catch (RuntimeException bad) {
        log.warn("{}: listener threw on {}", self, e, bad);
      }
    }
  }
}
