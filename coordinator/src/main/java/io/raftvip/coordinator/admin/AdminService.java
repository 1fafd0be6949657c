package io.raftvip.coordinator.admin;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.raftvip.coordinator.api.RaftVipNode;
import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.NodeInfo;
import io.raftvip.coordinator.core.NodeStatus;
import io.raftvip.coordinator.core.Rejection;
import io.raftvip.coordinator.core.Vip;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.proto.admin.v1.AddNodeRequest;
import io.raftvip.proto.admin.v1.AdminServiceGrpc;
import io.raftvip.proto.admin.v1.ClusterStatus;
import io.raftvip.proto.admin.v1.CreateVipRequest;
import io.raftvip.proto.admin.v1.DeleteVipRequest;
import io.raftvip.proto.admin.v1.DeleteVipResponse;
import io.raftvip.proto.admin.v1.DrainNodeRequest;
import io.raftvip.proto.admin.v1.Event;
import io.raftvip.proto.admin.v1.GetClusterStatusRequest;
import io.raftvip.proto.admin.v1.GetVipRequest;
import io.raftvip.proto.admin.v1.ListNodesRequest;
import io.raftvip.proto.admin.v1.ListNodesResponse;
import io.raftvip.proto.admin.v1.ListVipsRequest;
import io.raftvip.proto.admin.v1.ListVipsResponse;
import io.raftvip.proto.admin.v1.MoveVipRequest;
import io.raftvip.proto.admin.v1.Node;
import io.raftvip.proto.admin.v1.RemoveNodeRequest;
import io.raftvip.proto.admin.v1.RemoveNodeResponse;
import io.raftvip.proto.admin.v1.TransferLeadershipRequest;
import io.raftvip.proto.admin.v1.TransferLeadershipResponse;
import io.raftvip.proto.admin.v1.UndrainNodeRequest;
import io.raftvip.proto.admin.v1.UpdateVipRequest;
import io.raftvip.proto.admin.v1.WatchEventsRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@code raftvip.admin.v1.AdminService} over one embedded node. Reads answer from this node's
 * applied state (a follower may lag the leader by a few milliseconds); writes are Raft commands,
 * committed through the leader wherever the call lands, and answered with the state read back
 * linearizably. Validation happens here (INVALID_ARGUMENT naming the field) and again in the state
 * machine (the authoritative check), so nothing half-valid enters the log.
 */
public final class AdminService extends AdminServiceGrpc.AdminServiceImplBase {

  /** Deadline used when the client sets none. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** Longest wait a client deadline can ask for. */
  static final Duration TIMEOUT_MAX = Duration.ofSeconds(60);

  private final RaftVipNode node;
  private final Map<NodeId, String> adminAddresses;
  private final AdminEventLog events;

  /**
   * @param node the node this server fronts
   * @param adminAddresses every member's admin API address ("host:port"), for status and redirects
   * @param events the event log fed by the node (see {@link RaftVipNode.Builder#observer})
   */
  public AdminService(RaftVipNode node, Map<NodeId, String> adminAddresses, AdminEventLog events) {
    this.node = Objects.requireNonNull(node, "node");
    this.adminAddresses = Map.copyOf(adminAddresses);
    this.events = Objects.requireNonNull(events, "events");
  }

  /** The admin address of {@code id}, "" when unknown; for {@link AdminEventLog}. */
  public static Function<NodeId, String> addressBook(Map<NodeId, String> adminAddresses) {
    Map<NodeId, String> copy = Map.copyOf(adminAddresses);
    return id -> copy.getOrDefault(id, "");
  }

  // ---------------------------------------------------------------------------------------------
  // Status

  @Override
  public void getClusterStatus(GetClusterStatusRequest req, StreamObserver<ClusterStatus> out) {
    ClusterState s = node.state();
    Optional<NodeId> leader = node.leaderId();
    ClusterStatus.Builder b =
        ClusterStatus.newBuilder()
            .setClusterId(node.groupId().toString())
            .setLeaderId(leader.map(NodeId::value).orElse(""))
            .setTerm(node.term())
            .setCommitIndex(node.commitIndex())
            .setAppliedIndex(node.appliedIndex())
            .setAnsweredBy(node.id().value())
            .setHasQuorum(leader.isPresent());
    for (RaftVipNode.Member m : node.members()) {
      b.addNodes(nodeProto(m.id(), s, leader));
    }
    // Nodes in the replicated state that are not configured voters (removed, or not yet known).
    for (NodeInfo n : s.nodes().values()) {
      if (node.members().stream().noneMatch(m -> m.id().equals(n.id()))) {
        b.addNodes(nodeProto(n.id(), s, leader));
      }
    }
    finish(out, b.build());
  }

  private Node nodeProto(NodeId id, ClusterState s, Optional<NodeId> leader) {
    boolean isLeader = leader.map(id::equals).orElse(false);
    String admin = adminAddresses.getOrDefault(id, "");
    return s.node(id)
        .map(n -> AdminMapping.toProto(n, s, admin, isLeader))
        .orElseGet(
            () ->
                Node.newBuilder()
                    .setId(id.value())
                    .setRaftAddress(raftAddressOf(id))
                    .setAdminAddress(admin)
                    .setStatus(io.raftvip.proto.admin.v1.NodeStatus.NODE_STATUS_EXPIRED)
                    .setLeader(isLeader)
                    .build());
  }

  private String raftAddressOf(NodeId id) {
    return node.members().stream()
        .filter(m -> m.id().equals(id))
        .findFirst()
        .map(m -> m.host() + ":" + m.raftPort())
        .orElse("");
  }

  // ---------------------------------------------------------------------------------------------
  // VIPs

  @Override
  public void createVip(CreateVipRequest req, StreamObserver<io.raftvip.proto.admin.v1.Vip> out) {
    run(
        out,
        () -> {
          if (!req.hasSpec()) {
            throw AdminStatus.invalid("spec", "is missing");
          }
          var spec = AdminMapping.spec(req.getSpec());
          return writeThenReadVip(new Command.CreateVip(spec), spec.name());
        });
  }

  @Override
  public void updateVip(UpdateVipRequest req, StreamObserver<io.raftvip.proto.admin.v1.Vip> out) {
    run(
        out,
        () -> {
          if (!req.hasSpec()) {
            throw AdminStatus.invalid("spec", "is missing");
          }
          var spec = AdminMapping.spec(req.getSpec());
          return writeThenReadVip(new Command.UpdateVip(spec), spec.name());
        });
  }

  @Override
  public void deleteVip(DeleteVipRequest req, StreamObserver<DeleteVipResponse> out) {
    run(
        out,
        () -> {
          VipName name = AdminMapping.vipName("name", req.getName());
          return node.submit(new Command.DeleteVip(name), timeout())
              .thenApply(ok -> DeleteVipResponse.getDefaultInstance());
        });
  }

  @Override
  public void getVip(GetVipRequest req, StreamObserver<io.raftvip.proto.admin.v1.Vip> out) {
    run(
        out,
        () -> {
          VipName name = AdminMapping.vipName("name", req.getName());
          Vip v =
              node.state().vip(name).orElseThrow(() -> notFound(new Rejection.UnknownVip(name)));
          return CompletableFuture.completedFuture(AdminMapping.toProto(v));
        });
  }

  @Override
  public void listVips(ListVipsRequest req, StreamObserver<ListVipsResponse> out) {
    ListVipsResponse.Builder b = ListVipsResponse.newBuilder();
    for (Vip v : node.state().vips().values()) {
      b.addVips(AdminMapping.toProto(v));
    }
    finish(out, b.build());
  }

  @Override
  public void moveVip(MoveVipRequest req, StreamObserver<io.raftvip.proto.admin.v1.Vip> out) {
    run(
        out,
        () -> {
          VipName name = AdminMapping.vipName("name", req.getName());
          Optional<NodeId> target =
              req.getTargetNode().isEmpty()
                  ? Optional.empty()
                  : Optional.of(AdminMapping.nodeId("target_node", req.getTargetNode()));
          return writeThenReadVip(new Command.MoveVip(name, target, OptionalLong.empty()), name);
        });
  }

  private CompletableFuture<io.raftvip.proto.admin.v1.Vip> writeThenReadVip(
      Command c, VipName name) {
    Duration t = timeout();
    return node.submit(c, t)
        .thenCompose(ok -> node.readVip(name, t))
        .thenApply(
            v ->
                AdminMapping.toProto(
                    v.orElseThrow(() -> notFound(new Rejection.UnknownVip(name)))));
  }

  // ---------------------------------------------------------------------------------------------
  // Nodes

  @Override
  public void listNodes(ListNodesRequest req, StreamObserver<ListNodesResponse> out) {
    ClusterState s = node.state();
    Optional<NodeId> leader = node.leaderId();
    ListNodesResponse.Builder b = ListNodesResponse.newBuilder();
    for (NodeInfo n : s.nodes().values()) {
      b.addNodes(nodeProto(n.id(), s, leader));
    }
    finish(out, b.build());
  }

  @Override
  public void drainNode(DrainNodeRequest req, StreamObserver<Node> out) {
    setDrained(req.getId(), true, out);
  }

  @Override
  public void undrainNode(UndrainNodeRequest req, StreamObserver<Node> out) {
    setDrained(req.getId(), false, out);
  }

  private void setDrained(String rawId, boolean drained, StreamObserver<Node> out) {
    run(
        out,
        () -> {
          NodeId id = AdminMapping.nodeId("id", rawId);
          Duration t = timeout();
          return node.submit(new Command.SetDrained(id, drained), t)
              .thenCompose(ok -> node.readState(t))
              .thenApply(
                  s -> {
                    if (s.node(id).isEmpty()) {
                      throw notFound(new Rejection.UnknownNode(id));
                    }
                    return nodeProto(id, s, node.leaderId());
                  });
        });
  }

  @Override
  public void addNode(AddNodeRequest req, StreamObserver<Node> out) {
    out.onError(membershipUnsupported());
  }

  @Override
  public void removeNode(RemoveNodeRequest req, StreamObserver<RemoveNodeResponse> out) {
    out.onError(membershipUnsupported());
  }

  private static StatusRuntimeException membershipUnsupported() {
    return Status.UNIMPLEMENTED
        .withDescription(
            "online membership changes are not supported by this version: leases are proven for"
                + " the configured voters only (docs/safety.md). Change cluster.peers in every"
                + " node's config and restart the nodes one at a time (docs/operations.md)")
        .asRuntimeException();
  }

  @Override
  public void transferLeadership(
      TransferLeadershipRequest req, StreamObserver<TransferLeadershipResponse> out) {
    run(
        out,
        () -> {
          NodeId target;
          if (req.getTargetNode().isEmpty()) {
            Optional<NodeId> leader = node.leaderId();
            ClusterState s = node.state();
            target =
                node.members().stream()
                    .map(RaftVipNode.Member::id)
                    .filter(id -> leader.map(l -> !l.equals(id)).orElse(true))
                    .filter(
                        id -> s.node(id).map(n -> n.status() == NodeStatus.ACTIVE).orElse(false))
                    .findFirst()
                    .orElseThrow(
                        () ->
                            Status.FAILED_PRECONDITION
                                .withDescription("no other active member can take leadership")
                                .asRuntimeException());
          } else {
            target = AdminMapping.nodeId("target_node", req.getTargetNode());
            if (node.members().stream().noneMatch(m -> m.id().equals(target))) {
              throw Status.NOT_FOUND
                  .withDescription("node " + target + " is not a voting member")
                  .asRuntimeException();
            }
          }
          return node.transferLeadership(target, timeout())
              .thenApply(
                  ok ->
                      TransferLeadershipResponse.newBuilder().setNewLeader(target.value()).build());
        });
  }

  // ---------------------------------------------------------------------------------------------
  // Events

  @Override
  public void watchEvents(WatchEventsRequest req, StreamObserver<Event> out) {
    events.subscribe(req.getFromIndex(), (ServerCallStreamObserver<Event>) out);
  }

  // ---------------------------------------------------------------------------------------------

  private static StatusRuntimeException notFound(Rejection r) {
    return AdminStatus.of(r).asRuntimeException();
  }

  /** The client's deadline (bounded), or the default. */
  static Duration timeout() {
    Deadline d = Context.current().getDeadline();
    if (d == null) {
      return DEFAULT_TIMEOUT;
    }
    long ms = d.timeRemaining(TimeUnit.MILLISECONDS);
    if (ms <= 0) {
      throw Status.DEADLINE_EXCEEDED
          .withDescription("the call's deadline passed before it started")
          .asRuntimeException();
    }
    return Duration.ofMillis(Math.min(ms, TIMEOUT_MAX.toMillis()));
  }

  private interface Call<T> {
    CompletableFuture<T> start();
  }

  private static <T> void run(StreamObserver<T> out, Call<T> call) {
    CompletableFuture<T> f;
    try {
      f = call.start();
    } catch (RuntimeException e) {
      out.onError(AdminStatus.of(e).asRuntimeException());
      return;
    }
    f.whenComplete(
        (v, e) -> {
          if (e != null) {
            out.onError(AdminStatus.of(e).asRuntimeException());
          } else {
            finish(out, v);
          }
        });
  }

  private static <T> void finish(StreamObserver<T> out, T value) {
    out.onNext(value);
    out.onCompleted();
  }
}
