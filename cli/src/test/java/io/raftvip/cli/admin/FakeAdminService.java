package io.raftvip.cli.admin;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
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
import io.raftvip.proto.admin.v1.LeaderChanged;
import io.raftvip.proto.admin.v1.ListNodesRequest;
import io.raftvip.proto.admin.v1.ListNodesResponse;
import io.raftvip.proto.admin.v1.ListVipsRequest;
import io.raftvip.proto.admin.v1.ListVipsResponse;
import io.raftvip.proto.admin.v1.MoveVipRequest;
import io.raftvip.proto.admin.v1.Node;
import io.raftvip.proto.admin.v1.NodeChanged;
import io.raftvip.proto.admin.v1.NodeStatus;
import io.raftvip.proto.admin.v1.OwnershipState;
import io.raftvip.proto.admin.v1.RemoveNodeRequest;
import io.raftvip.proto.admin.v1.RemoveNodeResponse;
import io.raftvip.proto.admin.v1.TransferLeadershipRequest;
import io.raftvip.proto.admin.v1.TransferLeadershipResponse;
import io.raftvip.proto.admin.v1.UndrainNodeRequest;
import io.raftvip.proto.admin.v1.UpdateVipRequest;
import io.raftvip.proto.admin.v1.Vip;
import io.raftvip.proto.admin.v1.VipAssigned;
import io.raftvip.proto.admin.v1.VipChanged;
import io.raftvip.proto.admin.v1.VipReleased;
import io.raftvip.proto.admin.v1.VipSpec;
import io.raftvip.proto.admin.v1.WatchEventsRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * An in-memory AdminService that answers with the statuses admin.proto documents: enough state
 * (VIPs, nodes, leader, an event log) for every admin command. Moves and drains settle only after
 * {@link #settleAfterReads} further reads, as a real cluster answers before the new owner is in
 * place. Thread-safe by one lock.
 */
final class FakeAdminService extends AdminServiceGrpc.AdminServiceImplBase {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private final Map<String, Vip> vips = new TreeMap<>();
  private final Map<String, Node> nodes = new TreeMap<>();
  private final List<Event> log = new ArrayList<>();
  private final List<StreamObserver<Event>> watchers = new ArrayList<>();
  private final Map<String, String> pendingMoves = new LinkedHashMap<>();
  private final String answeredBy;
  private String leader = "n1";
  private long term = 3;
  private long index = 100;
  private long epoch = 0;
  private int readsUntilSettled;

  /** Reads (GetVip, ListVips, ListNodes) before a pending move completes; -1: never. */
  volatile int settleAfterReads = 2;

  /** Every call fails with UNAVAILABLE as a node without quorum answers. */
  volatile boolean noQuorum;

  /** Log entries below this are compacted: WatchEvents from older indexes is OUT_OF_RANGE. */
  volatile long oldestKept = 1;

  FakeAdminService(String answeredBy) {
    this.answeredBy = answeredBy;
    for (int i = 1; i <= 3; i++) {
      nodes.put(
          "n" + i,
          Node.newBuilder()
              .setId("n" + i)
              .setRaftAddress("198.18.0.1" + i + ":7101")
              .setAdminAddress("198.18.0.1" + i + ":7100")
              .setStatus(NodeStatus.NODE_STATUS_ACTIVE)
              .putHealth("web", true)
              .build());
    }
  }

  // ---- test API ----

  /** Creates a VIP directly, as if committed earlier; returns its event index. */
  synchronized long seedVip(String name, String cidr, String owner) {
    VipSpec spec =
        VipSpec.newBuilder()
            .setName(name)
            .setAddress(io.raftvip.proto.common.v1.IpPrefix.newBuilder().setCidr(cidr))
            .build();
    Vip v = assign(Vip.newBuilder().setSpec(spec).build(), owner, "created");
    vips.put(name, v);
    return index;
  }

  synchronized Vip vip(String name) {
    return vips.get(name);
  }

  synchronized Node node(String id) {
    return node0(id);
  }

  synchronized String leader() {
    return leader;
  }

  synchronized int watcherCount() {
    return watchers.size();
  }

  synchronized long lastIndex() {
    return index;
  }

  /** Appends a leader change to the log (a live event for watchers). */
  synchronized void electLeader(String id) {
    leader = id;
    term++;
    append(
        Event.newBuilder()
            .setLeaderChanged(LeaderChanged.newBuilder().setLeaderId(id).setTerm(term)));
  }

  // ---- AdminService ----

  @Override
  public synchronized void getClusterStatus(
      GetClusterStatusRequest request, StreamObserver<ClusterStatus> out) {
    if (refuse(out)) {
      return;
    }
    reply(
        out,
        ClusterStatus.newBuilder()
            .setClusterId("2f6c0a3e-8d1b-4c8e-9a57-3f5e2b1c4d6e")
            .setLeaderId(leader)
            .setTerm(term)
            .setCommitIndex(index)
            .setAppliedIndex(index)
            .setAnsweredBy(answeredBy)
            .setHasQuorum(true)
            .addAllNodes(nodeList())
            .build());
  }

  @Override
  public synchronized void createVip(CreateVipRequest request, StreamObserver<Vip> out) {
    if (refuse(out)) {
      return;
    }
    VipSpec spec = request.getSpec();
    if (!NAME.matcher(spec.getName()).matches()) {
      fail(out, Status.INVALID_ARGUMENT, "spec.name \"" + spec.getName() + "\" is invalid");
      return;
    }
    if (vips.containsKey(spec.getName())) {
      fail(out, Status.ALREADY_EXISTS, "vip \"" + spec.getName() + "\" already exists");
      return;
    }
    for (Vip v : vips.values()) {
      if (v.getSpec().getAddress().getCidr().equals(spec.getAddress().getCidr())) {
        fail(
            out,
            Status.ALREADY_EXISTS,
            "address "
                + spec.getAddress().getCidr()
                + " is already used by vip \""
                + v.getSpec().getName()
                + "\"");
        return;
      }
    }
    String owner = best(spec, null);
    Vip v = Vip.newBuilder().setSpec(spec).setLeaseRemainingMs(-1).build();
    v = owner == null ? unowned(v) : assign(v, owner, "created");
    vips.put(spec.getName(), v);
    reply(out, v);
  }

  @Override
  public synchronized void updateVip(UpdateVipRequest request, StreamObserver<Vip> out) {
    if (refuse(out)) {
      return;
    }
    VipSpec spec = request.getSpec();
    Vip old = vips.get(spec.getName());
    if (old == null) {
      notFound(out, spec.getName());
      return;
    }
    if (!old.getSpec().getAddress().equals(spec.getAddress())) {
      fail(
          out,
          Status.INVALID_ARGUMENT,
          "spec.address of vip \""
              + spec.getName()
              + "\" may not change (is "
              + old.getSpec().getAddress().getCidr()
              + "); delete and create instead");
      return;
    }
    Vip v = old.toBuilder().setSpec(spec).build();
    vips.put(spec.getName(), v);
    append(Event.newBuilder().setVipChanged(VipChanged.newBuilder().setVip(v)));
    reply(out, v);
  }

  @Override
  public synchronized void deleteVip(
      DeleteVipRequest request, StreamObserver<DeleteVipResponse> out) {
    if (refuse(out)) {
      return;
    }
    Vip v = vips.remove(request.getName());
    if (v == null) {
      notFound(out, request.getName());
      return;
    }
    append(Event.newBuilder().setVipChanged(VipChanged.newBuilder().setVip(v).setDeleted(true)));
    reply(out, DeleteVipResponse.getDefaultInstance());
  }

  @Override
  public synchronized void getVip(GetVipRequest request, StreamObserver<Vip> out) {
    if (refuse(out)) {
      return;
    }
    read();
    Vip v = vips.get(request.getName());
    if (v == null) {
      notFound(out, request.getName());
      return;
    }
    reply(out, v);
  }

  @Override
  public synchronized void listVips(ListVipsRequest request, StreamObserver<ListVipsResponse> out) {
    if (refuse(out)) {
      return;
    }
    read();
    reply(out, ListVipsResponse.newBuilder().addAllVips(vips.values()).build());
  }

  @Override
  public synchronized void moveVip(MoveVipRequest request, StreamObserver<Vip> out) {
    if (refuse(out)) {
      return;
    }
    Vip v = vips.get(request.getName());
    if (v == null) {
      notFound(out, request.getName());
      return;
    }
    String target = request.getTargetNode();
    if (!target.isEmpty()) {
      Node n = nodes.get(target);
      if (n == null) {
        fail(out, Status.NOT_FOUND, "node \"" + target + "\" not found");
        return;
      }
      if (n.getDrained()) {
        fail(
            out,
            Status.FAILED_PRECONDITION,
            "cannot move vip \"" + v.getSpec().getName() + "\" to drained node \"" + target + "\"");
        return;
      }
    } else {
      target = best(v.getSpec(), v.getOwner());
      if (target == null) {
        fail(
            out,
            Status.FAILED_PRECONDITION,
            "no other eligible node for vip \"" + v.getSpec().getName() + "\"");
        return;
      }
    }
    v = release(v, target, "move");
    reply(out, v);
  }

  @Override
  public synchronized void listNodes(
      ListNodesRequest request, StreamObserver<ListNodesResponse> out) {
    if (refuse(out)) {
      return;
    }
    read();
    reply(out, ListNodesResponse.newBuilder().addAllNodes(nodeList()).build());
  }

  @Override
  public synchronized void drainNode(DrainNodeRequest request, StreamObserver<Node> out) {
    if (refuse(out)) {
      return;
    }
    Node n = nodes.get(request.getId());
    if (n == null) {
      fail(out, Status.NOT_FOUND, "node \"" + request.getId() + "\" not found");
      return;
    }
    nodes.put(n.getId(), n.toBuilder().setDrained(true).build());
    append(Event.newBuilder().setNodeChanged(NodeChanged.newBuilder().setNode(node0(n.getId()))));
    for (Vip v : new ArrayList<>(vips.values())) {
      if (v.getOwner().equals(n.getId())) {
        String target = best(v.getSpec(), n.getId());
        if (target != null) {
          release(v, target, "drain");
        }
      }
    }
    reply(out, node0(n.getId()));
  }

  @Override
  public synchronized void undrainNode(UndrainNodeRequest request, StreamObserver<Node> out) {
    if (refuse(out)) {
      return;
    }
    Node n = nodes.get(request.getId());
    if (n == null) {
      fail(out, Status.NOT_FOUND, "node \"" + request.getId() + "\" not found");
      return;
    }
    nodes.put(n.getId(), n.toBuilder().setDrained(false).build());
    append(Event.newBuilder().setNodeChanged(NodeChanged.newBuilder().setNode(node0(n.getId()))));
    reply(out, node0(n.getId()));
  }

  @Override
  public synchronized void addNode(AddNodeRequest request, StreamObserver<Node> out) {
    if (refuse(out)) {
      return;
    }
    if (nodes.containsKey(request.getId())) {
      fail(out, Status.ALREADY_EXISTS, "node \"" + request.getId() + "\" is already a member");
      return;
    }
    Node n =
        Node.newBuilder()
            .setId(request.getId())
            .setRaftAddress(request.getRaftAddress())
            .setAdminAddress(request.getAdminAddress())
            .setStatus(NodeStatus.NODE_STATUS_ACTIVE)
            .build();
    nodes.put(n.getId(), n);
    append(Event.newBuilder().setNodeChanged(NodeChanged.newBuilder().setNode(n)));
    reply(out, node0(n.getId()));
  }

  @Override
  public synchronized void removeNode(
      RemoveNodeRequest request, StreamObserver<RemoveNodeResponse> out) {
    if (refuse(out)) {
      return;
    }
    Node n = nodes.get(request.getId());
    if (n == null) {
      fail(out, Status.NOT_FOUND, "node \"" + request.getId() + "\" not found");
      return;
    }
    if (!node0(n.getId()).getOwnedVipsList().isEmpty()) {
      fail(
          out,
          Status.FAILED_PRECONDITION,
          "node \"" + n.getId() + "\" still owns VIPs; drain it first");
      return;
    }
    nodes.remove(n.getId());
    append(Event.newBuilder().setNodeChanged(NodeChanged.newBuilder().setNode(n).setRemoved(true)));
    reply(out, RemoveNodeResponse.getDefaultInstance());
  }

  @Override
  public synchronized void transferLeadership(
      TransferLeadershipRequest request, StreamObserver<TransferLeadershipResponse> out) {
    if (refuse(out)) {
      return;
    }
    String target = request.getTargetNode();
    if (!target.isEmpty() && !nodes.containsKey(target)) {
      fail(out, Status.NOT_FOUND, "node \"" + target + "\" not found");
      return;
    }
    if (target.isEmpty()) {
      target = nodes.keySet().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    }
    electLeader(target);
    reply(out, TransferLeadershipResponse.newBuilder().setNewLeader(target).build());
  }

  @Override
  public synchronized void watchEvents(WatchEventsRequest request, StreamObserver<Event> out) {
    if (refuse(out)) {
      return;
    }
    long from = request.getFromIndex();
    if (from != 0 && from < oldestKept) {
      fail(
          out,
          Status.OUT_OF_RANGE,
          "index " + from + " is compacted; the oldest available index is " + oldestKept);
      return;
    }
    if (from != 0) {
      for (Event e : log) {
        if (e.getIndex() >= from) {
          out.onNext(e);
        }
      }
    }
    // Held open: later events go to every watcher; the client's cancel or deadline ends it.
    watchers.add(out);
    ((ServerCallStreamObserver<Event>) out).setOnCancelHandler(() -> unwatch(out));
  }

  private synchronized void unwatch(StreamObserver<Event> out) {
    watchers.remove(out);
  }

  // ---- internals ----

  private boolean refuse(StreamObserver<?> out) {
    if (noQuorum) {
      fail(out, Status.UNAVAILABLE, "no quorum: 1 of 3 voters reachable from " + answeredBy);
      return true;
    }
    return false;
  }

  private static void fail(StreamObserver<?> out, Status status, String message) {
    out.onError(status.withDescription(message).asRuntimeException());
  }

  private static void notFound(StreamObserver<?> out, String name) {
    fail(out, Status.NOT_FOUND, "vip \"" + name + "\" not found");
  }

  private static <T> void reply(StreamObserver<T> out, T value) {
    out.onNext(value);
    out.onCompleted();
  }

  /** The eligible node with the highest priority other than {@code not}, by id on ties. */
  private String best(VipSpec spec, String not) {
    String best = null;
    int bestPriority = -1;
    for (Node n : nodes.values()) {
      if (n.getDrained() || n.getId().equals(not)) {
        continue;
      }
      int p =
          spec.getPrioritiesCount() == 0
              ? 100
              : spec.getPrioritiesMap().getOrDefault(n.getId(), -1);
      if (p > bestPriority) {
        best = n.getId();
        bestPriority = p;
      }
    }
    return best;
  }

  private Vip assign(Vip v, String owner, String reason) {
    epoch++;
    Vip assigned =
        v.toBuilder()
            .setState(OwnershipState.OWNERSHIP_STATE_OWNED)
            .setOwner(owner)
            .setEpoch(epoch)
            .clearMoveTarget()
            .setLeaseRemainingMs(1500)
            .setLastAnnouncementUnixMs(1_764_000_000_000L)
            .build();
    append(
        Event.newBuilder()
            .setVipAssigned(
                VipAssigned.newBuilder()
                    .setVip(v.getSpec().getName())
                    .setOwner(owner)
                    .setEpoch(epoch)
                    .setReason(reason)));
    return assigned;
  }

  private static Vip unowned(Vip v) {
    return v.toBuilder().setState(OwnershipState.OWNERSHIP_STATE_UNOWNED).clearOwner().build();
  }

  private Vip release(Vip v, String target, String reason) {
    Vip releasing =
        v.toBuilder()
            .setState(OwnershipState.OWNERSHIP_STATE_RELEASING)
            .setMoveTarget(target)
            .build();
    vips.put(v.getSpec().getName(), releasing);
    pendingMoves.put(v.getSpec().getName(), target);
    readsUntilSettled = settleAfterReads;
    append(
        Event.newBuilder()
            .setVipReleased(
                VipReleased.newBuilder()
                    .setVip(v.getSpec().getName())
                    .setPreviousOwner(v.getOwner())
                    .setEpoch(v.getEpoch())
                    .setReason(reason)));
    return releasing;
  }

  /** A read: counts toward settling pending moves. */
  private void read() {
    if (pendingMoves.isEmpty() || settleAfterReads < 0) {
      return;
    }
    if (readsUntilSettled-- > 0) {
      return;
    }
    pendingMoves.forEach(
        (name, target) -> {
          Vip v = vips.get(name);
          if (v != null) {
            vips.put(name, assign(v, target, "move"));
          }
        });
    pendingMoves.clear();
  }

  private Node node0(String id) {
    Node n = nodes.get(id);
    if (n == null) {
      return null;
    }
    List<String> owned = new ArrayList<>();
    for (Vip v : vips.values()) {
      if (v.getOwner().equals(id)) {
        owned.add(v.getSpec().getName());
      }
    }
    return n.toBuilder()
        .setLeader(id.equals(leader))
        .clearOwnedVips()
        .addAllOwnedVips(owned)
        .build();
  }

  private List<Node> nodeList() {
    List<Node> list = new ArrayList<>();
    for (String id : nodes.keySet()) {
      list.add(node0(id));
    }
    return list;
  }

  private void append(Event.Builder e) {
    index++;
    Event event = e.setIndex(index).setUnixMs(1_764_000_000_000L + index).build();
    log.add(event);
    for (StreamObserver<Event> w : new ArrayList<>(watchers)) {
      w.onNext(event);
    }
  }
}
