package io.raftvip.coordinator.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.raftvip.coordinator.api.RaftVipNode;
import io.raftvip.coordinator.core.Assignment;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.NodeStatus;
import io.raftvip.coordinator.core.ReleaseTarget;
import io.raftvip.coordinator.core.lease.TimingSettings;
import io.raftvip.coordinator.reconcile.InMemoryDataPlane;
import io.raftvip.proto.admin.v1.AdminServiceGrpc;
import io.raftvip.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.raftvip.proto.admin.v1.CreateVipRequest;
import io.raftvip.proto.admin.v1.DeleteVipRequest;
import io.raftvip.proto.admin.v1.DrainNodeRequest;
import io.raftvip.proto.admin.v1.GetVipRequest;
import io.raftvip.proto.admin.v1.ListVipsRequest;
import io.raftvip.proto.admin.v1.MoveVipRequest;
import io.raftvip.proto.admin.v1.UndrainNodeRequest;
import io.raftvip.proto.admin.v1.UpdateVipRequest;
import io.raftvip.proto.admin.v1.VipSpec;
import io.raftvip.proto.common.v1.IpPrefix;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of the admin API on a real single-member cluster: random and boundary requests
 * (huge and odd strings, invalid and mixed-family addresses, out-of-range numbers, overlapping
 * VIPs, unknown names). Every answer must be OK or a documented status with a message, never
 * INTERNAL or UNKNOWN, and a refused write must leave the VIP specs exactly as they were. Override
 * the case count with -Draftvip.fuzz.cases=N and the seed with -Draftvip.fuzz.seed=S.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class AdminFuzzTest {

  static final Set<Status.Code> DOCUMENTED =
      Set.of(
          Status.Code.OK,
          Status.Code.INVALID_ARGUMENT,
          Status.Code.NOT_FOUND,
          Status.Code.ALREADY_EXISTS,
          Status.Code.FAILED_PRECONDITION,
          Status.Code.UNAVAILABLE,
          Status.Code.DEADLINE_EXCEEDED);

  @TempDir Path dir;

  @Test
  void randomRequestsGetDocumentedAnswersAndRefusalsChangeNothing() throws Exception {
    long seed = Long.getLong("raftvip.fuzz.seed", System.nanoTime());
    int cases = Integer.getInteger("raftvip.fuzz.cases", 1500);
    SplittableRandom r = new SplittableRandom(seed);
    NodeId id = NodeId.of("n1");
    RaftVipNode.Member m = new RaftVipNode.Member(id, "127.0.0.1", freePort(), freePort());
    AdminEventLog events = new AdminEventLog(100, System::currentTimeMillis, n -> "");
    RaftVipNode node =
        RaftVipNode.builder()
            .nodeId(id)
            .member(m)
            .storageDir(dir.resolve("n1"))
            .groupId(UUID.randomUUID())
            .dataPlane(InMemoryDataPlane.onSystemClock())
            .timing(
                TimingSettings.defaults().toBuilder()
                    .leaseDurationMs(1_000)
                    .renewIntervalMs(200)
                    .build())
            .observer(events)
            .start();
    String name = "fuzz-" + UUID.randomUUID();
    Server server =
        InProcessServerBuilder.forName(name)
            .addService(new AdminService(node, Map.of(id, "127.0.0.1:7100"), events))
            .build()
            .start();
    ManagedChannel ch = InProcessChannelBuilder.forName(name).build();
    Map<Status.Code, Integer> seen = new EnumMap<>(Status.Code.class);
    try {
      await(
          () -> node.state().node(id).map(n -> n.status() == NodeStatus.ACTIVE).orElse(false),
          60_000);
      AdminServiceBlockingStub stub = AdminServiceGrpc.newBlockingStub(ch);
      for (int i = 0; i < cases; i++) {
        AdminServiceBlockingStub s = stub.withDeadlineAfter(10, TimeUnit.SECONDS);
        Map<String, VipSpec> before = specs(s);
        int kind = r.nextInt(7);
        Status status = Status.OK;
        String what = "";
        try {
          switch (kind) {
            case 0 -> {
              VipSpec spec = spec(r);
              what = "CreateVip " + spec;
              s.createVip(CreateVipRequest.newBuilder().setSpec(spec).build());
            }
            case 1 -> {
              VipSpec spec = spec(r);
              what = "UpdateVip " + spec;
              s.updateVip(UpdateVipRequest.newBuilder().setSpec(spec).build());
            }
            case 2 -> {
              String n = name(r);
              what = "DeleteVip " + n;
              s.deleteVip(DeleteVipRequest.newBuilder().setName(n).build());
            }
            case 3 -> {
              String n = name(r);
              what = "MoveVip " + n;
              s.moveVip(MoveVipRequest.newBuilder().setName(n).setTargetNode(nodeName(r)).build());
            }
            case 4 -> {
              String n = nodeName(r);
              what = "DrainNode " + n;
              s.drainNode(DrainNodeRequest.newBuilder().setId(n).build());
            }
            case 5 -> {
              String n = nodeName(r);
              what = "UndrainNode " + n;
              s.undrainNode(UndrainNodeRequest.newBuilder().setId(n).build());
            }
            default -> {
              String n = name(r);
              what = "GetVip " + n;
              s.getVip(GetVipRequest.newBuilder().setName(n).build());
            }
          }
        } catch (StatusRuntimeException e) {
          status = e.getStatus();
        }
        seen.merge(status.getCode(), 1, Integer::sum);
        String context = "seed " + seed + " case " + i + ": " + abbreviate(what);
        assertThat(DOCUMENTED).as(context + " -> " + status).contains(status.getCode());
        if (!status.isOk()) {
          assertThat(status.getDescription()).as(context).isNotBlank();
          assertThat(specs(stub.withDeadlineAfter(10, TimeUnit.SECONDS)))
              .as(context + ": a refused request changed the VIP specs")
              .isEqualTo(before);
        }
        // Keep the state small: an accepted create is deleted again now and then.
        if (status.isOk() && kind == 0 && r.nextInt(3) == 0) {
          for (String n : specs(s).keySet()) {
            s.deleteVip(DeleteVipRequest.newBuilder().setName(n).build());
          }
        }
        // A delete completes after the holder's release: wait for it, so that the next case's
        // "before" is not changed by this one.
        if (status.isOk() && (kind == 0 || kind == 2)) {
          await(
              () ->
                  node.state().vips().values().stream()
                      .noneMatch(
                          v ->
                              v.assignment() instanceof Assignment.Releasing rel
                                  && rel.target() instanceof ReleaseTarget.Delete),
              10_000);
        }
        // The node stays healthy: drained node is undrained again.
        if (node.state().node(id).map(n -> n.drained()).orElse(false)) {
          s.undrainNode(UndrainNodeRequest.newBuilder().setId("n1").build());
        }
      }
      System.out.printf(
          "AdminFuzzTest: seed %d, %d requests, answers %s, 0 undocumented statuses, 0 refused"
              + " requests that changed state%n",
          seed, cases, seen);
      assertThat(seen)
          .as("the fuzzer reached both accepted and refused paths")
          .containsKeys(Status.Code.OK, Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND);
    } finally {
      ch.shutdownNow();
      server.shutdownNow();
      node.close();
    }
  }

  private static Map<String, VipSpec> specs(AdminServiceBlockingStub s) {
    Map<String, VipSpec> out = new TreeMap<>();
    s.listVips(ListVipsRequest.getDefaultInstance())
        .getVipsList()
        .forEach(v -> out.put(v.getSpec().getName(), v.getSpec()));
    return out;
  }

  private static final List<String> ODD =
      List.of(
          "",
          " ",
          "-",
          "a-",
          "A",
          "web",
          "web ",
          "wéb",
          "web\u0000",
          "a".repeat(63),
          "a".repeat(64),
          "x".repeat(100_000),
          "../etc",
          "n1",
          "n9",
          "\uD83D\uDE00");

  private static String name(SplittableRandom r) {
    if (r.nextInt(3) == 0) {
      return ODD.get(r.nextInt(ODD.size()));
    }
    return "v" + r.nextInt(6);
  }

  private static String nodeName(SplittableRandom r) {
    return r.nextInt(3) == 0 ? ODD.get(r.nextInt(ODD.size())) : (r.nextBoolean() ? "n1" : "n2");
  }

  private static final List<String> ADDRESSES =
      List.of(
          "198.18.0.200/32",
          "198.18.0.200/24",
          "198.18.0.201/32",
          "198.18.0.300/24",
          "198.18.0.200/33",
          "198.18.0.200/0",
          "198.18.0.200",
          "2001:db8::200/64",
          "2001:db8::200/129",
          "2001:db8::200/32",
          "::ffff:198.18.0.200/128",
          "198.18.0.200/128",
          "2001:db8::200/24",
          "127.0.0.1/32",
          "224.0.0.1/32",
          "169.254.1.1/32",
          "fe80::1/64",
          "0.0.0.0/0",
          "198.18.0.0/24",
          "198.18.0.255/24",
          "not an address",
          "",
          "1".repeat(5000));

  private static VipSpec spec(SplittableRandom r) {
    VipSpec.Builder b = VipSpec.newBuilder().setName(name(r));
    if (r.nextInt(10) != 0) {
      b.setAddress(IpPrefix.newBuilder().setCidr(ADDRESSES.get(r.nextInt(ADDRESSES.size()))));
    }
    if (r.nextInt(4) == 0) {
      b.setInterface(r.nextBoolean() ? "eth0" : ODD.get(r.nextInt(ODD.size())));
    }
    if (r.nextInt(4) == 0) {
      int[] vrids = {0, 1, 7, 255, 256, -1, Integer.MAX_VALUE};
      b.setVrid(vrids[r.nextInt(vrids.length)]);
    }
    int priorities = r.nextInt(3);
    for (int i = 0; i < priorities; i++) {
      int[] values = {0, 100, 255, 256, -1};
      b.putPriorities(nodeName(r), values[r.nextInt(values.length)]);
    }
    b.setPreempt(r.nextBoolean());
    if (r.nextInt(5) == 0) {
      b.addHealthChecks(r.nextBoolean() ? "web" : ODD.get(r.nextInt(ODD.size())));
    }
    return b.build();
  }

  private static String abbreviate(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "...(" + s.length() + " chars)";
  }

  private static void await(BooleanSupplier condition, long ms) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out after " + ms + " ms");
      }
      Thread.sleep(20);
    }
  }

  private static int freePort() throws IOException {
    return io.raftvip.testlan.FreePorts.next();
  }
}
