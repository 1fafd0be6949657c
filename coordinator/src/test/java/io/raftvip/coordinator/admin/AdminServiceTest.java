package io.raftvip.coordinator.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.raftvip.coordinator.api.RaftVipNode;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.NodeStatus;
import io.raftvip.coordinator.core.lease.TimingSettings;
import io.raftvip.coordinator.reconcile.InMemoryDataPlane;
import io.raftvip.proto.admin.v1.AdminServiceGrpc;
import io.raftvip.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.raftvip.proto.admin.v1.CreateVipRequest;
import io.raftvip.proto.admin.v1.DeleteVipRequest;
import io.raftvip.proto.admin.v1.DrainNodeRequest;
import io.raftvip.proto.admin.v1.Event;
import io.raftvip.proto.admin.v1.GetClusterStatusRequest;
import io.raftvip.proto.admin.v1.GetVipRequest;
import io.raftvip.proto.admin.v1.ListVipsRequest;
import io.raftvip.proto.admin.v1.MoveVipRequest;
import io.raftvip.proto.admin.v1.OwnershipState;
import io.raftvip.proto.admin.v1.TransferLeadershipRequest;
import io.raftvip.proto.admin.v1.UndrainNodeRequest;
import io.raftvip.proto.admin.v1.UpdateVipRequest;
import io.raftvip.proto.admin.v1.Vip;
import io.raftvip.proto.admin.v1.VipSpec;
import io.raftvip.proto.admin.v1.WatchEventsRequest;
import io.raftvip.proto.common.v1.IpPrefix;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API over a real three-node cluster (Ratis, leases, in-memory data planes), one
 * in-process gRPC server per node: every call, the status-code mapping of admin.proto, WatchEvents
 * with resume, and the bearer token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AdminServiceTest {

  /** Long leases: this class is about the API, not about expiry under a loaded test machine. */
  static final TimingSettings TIMING =
      TimingSettings.defaults().toBuilder().leaseDurationMs(1_000).renewIntervalMs(200).build();

  static final String TOKEN = "s3cret-token";

  @TempDir static Path dir;

  private final Map<NodeId, RaftVipNode> nodes = new LinkedHashMap<>();
  private final Map<NodeId, AdminEventLog> eventLogs = new LinkedHashMap<>();
  private final List<Server> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final Map<NodeId, AdminServiceBlockingStub> stubs = new LinkedHashMap<>();
  private final String prefix = "admin-" + UUID.randomUUID();

  @BeforeAll
  void startCluster() throws Exception {
    List<RaftVipNode.Member> members = new ArrayList<>();
    Map<NodeId, String> adminAddresses = new LinkedHashMap<>();
    for (int i = 1; i <= 3; i++) {
      NodeId id = NodeId.of("n" + i);
      members.add(new RaftVipNode.Member(id, "127.0.0.1", freePort(), freePort()));
      adminAddresses.put(id, "127.0.0.1:" + (7100 + i));
    }
    UUID group = UUID.randomUUID();
    for (RaftVipNode.Member m : members) {
      AdminEventLog events =
          new AdminEventLog(
              1000, System::currentTimeMillis, AdminService.addressBook(adminAddresses));
      RaftVipNode.Builder b =
          RaftVipNode.builder()
              .nodeId(m.id())
              .storageDir(dir.resolve(m.id().value()))
              .groupId(group)
              .dataPlane(InMemoryDataPlane.onSystemClock())
              .timing(TIMING)
              .observer(events);
      members.forEach(b::member);
      RaftVipNode node = b.start();
      nodes.put(m.id(), node);
      eventLogs.put(m.id(), events);
      AdminService service = new AdminService(node, adminAddresses, events);
      String name = prefix + "-" + m.id();
      servers.add(
          InProcessServerBuilder.forName(name)
              .addService(
                  m.id().value().equals("n3")
                      ? ServerInterceptors.intercept(service, new BearerTokenInterceptor(TOKEN))
                      : ServerInterceptors.intercept(service))
              .build()
              .start());
      ManagedChannel ch = InProcessChannelBuilder.forName(name).build();
      channels.add(ch);
      AdminServiceBlockingStub stub = AdminServiceGrpc.newBlockingStub(ch);
      if (m.id().value().equals("n3")) {
        Metadata md = new Metadata();
        md.put(BearerTokenInterceptor.AUTHORIZATION, "Bearer " + TOKEN);
        stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
      }
      stubs.put(m.id(), stub);
    }
    RaftVipNode any = nodes.values().iterator().next();
    await(
        () ->
            any.state().nodes().size() == 3
                && any.state().nodes().values().stream()
                    .allMatch(n -> n.status() == NodeStatus.ACTIVE),
        60_000,
        "all members to join");
  }

  @AfterAll
  void stop() throws InterruptedException {
    channels.forEach(ManagedChannel::shutdownNow);
    servers.forEach(Server::shutdownNow);
    List<Thread> closers = new ArrayList<>();
    for (RaftVipNode n : nodes.values()) {
      Thread t = new Thread(n::close, "close-" + n.id());
      t.start();
      closers.add(t);
    }
    for (Thread t : closers) {
      t.join(15_000);
    }
  }

  private AdminServiceBlockingStub stub(String node) {
    return stubs.get(NodeId.of(node)).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static VipSpec spec(String name, String cidr) {
    return VipSpec.newBuilder()
        .setName(name)
        .setAddress(IpPrefix.newBuilder().setCidr(cidr))
        .build();
  }

  private static Status.Code code(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
    throw new AssertionError("the call succeeded");
  }

  private static StatusRuntimeException failure(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("the call succeeded");
  }

  private Vip awaitOwned(String node, String name) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Vip v = null;
    while (System.nanoTime() < end) {
      v = stub(node).getVip(GetVipRequest.newBuilder().setName(name).build());
      if (v.getState() == OwnershipState.OWNERSHIP_STATE_OWNED) {
        return v;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("VIP " + name + " not owned within 30 s: " + v);
  }

  @Test
  void createGetListUpdateDeleteFromAnyNode() throws Exception {
    Vip created =
        stub("n1")
            .createVip(
                CreateVipRequest.newBuilder().setSpec(spec("crud", "198.18.0.201/32")).build());
    assertThat(created.getSpec().getName()).isEqualTo("crud");
    assertThat(created.getSpec().getAddress().getCidr()).isEqualTo("198.18.0.201/32");
    Vip owned = awaitOwned("n2", "crud");
    assertThat(owned.getOwner()).isIn("n1", "n2", "n3");
    assertThat(owned.getEpoch()).isPositive();
    assertThat(stub("n3").listVips(ListVipsRequest.getDefaultInstance()).getVipsList())
        .extracting(v -> v.getSpec().getName())
        .contains("crud");

    Vip updated =
        stub("n2")
            .updateVip(
                UpdateVipRequest.newBuilder()
                    .setSpec(spec("crud", "198.18.0.201/32").toBuilder().setPreempt(true))
                    .build());
    assertThat(updated.getSpec().getPreempt()).isTrue();
    assertThat(
            code(
                () ->
                    stub("n1")
                        .updateVip(
                            UpdateVipRequest.newBuilder()
                                .setSpec(spec("crud", "198.18.0.202/32"))
                                .build())))
        .as("the address is immutable")
        .isEqualTo(Status.Code.INVALID_ARGUMENT);

    stub("n3").deleteVip(DeleteVipRequest.newBuilder().setName("crud").build());
    await(
        () ->
            stub("n1").listVips(ListVipsRequest.getDefaultInstance()).getVipsList().stream()
                .noneMatch(v -> v.getSpec().getName().equals("crud")),
        30_000,
        "the deleted VIP to disappear");
  }

  @Test
  void badInputIsRefusedWithTheFieldAndChangesNothing() {
    StatusRuntimeException e =
        failure(
            () ->
                stub("n1")
                    .createVip(
                        CreateVipRequest.newBuilder()
                            .setSpec(spec("bad", "198.18.0.300/24"))
                            .build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription())
        .startsWith("spec.address: ")
        .contains("198.18.0.300");

    assertThat(
            failure(
                    () ->
                        stub("n2")
                            .createVip(
                                CreateVipRequest.newBuilder()
                                    .setSpec(spec("Bad Name", "198.18.0.203/32"))
                                    .build()))
                .getStatus()
                .getDescription())
        .startsWith("spec.name: ");
    assertThat(
            failure(
                    () ->
                        stub("n2")
                            .createVip(
                                CreateVipRequest.newBuilder()
                                    .setSpec(spec("v", "198.18.0.203/32").toBuilder().setVrid(256))
                                    .build()))
                .getStatus()
                .getDescription())
        .startsWith("spec.vrid: ");
    assertThat(
            failure(
                    () ->
                        stub("n2")
                            .createVip(
                                CreateVipRequest.newBuilder()
                                    .setSpec(
                                        spec("v", "198.18.0.203/32").toBuilder()
                                            .putPriorities("n1", 300))
                                    .build()))
                .getStatus()
                .getDescription())
        .startsWith("spec.priorities[n1]: ");
    assertThat(code(() -> stub("n1").createVip(CreateVipRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(
            code(
                () ->
                    stub("n1")
                        .createVip(
                            CreateVipRequest.newBuilder()
                                .setSpec(spec("x".repeat(5000), "198.18.0.203/32"))
                                .build())))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(stub("n1").listVips(ListVipsRequest.getDefaultInstance()).getVipsList())
        .extracting(v -> v.getSpec().getName())
        .as("nothing of the refused requests reached the state")
        .doesNotContain("bad", "v", "x".repeat(5000));
  }

  @Test
  void conflictsAndUnknownNamesMapToTheirCodes() throws Exception {
    stub("n1")
        .createVip(CreateVipRequest.newBuilder().setSpec(spec("dup", "198.18.0.204/32")).build());
    assertThat(
            code(
                () ->
                    stub("n2")
                        .createVip(
                            CreateVipRequest.newBuilder()
                                .setSpec(spec("dup", "198.18.0.205/32"))
                                .build())))
        .isEqualTo(Status.Code.ALREADY_EXISTS);
    StatusRuntimeException overlap =
        failure(
            () ->
                stub("n2")
                    .createVip(
                        CreateVipRequest.newBuilder()
                            .setSpec(spec("other", "198.18.0.204/24"))
                            .build()));
    assertThat(overlap.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
    assertThat(overlap.getStatus().getDescription()).contains("198.18.0.204", "dup");

    assertThat(code(() -> stub("n1").getVip(GetVipRequest.newBuilder().setName("nope").build())))
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(code(() -> stub("n1").moveVip(MoveVipRequest.newBuilder().setName("nope").build())))
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(
            code(() -> stub("n1").deleteVip(DeleteVipRequest.newBuilder().setName("nope").build())))
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(code(() -> stub("n1").drainNode(DrainNodeRequest.newBuilder().setId("n9").build())))
        .isEqualTo(Status.Code.NOT_FOUND);
    Vip owned = awaitOwned("n1", "dup");
    assertThat(
            code(
                () ->
                    stub("n1")
                        .moveVip(
                            MoveVipRequest.newBuilder()
                                .setName("dup")
                                .setTargetNode(owned.getOwner())
                                .build())))
        .as("moving to the current owner")
        .isEqualTo(Status.Code.FAILED_PRECONDITION);
    stub("n1").deleteVip(DeleteVipRequest.newBuilder().setName("dup").build());
  }

  @Test
  void moveAndDrainHandTheVipOver() throws Exception {
    stub("n1")
        .createVip(CreateVipRequest.newBuilder().setSpec(spec("mv", "198.18.0.206/32")).build());
    Vip owned = awaitOwned("n1", "mv");
    String target = owned.getOwner().equals("n1") ? "n2" : "n1";
    stub("n2").moveVip(MoveVipRequest.newBuilder().setName("mv").setTargetNode(target).build());
    await(
        () -> {
          Vip v = stub("n1").getVip(GetVipRequest.newBuilder().setName("mv").build());
          return v.getState() == OwnershipState.OWNERSHIP_STATE_OWNED
              && v.getOwner().equals(target);
        },
        30_000,
        "the move to " + target);
    assertThat(stub("n1").getVip(GetVipRequest.newBuilder().setName("mv").build()).getEpoch())
        .isGreaterThan(owned.getEpoch());

    var drained = stub("n3").drainNode(DrainNodeRequest.newBuilder().setId(target).build());
    assertThat(drained.getDrained()).isTrue();
    await(
        () -> {
          Vip v = stub("n1").getVip(GetVipRequest.newBuilder().setName("mv").build());
          return v.getState() == OwnershipState.OWNERSHIP_STATE_OWNED
              && !v.getOwner().equals(target);
        },
        30_000,
        "the drain to move the VIP off " + target);
    assertThat(
            code(
                () ->
                    stub("n1")
                        .moveVip(
                            MoveVipRequest.newBuilder()
                                .setName("mv")
                                .setTargetNode(target)
                                .build())))
        .as("moving onto a drained node")
        .isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(
            stub("n2")
                .undrainNode(UndrainNodeRequest.newBuilder().setId(target).build())
                .getDrained())
        .isFalse();
    stub("n1").deleteVip(DeleteVipRequest.newBuilder().setName("mv").build());
  }

  @Test
  void statusAndLeadershipTransfer() throws Exception {
    var status = stub("n2").getClusterStatus(GetClusterStatusRequest.getDefaultInstance());
    assertThat(status.getAnsweredBy()).isEqualTo("n2");
    assertThat(status.getNodesList()).extracting(n -> n.getId()).containsExactly("n1", "n2", "n3");
    assertThat(status.getNodesList()).allMatch(n -> !n.getAdminAddress().isEmpty());
    assertThat(status.getHasQuorum()).isTrue();
    String leader = status.getLeaderId();
    assertThat(leader).isIn("n1", "n2", "n3");
    String target = leader.equals("n1") ? "n2" : "n1";
    var r =
        stub("n3")
            .withDeadlineAfter(20, TimeUnit.SECONDS)
            .transferLeadership(
                TransferLeadershipRequest.newBuilder().setTargetNode(target).build());
    assertThat(r.getNewLeader()).isEqualTo(target);
    await(
        () ->
            stub("n1")
                .getClusterStatus(GetClusterStatusRequest.getDefaultInstance())
                .getLeaderId()
                .equals(target),
        20_000,
        "n1 to see the new leader");
    assertThat(
            code(
                () ->
                    stub("n1")
                        .transferLeadership(
                            TransferLeadershipRequest.newBuilder().setTargetNode("n9").build())))
        .isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void watchEventsStreamsAndResumesFromAnIndex() throws Exception {
    Iterator<Event> live =
        stubs
            .get(NodeId.of("n1"))
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .watchEvents(WatchEventsRequest.newBuilder().setFromIndex(0).build());
    stub("n2")
        .createVip(CreateVipRequest.newBuilder().setSpec(spec("ev", "198.18.0.207/32")).build());
    Event assigned = null;
    long firstIndex = -1;
    for (int i = 0; i < 200 && assigned == null; i++) {
      Event e = live.next();
      if (firstIndex < 0
          && e.hasVipChanged()
          && e.getVipChanged().getVip().getSpec().getName().equals("ev")) {
        firstIndex = e.getIndex();
      }
      if (e.hasVipAssigned() && e.getVipAssigned().getVip().equals("ev")) {
        assigned = e;
      }
    }
    assertThat(firstIndex).as("the creation was streamed").isPositive();
    assertThat(assigned).as("the assignment was streamed").isNotNull();
    assertThat(assigned.getVipAssigned().getEpoch()).isPositive();

    // Resume from the creation: the replay starts there and contains the assignment again.
    Iterator<Event> resumed =
        stubs
            .get(NodeId.of("n1"))
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .watchEvents(WatchEventsRequest.newBuilder().setFromIndex(firstIndex).build());
    Event first = resumed.next();
    assertThat(first.getIndex()).isGreaterThanOrEqualTo(firstIndex);
    boolean sawAssignment = first.hasVipAssigned();
    for (int i = 0; i < 50 && !sawAssignment; i++) {
      Event e = resumed.next();
      assertThat(e.getIndex()).isGreaterThanOrEqualTo(firstIndex);
      sawAssignment = e.hasVipAssigned() && e.getVipAssigned().getVip().equals("ev");
    }
    assertThat(sawAssignment).isTrue();

    // Far in the past: the log was not kept from index 1 (events before startup are gone).
    long oldest = eventLogs.get(NodeId.of("n1")).oldestIndex();
    if (oldest > 1) {
      StatusRuntimeException gone =
          failure(
              () ->
                  stubs
                      .get(NodeId.of("n1"))
                      .withDeadlineAfter(10, TimeUnit.SECONDS)
                      .watchEvents(WatchEventsRequest.newBuilder().setFromIndex(1).build())
                      .next());
      assertThat(gone.getStatus().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
      assertThat(gone.getStatus().getDescription()).contains("resume from " + oldest);
    }
    stub("n1").deleteVip(DeleteVipRequest.newBuilder().setName("ev").build());
  }

  @Test
  void theTokenIsRequiredWhereConfigured() {
    ManagedChannel ch = InProcessChannelBuilder.forName(prefix + "-n3").build();
    try {
      AdminServiceBlockingStub none =
          AdminServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
      assertThat(code(() -> none.listVips(ListVipsRequest.getDefaultInstance())))
          .isEqualTo(Status.Code.UNAUTHENTICATED);
      Metadata md = new Metadata();
      md.put(BearerTokenInterceptor.AUTHORIZATION, "Bearer wrong");
      AdminServiceBlockingStub wrong =
          none.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
      StatusRuntimeException e =
          failure(() -> wrong.listVips(ListVipsRequest.getDefaultInstance()));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(e.getStatus().getDescription()).doesNotContain("wrong").doesNotContain(TOKEN);
      assertThat(stub("n3").listVips(ListVipsRequest.getDefaultInstance())).isNotNull();
    } finally {
      ch.shutdownNow();
    }
  }

  private static void await(BooleanSupplier condition, long ms, String what)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  private static int freePort() throws IOException {
    return io.raftvip.testlan.FreePorts.next();
  }
}
