package io.raftvip.coordinator.leaserpc;

import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.Outcome;
import io.raftvip.coordinator.core.control.ControllerSettings;
import io.raftvip.coordinator.core.lease.TimingSettings;
import io.raftvip.coordinator.metrics.NodeMetrics;
import io.raftvip.coordinator.ratis.RaftNode;
import io.raftvip.coordinator.ratis.RaftSettings;
import io.raftvip.coordinator.ratis.RoleInfo;
import io.raftvip.coordinator.ratis.StateListener;
import io.raftvip.coordinator.reconcile.DataPlane;
import io.raftvip.coordinator.reconcile.Reconciler;
import io.raftvip.coordinator.tls.TlsCredentials;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's lease machinery wired together: its {@link RaftNode}, the lease gRPC service on the
 * node's own lease address, the {@link LeaderLoop}, the {@link OwnerLoop} and the {@link
 * Reconciler} over the given {@link DataPlane}.
 *
 * <p>{@link #close()} is abrupt, like a killed daemon: threads, server and Raft stop, the data
 * plane is left as it is, so fences stay open until their deadlines (the kernel's job). Call {@link
 * #stopServing} first for a graceful stop. The caller owns and closes the data plane.
 */
public final class LeaseNode implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LeaseNode.class);

  /** How long a Release submit may take; OwnerLease re-sends it every releaseRetryMs anyway. */
  static final Duration RELEASE_SUBMIT_TIMEOUT = Duration.ofSeconds(2);

  private final NodeId self;
  private final TimingSettings timing;
  private final Set<NodeId> voters;
  private final PeerClients clients;
  private final Reconciler reconciler;
  private final LeaderLoop leaderLoop;
  private final OwnerLoop ownerLoop;
  private final LeaseService service;
  private final Server server;
  private final StateListener observer;
  private final Optional<TlsCredentials> tls;
  private volatile RaftNode raft;

  private LeaseNode(Builder b) throws IOException {
    RaftSettings rs = b.raftSettings;
    this.self = rs.nodeId();
    this.timing = b.timing;
    this.observer = b.observer;
    this.voters = rs.peers().stream().map(RaftSettings.Peer::id).collect(Collectors.toSet());
    DataPlane plane = b.dataPlane;
    RaftAccess access = new Access();
    this.tls = b.tls;
    this.clients =
        new PeerClients(
            b.leaseAddresses,
            b.tls
                .map(TlsCredentials::peerChannelCredentials)
                .orElseGet(InsecureChannelCredentials::create));
    this.reconciler =
        Reconciler.builder(plane)
            .listener(b.metrics.after(b.listener))
            .releaseHandler(
                (vip, epoch) -> {
                  RaftNode r = raft;
                  if (r != null) {
                    r.submit(new Command.Release(vip, epoch, self), RELEASE_SUBMIT_TIMEOUT)
                        .whenComplete(
                            (ok, e) -> {
                              if (e != null) {
                                log.debug(
                                    "{}: Release of {} not committed: {}", self, vip, e.toString());
                              }
                            });
                  }
                })
            .start();
    Set<NodeId> followers =
        voters.stream().filter(id -> !id.equals(self)).collect(Collectors.toSet());
    this.leaderLoop =
        new LeaderLoop(
            self,
            followers,
            timing,
            b.controllerSettings,
            access,
            clients,
            plane::nowMs,
            b.metrics);
    this.ownerLoop =
        new OwnerLoop(
            self,
            rs.self().host() + ":" + rs.self().port(),
            timing,
            access,
            clients,
            reconciler,
            plane::nowMs,
            b.metrics);
    this.service = new LeaseService(self, timing, access, leaderLoop, plane::nowMs);
    this.server =
        NettyServerBuilder.forAddress(
                b.leaseAddresses.get(self),
                b.tls
                    .map(TlsCredentials::peerServerCredentials)
                    .orElseGet(InsecureServerCredentials::create))
            .addService(service)
            // Handlers only enqueue onto the witness or leader thread.
            .directExecutor()
            .build();
  }

  private void start(RaftSettings rs) throws IOException {
    server.start();
    // §8.2: the Ratis server starts no earlier than rpcTimeoutMin after the process started.
    long uptimeMs = ManagementFactory.getRuntimeMXBean().getUptime();
    if (uptimeMs < timing.rpcTimeoutMinMs()) {
      try {
        Thread.sleep(timing.rpcTimeoutMinMs() - uptimeMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted before starting the Raft server", e);
      }
    }
    raft = RaftNode.start(rs, new Events(), tls.map(TlsCredentials::ratisConfig));
    ownerLoop.start();
  }

  /** A builder; every collaborator is explicit. */
  public static Builder builder() {
    return new Builder();
  }

  /** Settings of a lease node; each setter validates on the spot. */
  public static final class Builder {
    private RaftSettings raftSettings;
    private TimingSettings timing = TimingSettings.defaults();
    private ControllerSettings controllerSettings = ControllerSettings.defaults();
    private Map<NodeId, InetSocketAddress> leaseAddresses = Map.of();
    private DataPlane dataPlane;
    private Reconciler.Listener listener = Reconciler.Listener.NONE;
    private StateListener observer = StateListener.NONE;
    private NodeMetrics metrics = NodeMetrics.NONE;
    private Optional<TlsCredentials> tls = Optional.empty();

    private Builder() {}

    /** Hears renewals, grants and data-plane writes for metrics (see {@link NodeMetrics}). */
    public Builder metrics(NodeMetrics m) {
      this.metrics = Objects.requireNonNull(m, "metrics");
      return this;
    }

    /**
     * Mutual TLS for the lease server, the channels to the other members' lease servers and Ratis
     * (server, server-to-server, client). The caller owns {@code credentials} and closes them after
     * the node. Without this call every transport is plaintext.
     */
    public Builder tls(TlsCredentials credentials) {
      this.tls = Optional.of(Objects.requireNonNull(credentials, "tls"));
      return this;
    }

    /**
     * Also hears every state-machine event, after the lease loops did (admin API watchers,
     * metrics). Runs on the event thread: must not block.
     */
    public Builder observer(StateListener o) {
      this.observer = Objects.requireNonNull(o, "observer");
      return this;
    }

    public Builder raftSettings(RaftSettings s) {
      this.raftSettings = Objects.requireNonNull(s, "raftSettings");
      return this;
    }

    public Builder timing(TimingSettings t) {
      this.timing = Objects.requireNonNull(t, "timing");
      return this;
    }

    public Builder controllerSettings(ControllerSettings s) {
      this.controllerSettings = Objects.requireNonNull(s, "controllerSettings");
      return this;
    }

    /**
     * The lease-RPC address of every voter (this node's is where its server binds: give a concrete
     * address, never the wildcard, unless you mean it).
     */
    public Builder leaseAddresses(Map<NodeId, InetSocketAddress> addresses) {
      for (Map.Entry<NodeId, InetSocketAddress> e : addresses.entrySet()) {
        Objects.requireNonNull(e.getKey(), "node");
        Objects.requireNonNull(e.getValue(), "address of " + e.getKey());
      }
      this.leaseAddresses = Map.copyOf(addresses);
      return this;
    }

    public Builder dataPlane(DataPlane plane) {
      this.dataPlane = Objects.requireNonNull(plane, "dataPlane");
      return this;
    }

    public Builder listener(Reconciler.Listener l) {
      this.listener = Objects.requireNonNull(l, "listener");
      return this;
    }

    /**
     * Starts the lease server, then (no earlier than rpcTimeoutMinMs after process start) the Raft
     * server, then renewing.
     */
    public LeaseNode start() throws IOException {
      Objects.requireNonNull(raftSettings, "raftSettings must be set");
      Objects.requireNonNull(dataPlane, "dataPlane must be set");
      if (raftSettings.rpcTimeoutMinMs() != timing.rpcTimeoutMinMs()
          || raftSettings.rpcTimeoutMaxMs() != timing.rpcTimeoutMaxMs()) {
        throw new IllegalArgumentException(
            "Ratis rpc timeouts "
                + raftSettings.rpcTimeoutMinMs()
                + ".."
                + raftSettings.rpcTimeoutMaxMs()
                + " ms must equal rpcTimeoutMinMs..rpcTimeoutMaxMs "
                + timing.rpcTimeoutMinMs()
                + ".."
                + timing.rpcTimeoutMaxMs()
                + " ms of the timing settings (docs/safety.md §8.1)");
      }
      for (RaftSettings.Peer p : raftSettings.peers()) {
        if (!leaseAddresses.containsKey(p.id())) {
          throw new IllegalArgumentException("no lease address for voter " + p.id());
        }
      }
      LeaseNode n = new LeaseNode(this);
      try {
        n.start(raftSettings);
      } catch (IOException | RuntimeException e) {
        n.close();
        throw e;
      }
      return n;
    }
  }

  /** This node's id. */
  public NodeId id() {
    return self;
  }

  /** The Raft node (status reads, admin submits). */
  public RaftNode raft() {
    return raft;
  }

  /** The reconciler carrying this node's effects out. */
  public Reconciler reconciler() {
    return reconciler;
  }

  /** Whether this node's leader loop is active (it may grant). */
  public boolean leading() {
    return leaderLoop.active();
  }

  /** For tests: every grant this node makes as leader, with its leader-clock time. */
  void observeGrants(BiConsumer<NodeId, Long> observer) {
    leaderLoop.observeGrants(observer);
  }

  /**
   * Graceful: stops renewing and serving (fences closed, addresses removed) and waits until the
   * reconciler carried that out. The node's VIPs are reassigned after the expiry wait; to hand them
   * over at once, move them away first.
   */
  public boolean stopServing(Duration timeout) throws InterruptedException {
    return ownerLoop.stopServing(timeout.toMillis()) && reconciler.awaitIdle(timeout);
  }

  /** Abrupt stop (see the class comment); idempotent. */
  @Override
  public void close() {
    ownerLoop.close();
    leaderLoop.close();
    try {
      server.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    service.close();
    RaftNode r = raft;
    if (r != null) {
      r.close();
    }
    clients.close();
    reconciler.close();
  }

  /** Routes the state machine's events (on its event thread) to the loops. */
  private final class Events implements StateListener {
    @Override
    public void onApplied(ClusterState next, Command command, Outcome outcome, long index) {
      ownerLoop.stateApplied(next);
      observe(() -> observer.onApplied(next, command, outcome, index));
    }

    @Override
    public void onStateReset(ClusterState state, long appliedIndex) {
      ownerLoop.stateApplied(state);
      observe(() -> observer.onStateReset(state, appliedIndex));
    }

    @Override
    public void onLeaderChanged(NodeId leader, long term) {
      observe(() -> observer.onLeaderChanged(leader, term));
    }

    @Override
    public void onLeaderReady(long term) {
      leaderLoop.onLeaderReady(term);
      observe(() -> observer.onLeaderReady(term));
    }

    @Override
    public void onNotLeader(long term) {
      leaderLoop.onNotLeader();
      observe(() -> observer.onNotLeader(term));
    }

    @Override
    public void onEventsDropped(long count) {
      observe(() -> observer.onEventsDropped(count));
    }

    @Override
    public void onConfigurationChanged(List<RaftSettings.Peer> members, long index) {
      Set<NodeId> now = members.stream().map(RaftSettings.Peer::id).collect(Collectors.toSet());
      if (!now.equals(voters)) {
        // §8.1: leases are proven for the configured voters only; stop granting.
        log.warn("{}: voters changed to {}; leader grants stop", self, now);
        leaderLoop.onNotLeader();
      }
      observe(() -> observer.onConfigurationChanged(members, index));
    }

    /** An observer's failure is its own: the lease loops carry on. */
    private void observe(Runnable call) {
      try {
        call.run();
      } catch (RuntimeException e) {
        log.warn("{}: state observer failed", self, e);
      }
    }
  }

  /** The Raft node as the loops see it, before and after it started. */
  private final class Access implements RaftAccess {
    @Override
    public boolean isLeader() {
      RaftNode r = raft;
      return r != null && r.isLeader();
    }

    @Override
    public long term() {
      RaftNode r = raft;
      return r == null ? -1 : r.term();
    }

    @Override
    public Optional<NodeId> leaderId() {
      RaftNode r = raft;
      return r == null ? Optional.empty() : r.leaderId();
    }

    @Override
    public RoleInfo roleInfo() {
      RaftNode r = raft;
      return r == null ? new RoleInfo.Other(0, 0, "STARTING") : r.roleInfo();
    }

    @Override
    public ClusterState state() {
      RaftNode r = raft;
      return r == null ? ClusterState.EMPTY : r.state();
    }

    @Override
    public CompletableFuture<?> submit(Command command, Duration timeout) {
      RaftNode r = raft;
      return r == null
          ? CompletableFuture.failedFuture(new IllegalStateException("Raft node not started"))
          : r.submit(command, timeout);
    }
  }
}
