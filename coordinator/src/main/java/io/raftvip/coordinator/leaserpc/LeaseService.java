package io.raftvip.coordinator.leaserpc;

import io.grpc.stub.StreamObserver;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.lease.FollowerView;
import io.raftvip.coordinator.core.lease.LeaseWitness;
import io.raftvip.coordinator.core.lease.TimingSettings;
import io.raftvip.coordinator.ratis.RoleInfo;
import io.raftvip.proto.peer.v1.PeerServiceGrpc;
import io.raftvip.proto.peer.v1.PingReply;
import io.raftvip.proto.peer.v1.PingRequest;
import io.raftvip.proto.peer.v1.RenewReply;
import io.raftvip.proto.peer.v1.RenewRequest;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The {@code raftvip.peer.v1.PeerService} of one node. Ping: the follower witness (docs/safety.md
 * §5.4, §8.3), one per process, confined to its own thread {@code raftvip-witness-<node>}; a ping
 * that does not fit its bounded queue gets no acknowledgement. Renew: handed to the {@link
 * LeaderLoop}, which refuses with NOT_LEADER unless it is an active leader.
 */
final class LeaseService extends PeerServiceGrpc.PeerServiceImplBase implements AutoCloseable {

  static final int WITNESS_QUEUE_MAX = 256;

  private final NodeId self;
  private final TimingSettings timing;
  private final RaftAccess raft;
  private final LeaderLoop leader;
  private final LongSupplier clockMs;
  private final ThreadPoolExecutor witnessThread;
  // Confined to the witness thread.
  private LeaseWitness witness;

  LeaseService(
      NodeId self,
      TimingSettings timing,
      RaftAccess raft,
      LeaderLoop leader,
      LongSupplier clockMs) {
    this.self = Objects.requireNonNull(self, "self");
    this.timing = Objects.requireNonNull(timing, "timing");
    this.raft = Objects.requireNonNull(raft, "raft");
    this.leader = Objects.requireNonNull(leader, "leader");
    this.clockMs = Objects.requireNonNull(clockMs, "clockMs");
    // Quarantined from process start: an earlier process on this node may have pre-voted.
    this.witness = LeaseWitness.start(clockMs.getAsLong(), timing);
    this.witnessThread =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(WITNESS_QUEUE_MAX),
            r -> LeaderLoop.named(r, "raftvip-witness-" + self.value()));
  }

  @Override
  public void ping(PingRequest request, StreamObserver<PingReply> reply) {
    try {
      witnessThread.execute(() -> answer(request, reply));
    } catch (RejectedExecutionException full) {
      reply.onNext(silent(request));
      reply.onCompleted();
    }
  }

  @Override
  public void renew(RenewRequest request, StreamObserver<RenewReply> reply) {
    leader.renew(request, reply);
  }

  private void answer(PingRequest request, StreamObserver<PingReply> reply) {
    PingReply out = silent(request);
    NodeId pingLeader;
    try {
      pingLeader = NodeId.of(request.getLeader());
    } catch (IllegalArgumentException e) {
      reply.onNext(out);
      reply.onCompleted();
      return;
    }
    // Clock first, role second: a later elapsed reading makes "last heard" earlier, never later.
    long now = clockMs.getAsLong();
    RoleInfo role = raft.roleInfo();
    FollowerView view = FollowerView.none(role.term());
    if (role instanceof RoleInfo.Follower f
        && f.leader().isPresent()
        && f.leaderLastRpcElapsedMs().isPresent()) {
      // Ratis reports whole milliseconds; add one to round up.
      view =
          new FollowerView(f.leader(), f.term(), now - f.leaderLastRpcElapsedMs().getAsLong() - 1);
    }
    LeaseWitness.Answer a = witness.onPing(pingLeader, request.getTerm(), view, now, timing);
    witness = a.next();
    if (a.acknowledged()) {
      out =
          out.toBuilder()
              .setAcknowledged(true)
              .setElapsedSinceHeardMs(a.elapsedSinceHeardMs().getAsLong())
              .build();
    }
    reply.onNext(out);
    reply.onCompleted();
  }

  private PingReply silent(PingRequest request) {
    return PingReply.newBuilder()
        .setFollower(self.value())
        .setSentAtMs(request.getSentAtMs())
        .setAcknowledged(false)
        .build();
  }

  @Override
  public void close() {
    witnessThread.shutdownNow();
  }
}
