package io.raftvip.coordinator.leaserpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.InsecureChannelCredentials;
import io.grpc.stub.StreamObserver;
import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.NodeInfo;
import io.raftvip.coordinator.core.NodeStatus;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.coordinator.core.control.ControllerSettings;
import io.raftvip.coordinator.core.lease.GrantReply;
import io.raftvip.coordinator.core.lease.OwnedVip;
import io.raftvip.coordinator.core.lease.RenewRequest;
import io.raftvip.coordinator.core.lease.TimingSettings;
import io.raftvip.coordinator.ratis.RoleInfo;
import io.raftvip.proto.peer.v1.PingReply;
import io.raftvip.proto.peer.v1.PingRequest;
import io.raftvip.proto.peer.v1.Reason;
import io.raftvip.proto.peer.v1.RenewReply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The lease service's rules against a fake Raft node and a fake clock. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class LeaseProtocolTest {

  private static final TimingSettings T = TimingSettings.defaults();
  private static final NodeId N1 = NodeId.of("n1");
  private static final NodeId N2 = NodeId.of("n2");

  private final AtomicLong clock = new AtomicLong(10_000);
  private final FakeRaft raft = new FakeRaft();
  private final PeerClients clients =
      new PeerClients(Map.of(), InsecureChannelCredentials.create());
  private LeaderLoop leader;
  private LeaseService service;

  /** A Raft node whose answers the test sets. */
  static final class FakeRaft implements RaftAccess {
    volatile boolean leader;
    volatile long term = 3;
    volatile RoleInfo role = new RoleInfo.Other(0, 0, "STARTING");
    volatile ClusterState state = ClusterState.EMPTY;
    final List<Command> submitted = new CopyOnWriteArrayList<>();

    @Override
    public boolean isLeader() {
      return leader;
    }

    @Override
    public long term() {
      return term;
    }

    @Override
    public Optional<NodeId> leaderId() {
      return leader ? Optional.of(N1) : Optional.empty();
    }

    @Override
    public RoleInfo roleInfo() {
      return role;
    }

    @Override
    public ClusterState state() {
      return state;
    }

    @Override
    public CompletableFuture<?> submit(Command command, Duration timeout) {
      submitted.add(command);
      return CompletableFuture.completedFuture(null);
    }
  }

  @AfterEach
  void close() {
    if (service != null) {
      service.close();
    }
    if (leader != null) {
      leader.close();
    }
    clients.close();
  }

  private void startSingleVoter() {
    leader =
        new LeaderLoop(N1, Set.of(), T, ControllerSettings.defaults(), raft, clients, clock::get);
    service = new LeaseService(N1, T, raft, leader, clock::get);
  }

  private PingReply ping(NodeId from, long term) throws Exception {
    CompletableFuture<PingReply> f = new CompletableFuture<>();
    service.ping(
        PingRequest.newBuilder().setLeader(from.value()).setTerm(term).setSentAtMs(5).build(),
        observer(f));
    return f.get(5, TimeUnit.SECONDS);
  }

  private RenewReply renew(NodeId node) throws Exception {
    CompletableFuture<RenewReply> f = new CompletableFuture<>();
    service.renew(
        PeerCodec.toProto(new RenewRequest(node, clock.get(), T.leaseDurationMs())), observer(f));
    return f.get(5, TimeUnit.SECONDS);
  }

  private static <V> StreamObserver<V> observer(CompletableFuture<V> f) {
    return new StreamObserver<>() {
      @Override
      public void onNext(V value) {
        f.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        f.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {}
    };
  }

  @Test
  void theWitnessAcknowledgesOnlyItsLeaderAndOnlyAfterTheQuarantine() throws Exception {
    startSingleVoter();
    raft.role = new RoleInfo.Follower(3, 1_000, Optional.of(N2), OptionalLong.of(10));

    // Pings every leaderLeasePingMs, each finding a fresh heartbeat 10 ms old.
    long start = clock.get();
    PingReply ok = ping(N2, 3);
    while (!ok.getAcknowledged() && clock.get() - start < 2 * T.voteQuarantineMs()) {
      clock.addAndGet(T.leaderLeasePingMs());
      ok = ping(N2, 3);
    }
    assertThat(ok.getAcknowledged()).isTrue();
    assertThat(clock.get() - start)
        .as("quarantined for Q after process start")
        .isBetween(T.voteQuarantineMs(), T.voteQuarantineMs() + T.leaderLeasePingMs());
    assertThat(ok.getElapsedSinceHeardMs()).as("rounded up").isEqualTo(11);
    assertThat(ok.getFollower()).isEqualTo("n1");
    assertThat(ok.getSentAtMs()).isEqualTo(5);

    assertThat(ping(N2, 2).getAcknowledged()).as("an older term").isFalse();
    assertThat(ping(NodeId.of("n3"), 3).getAcknowledged()).as("not its leader").isFalse();

    raft.role =
        new RoleInfo.Follower(3, 1_000, Optional.of(N2), OptionalLong.of(T.rpcTimeoutMinMs()));
    assertThat(ping(N2, 3).getAcknowledged())
        .as("not heard for rpcTimeoutMin: it may grant a pre-vote now")
        .isFalse();
    clock.addAndGet(T.leaderLeasePingMs());
    raft.role = new RoleInfo.Follower(3, 1_000, Optional.of(N2), OptionalLong.of(10));
    assertThat(ping(N2, 3).getAcknowledged()).as("quarantined again").isFalse();
  }

  @Test
  void grantsOnlyWhileLeaderAndStopsAtOnceOnNotLeader() throws Exception {
    startSingleVoter();
    VipSpec web = VipSpec.of("web", "198.18.0.50/24");
    raft.state =
        new ClusterState(
            new TreeMap<>(),
            new TreeMap<>(
                Map.of(
                    N1,
                    new NodeInfo(N1, "127.0.0.1:1", new TreeMap<>(), false, NodeStatus.ACTIVE, 1))),
            1);
    assertThat(renew(N1).getRefusal().getReason())
        .as("before onLeaderReady")
        .isEqualTo(Reason.REASON_NOT_LEADER);

    raft.leader = true;
    leader.onLeaderReady(3);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!leader.active() && System.nanoTime() < end) {
      Thread.sleep(1);
    }
    assertThat(leader.active()).isTrue();
    RenewReply granted = renew(N1);
    assertThat(granted.hasGrant()).as("a single voter's lease never lapses").isTrue();
    assertThat(renew(NodeId.of("n9")).getRefusal().getReason())
        .isEqualTo(Reason.REASON_UNKNOWN_NODE);

    raft.leader = false;
    assertThat(renew(N1).getRefusal().getReason())
        .as("isLeader() is re-read at every grant, before onNotLeader arrives")
        .isEqualTo(Reason.REASON_NOT_LEADER);
    raft.leader = true;
    leader.onNotLeader();
    assertThat(leader.active()).isFalse();
    assertThat(renew(N1).getRefusal().getReason()).isEqualTo(Reason.REASON_NOT_LEADER);
  }

  @Test
  void aGrantSurvivesTheWireWithEveryField() {
    VipSpec spec = VipSpec.of("db", "2001:db8::50/64").withPriorities(Map.of(N1, 200, N2, 50));
    GrantReply.Grant g =
        GrantReply.Grant.of(-123, 42, Map.of(spec.name(), new OwnedVip(spec, 17, true)));
    RenewReply wire = PeerCodec.toProto(g);
    assertThat(PeerCodec.grantFromProto(wire)).contains(g);
    assertThat(
            PeerCodec.grantFromProto(
                PeerCodec.toProto(new GrantReply.Refusal(7, GrantReply.Reason.NODE_EXPIRING))))
        .isEmpty();
    assertThat(
            PeerCodec.toProto(new GrantReply.Refusal(7, GrantReply.Reason.NODE_EXPIRING))
                .getRefusal()
                .getReason())
        .isEqualTo(Reason.REASON_NODE_EXPIRING);
    RenewRequest r = new RenewRequest(N2, -5, 200);
    assertThat(PeerCodec.fromProto(PeerCodec.toProto(r))).isEqualTo(r);
    assertThat(VipName.of("db")).isEqualTo(spec.name());
  }
}
