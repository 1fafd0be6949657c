package io.raftvip.coordinator.leaserpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.control.Controller;
import io.raftvip.coordinator.core.control.ControllerMemory;
import io.raftvip.coordinator.core.control.ControllerSettings;
import io.raftvip.coordinator.core.control.Plan;
import io.raftvip.coordinator.core.lease.LeaderLease;
import io.raftvip.coordinator.core.lease.NodeLeases;
import io.raftvip.coordinator.core.lease.RenewRequest;
import io.raftvip.coordinator.core.lease.TimingSettings;
import io.raftvip.coordinator.metrics.NodeMetrics;
import io.raftvip.proto.peer.v1.PingRequest;
import io.raftvip.proto.peer.v1.RenewReply;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's half of the lease protocol, on one thread ({@code raftvip-leader-<node>}) that
 * serializes pings' acknowledgements, grants and controller plans (docs/safety.md §8.4).
 *
 * <p>Active only between {@code onLeaderReady(term)} and {@code onNotLeader}: it then pings every
 * follower every {@code leaderLeasePingMs}, plans every {@value #TICK_MS} ms (more often than
 * {@code renewIntervalMs / 2}) and submits the plan's commands, and grants renewals while the
 * leader lease covers now. Grants stop at once on {@code onNotLeader} (a volatile flag read by the
 * grant), and every grant re-reads {@code isLeader()} and the term right before replying.
 */
final class LeaderLoop implements AutoCloseable {

  /** Tick period: plans and ping checks. Below renewIntervalMs/2 for every valid setting >= 20. */
  static final long TICK_MS = 10;

  /** Renewals waiting for the leader thread beyond this are refused (NOT_LEADER) at once. */
  static final int QUEUE_MAX = 1024;

  /** How often begin() retries while the Raft node is not yet reachable, and how many times. */
  private static final long BEGIN_RETRY_MS = 10;

  private static final int BEGIN_RETRIES_MAX = 500;

  private static final Logger log = LoggerFactory.getLogger(LeaderLoop.class);

  private final NodeId self;
  private final Set<NodeId> followers;
  private final TimingSettings timing;
  private final ControllerSettings controllerSettings;
  private final RaftAccess raft;
  private final PeerClients clients;
  private final LongSupplier clockMs;
  private final NodeMetrics metrics;
  private final ScheduledThreadPoolExecutor thread;
  private volatile BiConsumer<NodeId, Long> grantObserver = (n, t) -> {};

  // Written on the leader thread only; activeTerm is volatile so grants can stop at once.
  private volatile long activeTerm = -1;
  private LeaderLease lease;
  private NodeLeases leases;
  private ControllerMemory memory;
  private Controller controller;
  private long nextPingMs;
  private ScheduledFuture<?> ticker;

  LeaderLoop(
      NodeId self,
      Set<NodeId> followers,
      TimingSettings timing,
      ControllerSettings controllerSettings,
      RaftAccess raft,
      PeerClients clients,
      LongSupplier clockMs) {
    this(self, followers, timing, controllerSettings, raft, clients, clockMs, NodeMetrics.NONE);
  }

  LeaderLoop(
      NodeId self,
      Set<NodeId> followers,
      TimingSettings timing,
      ControllerSettings controllerSettings,
      RaftAccess raft,
      PeerClients clients,
      LongSupplier clockMs,
      NodeMetrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.self = Objects.requireNonNull(self, "self");
    this.followers = Set.copyOf(followers);
    this.timing = Objects.requireNonNull(timing, "timing");
    this.controllerSettings = Objects.requireNonNull(controllerSettings, "controllerSettings");
    this.raft = Objects.requireNonNull(raft, "raft");
    this.clients = Objects.requireNonNull(clients, "clients");
    this.clockMs = Objects.requireNonNull(clockMs, "clockMs");
    // Refuse more than VOTERS_MAX voters up front, not at the first election.
    LeaderLease.start(this.followers);
    this.thread =
        new ScheduledThreadPoolExecutor(1, r -> named(r, "raftvip-leader-" + self.value()));
    this.thread.setRemoveOnCancelPolicy(true);
  }

  /** For tests: called on the leader thread with (node, leader-clock ms) at every grant. */
  void observeGrants(BiConsumer<NodeId, Long> observer) {
    this.grantObserver = Objects.requireNonNull(observer, "observer");
  }

  /** The node became leader in {@code term} and applied its first entry. */
  void onLeaderReady(long term) {
    execute(() -> begin(term, 0));
  }

  /** The node stopped being leader: grants stop now; the rest is dropped on the thread. */
  void onNotLeader() {
    activeTerm = -1;
    execute(this::end);
  }

  /** Whether this loop currently acts as leader. */
  boolean active() {
    return activeTerm >= 0;
  }

  /** Handles a renewal on the leader thread; replies NOT_LEADER when not an active leader. */
  void renew(io.raftvip.proto.peer.v1.RenewRequest request, StreamObserver<RenewReply> reply) {
    if (activeTerm < 0 || thread.getQueue().size() >= QUEUE_MAX) {
      reply(reply, PeerCodec.notLeader(request.getSentAtMs()));
      return;
    }
    try {
      thread.execute(() -> grant(request, reply));
    } catch (RejectedExecutionException closed) {
      reply(reply, PeerCodec.notLeader(request.getSentAtMs()));
    }
  }

  private void begin(long term, int attempt) {
    if (raft.term() != term || !raft.isLeader()) {
      if (attempt < BEGIN_RETRIES_MAX && raft.term() <= term) {
        // Ratis may report the role a moment after the ready event; look again shortly.
        thread.schedule(() -> begin(term, attempt + 1), BEGIN_RETRY_MS, TimeUnit.MILLISECONDS);
      }
      return;
    }
    end();
    long now = clockMs.getAsLong();
    lease = LeaderLease.start(followers);
    leases = NodeLeases.start(raft.state(), now);
    memory = ControllerMemory.empty();
    controller = new Controller(timing, controllerSettings, self, term);
    nextPingMs = now;
    activeTerm = term;
    ticker = thread.scheduleWithFixedDelay(this::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
    log.info("{}: leader loop active in term {}", self, term);
  }

  private void end() {
    activeTerm = -1;
    if (ticker != null) {
      ticker.cancel(false);
      ticker = null;
    }
    lease = null;
    leases = null;
    memory = null;
    controller = null;
  }

  private boolean stillLeader(long term) {
    return activeTerm == term && raft.isLeader() && raft.term() == term;
  }

  private void tick() {
    long term = activeTerm;
    if (term < 0) {
      return;
    }
    if (!stillLeader(term)) {
      end();
      return;
    }
    long now = clockMs.getAsLong();
    if (now >= nextPingMs) {
      nextPingMs = now + timing.leaderLeasePingMs();
      ping(term, now);
    }
    Plan plan = controller.plan(raft.state(), leases, memory, now);
    leases = plan.leases();
    memory = plan.memory();
    for (Command c : plan.commands()) {
      raft.submit(c, Duration.ofMillis(controllerSettings.proposalRetryMs()))
          .whenComplete(
              (ok, error) -> {
                if (error != null) {
                  log.debug("{}: {} not committed: {}", self, c, error.toString());
                }
              });
    }
  }

  private void ping(long term, long sentAtMs) {
    PingRequest request =
        PingRequest.newBuilder()
            .setLeader(self.value())
            .setTerm(term)
            .setSentAtMs(sentAtMs)
            .build();
    for (NodeId f : followers) {
      // An acknowledgement arriving later than rpcTimeoutMin after the ping adds nothing.
      clients.ping(
          f,
          request,
          timing.rpcTimeoutMinMs(),
          reply -> {
            log.trace("{}: ping reply from {}: {}", self, f, reply);
            if (reply.getAcknowledged() && f.value().equals(reply.getFollower())) {
              long elapsed = reply.getElapsedSinceHeardMs();
              execute(
                  () -> {
                    if (activeTerm == term && lease != null) {
                      // The send time is ours, not the echoed one.
                      lease = lease.acknowledged(f, sentAtMs, elapsed, timing);
                    }
                  });
            }
          });
    }
  }

  private void grant(
      io.raftvip.proto.peer.v1.RenewRequest proto, StreamObserver<RenewReply> observer) {
    long term = activeTerm;
    if (term < 0 || !stillLeader(term)) {
      reply(observer, PeerCodec.notLeader(proto.getSentAtMs()));
      return;
    }
    RenewRequest request;
    try {
      request = PeerCodec.fromProto(proto);
    } catch (IllegalArgumentException e) {
      observer.onError(
          Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    long now = clockMs.getAsLong();
    NodeLeases.Decision d = leases.grant(request, raft.state(), now, lease.endMs(), timing);
    leases = d.next();
    // Re-check right before replying: a grant must never leave a node that is not leader.
    if (!stillLeader(term)) {
      reply(observer, PeerCodec.notLeader(proto.getSentAtMs()));
      return;
    }
    if (d.reply() instanceof io.raftvip.coordinator.core.lease.GrantReply.Grant) {
      grantObserver.accept(request.node(), now);
    }
    measure(request.node(), d.reply());
    reply(observer, PeerCodec.toProto(d.reply()));
  }

  /** Counts a grant or refusal; metrics never stop the loop. */
  private void measure(NodeId node, io.raftvip.coordinator.core.lease.GrantReply reply) {
    try {
      if (reply instanceof io.raftvip.coordinator.core.lease.GrantReply.Refusal r) {
        metrics.onLeaseRefused(node, r.reason().name().toLowerCase(java.util.Locale.ROOT));
      } else {
        metrics.onLeaseGranted(node);
      }
    } catch (RuntimeException e) {
      log.warn("{}: node metrics listener failed", self, e);
    }
  }

  private static void reply(StreamObserver<RenewReply> observer, RenewReply r) {
    observer.onNext(r);
    observer.onCompleted();
  }

  private void execute(Runnable r) {
    try {
      thread.execute(r);
    } catch (RejectedExecutionException closed) {
      // Shutting down.
    }
  }

  static Thread named(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public void close() {
    activeTerm = -1;
    thread.shutdownNow();
    try {
      thread.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
