package io.raftvip.coordinator.leaserpc;

import io.grpc.Status;
import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.lease.GrantReply;
import io.raftvip.coordinator.core.lease.OwnerLease;
import io.raftvip.coordinator.core.lease.TimingSettings;
import io.raftvip.coordinator.metrics.NodeMetrics;
import io.raftvip.coordinator.reconcile.Reconciler;
import io.raftvip.proto.peer.v1.Reason;
import io.raftvip.proto.peer.v1.RenewReply;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The holder's half of the lease protocol, on one thread ({@code raftvip-owner-<node>}) that owns
 * the node's {@link OwnerLease}: every {@code renewIntervalMs} it reads the clock, records the send
 * time and sends Renew to the current leader; grants, applied states and ticks (every {@value
 * #TICK_MS} ms) go through the lease, and its effects go to the {@link Reconciler} in order.
 */
final class OwnerLoop implements AutoCloseable {

  /** Tick period; docs/safety.md §8.6 asks for at most 20 ms. */
  static final long TICK_MS = 10;

  /** Least time between two JoinNode submissions after refusals. */
  static final long REJOIN_MS = 500;

  private static final Logger log = LoggerFactory.getLogger(OwnerLoop.class);

  private final NodeId self;
  private final String raftAddress;
  private final TimingSettings timing;
  private final RaftAccess raft;
  private final PeerClients clients;
  private final Reconciler reconciler;
  private final LongSupplier clockMs;
  private final NodeMetrics metrics;
  private final ScheduledThreadPoolExecutor thread;
  // Confined to the owner thread.
  private OwnerLease lease;
  private boolean stopped;
  private long lastJoinMs = Long.MIN_VALUE / 2;
  private boolean seenAsMember;

  OwnerLoop(
      NodeId self,
      String raftAddress,
      TimingSettings timing,
      RaftAccess raft,
      PeerClients clients,
      Reconciler reconciler,
      LongSupplier clockMs,
      NodeMetrics metrics) {
    this.self = Objects.requireNonNull(self, "self");
    this.raftAddress = Objects.requireNonNull(raftAddress, "raftAddress");
    this.timing = Objects.requireNonNull(timing, "timing");
    this.raft = Objects.requireNonNull(raft, "raft");
    this.clients = Objects.requireNonNull(clients, "clients");
    this.reconciler = Objects.requireNonNull(reconciler, "reconciler");
    this.clockMs = Objects.requireNonNull(clockMs, "clockMs");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.lease = OwnerLease.start(self, timing);
    this.thread =
        new ScheduledThreadPoolExecutor(
            1, r -> LeaderLoop.named(r, "raftvip-owner-" + self.value()));
    this.thread.setRemoveOnCancelPolicy(true);
  }

  /** Starts renewing and ticking. */
  void start() {
    thread.scheduleAtFixedRate(this::renew, 0, timing.renewIntervalMs(), TimeUnit.MILLISECONDS);
    thread.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
  }

  /** The locally applied state changed (from the state machine's event thread). */
  void stateApplied(ClusterState state) {
    execute(
        () -> {
          seenAsMember |= state.nodes().containsKey(self);
          if (!stopped) {
            step(lease.stateApplied(state, clockMs.getAsLong()));
          }
        });
  }

  /**
   * Stops serving for good: closes every fence and removes every address (graceful shutdown),
   * waiting at most {@code timeoutMs} for the effects to be queued.
   */
  boolean stopServing(long timeoutMs) {
    try {
      Future<?> f =
          thread.submit(
              () -> {
                stopped = true;
                step(lease.stop(clockMs.getAsLong()));
              });
      f.get(timeoutMs, TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      log.warn("{}: stopping the owner lease failed: {}", self, e.toString());
      return false;
    }
  }

  private void renew() {
    if (stopped) {
      return;
    }
    Optional<NodeId> leader = raft.leaderId();
    if (leader.isEmpty()) {
      return;
    }
    // Read the clock before sending (§5.1): the deadline counts from here.
    OwnerLease.Renewal r = lease.renewalSent(clockMs.getAsLong());
    lease = r.next();
    // A reply later than the lease is useless, so that bounds the call.
    clients.renew(
        leader.get(),
        PeerCodec.toProto(r.request()),
        timing.leaseDurationMs(),
        reply -> execute(() -> received(reply)),
        failure -> measure(() -> metrics.onRenewalFailed(grpcReason(failure))));
    measure(metrics::onRenewalSent);
  }

  private void received(RenewReply reply) {
    if (stopped) {
      return;
    }
    Optional<GrantReply.Grant> grant;
    try {
      grant = PeerCodec.grantFromProto(reply);
    } catch (IllegalArgumentException e) {
      log.warn("{}: malformed grant ignored: {}", self, e.getMessage());
      return;
    }
    if (grant.isEmpty()) {
      Reason reason = reply.getRefusal().getReason();
      log.debug("{}: renewal refused: {}", self, reason);
      measure(() -> metrics.onRenewalFailed(refusalReason(reason)));
      // Join on first start, and again after an expiry; never after an administrator removed
      // the node (it was a member once, and now it is unknown).
      if (reason == Reason.REASON_NODE_EXPIRED
          || (reason == Reason.REASON_UNKNOWN_NODE && !seenAsMember)) {
        rejoin();
      }
      return;
    }
    step(lease.grantReceived(grant.get(), clockMs.getAsLong()));
    long deadlineMs = lease.deadlineMs();
    measure(() -> metrics.onRenewalGranted(deadlineMs));
  }

  /** A refusal as a metrics label: {@code REASON_NODE_EXPIRED} -> {@code node_expired}. */
  static String refusalReason(Reason reason) {
    String name = reason == Reason.UNRECOGNIZED ? "REASON_UNRECOGNIZED" : reason.name();
    return name.substring("REASON_".length()).toLowerCase(java.util.Locale.ROOT);
  }

  /** A failed call as a metrics label: its gRPC status code in lower case. */
  static String grpcReason(Throwable failure) {
    return Status.fromThrowable(failure).getCode().name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Metrics never stop the loop. */
  private void measure(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.warn("{}: node metrics listener failed", self, e);
    }
  }

  /**
   * Joins (again) after the leader said this node is expired or unknown: a new incarnation, so no
   * grant of the old one can ever be mistaken for it. At most once per {@link #REJOIN_MS}.
   */
  private void rejoin() {
    long now = clockMs.getAsLong();
    if (now - lastJoinMs < REJOIN_MS) {
      return;
    }
    lastJoinMs = now;
    raft.submit(new Command.JoinNode(self, raftAddress), Duration.ofMillis(REJOIN_MS))
        .whenComplete(
            (ok, e) -> {
              if (e != null) {
                log.debug("{}: JoinNode not committed: {}", self, e.toString());
              } else {
                log.info("{}: joined again", self);
              }
            });
  }

  private void tick() {
    if (!stopped) {
      step(lease.tick(clockMs.getAsLong()));
    }
  }

  private void step(OwnerLease.Step s) {
    lease = s.next();
    if (!s.effects().isEmpty()) {
      reconciler.submit(s.effects());
    }
  }

  private void execute(Runnable r) {
    try {
      thread.execute(r);
    } catch (RejectedExecutionException closed) {
      // Shutting down.
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
