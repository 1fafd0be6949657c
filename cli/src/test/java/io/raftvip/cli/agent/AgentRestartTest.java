package io.raftvip.cli.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.StatusRuntimeException;
import io.raftvip.cli.lan.AdminClient;
import io.raftvip.proto.admin.v1.OwnershipState;
import io.raftvip.proto.admin.v1.Vip;
import io.raftvip.proto.admin.v1.VipSpec;
import io.raftvip.proto.common.v1.IpPrefix;
import io.raftvip.testlan.Host;
import io.raftvip.testlan.Netns;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Three real agent processes: the cluster's VIPs (one from the config, one created through the
 * admin API) survive the restart of one node (specs and assignments unchanged, read back from the
 * restarted node itself) and of the whole cluster (SIGTERM to every agent, no address left behind,
 * then every spec back and every VIP served by exactly one node again).
 */
@Netns
class AgentRestartTest {

  static final String CONFIG_VIP = "198.18.0.200";
  static final String API_VIP = "198.18.0.201";

  /** Liveness bound: JVM starts and elections on a busy host. */
  static final Duration CONVERGE_MAX = Duration.ofSeconds(180);

  @Test
  void vipSpecsAndAssignmentsSurviveNodeAndClusterRestarts() throws Exception {
    try (AgentLan a =
        new AgentLan("agrestart", 3, "vips:\n  - {name: web, address: " + CONFIG_VIP + "/32}\n")) {
      Map<Integer, AdminClient> admins = new LinkedHashMap<>();
      try {
        for (Host h : a.lan.nodes()) {
          admins.put(h.index(), AdminClient.open(h, h.ipv4(), AgentLan.ADMIN_PORT));
        }
        a.startAll();
        a.awaitSingleHolder(CONFIG_VIP, CONVERGE_MAX);
        VipSpec api =
            VipSpec.newBuilder()
                .setName("api")
                .setAddress(IpPrefix.newBuilder().setCidr(API_VIP + "/32"))
                .setPreempt(false)
                .build();
        retry(
            admins,
            1,
            c -> {
              try {
                return c.create(api);
              } catch (StatusRuntimeException e) {
                // An earlier attempt that timed out may have committed.
                if (e.getStatus().getCode() == io.grpc.Status.Code.ALREADY_EXISTS) {
                  return c.vip("api");
                }
                throw e;
              }
            },
            a);
        a.awaitSingleHolder(API_VIP, CONVERGE_MAX);
        Map<String, Vip> before = awaitAllOwned(admins, 1, a);
        assertThat(before).containsOnlyKeys("web", "api");
        assertThat(before.get("api").getSpec()).isEqualTo(api);

        // One node restart: a node that owns nothing, so no assignment has a reason to change.
        List<String> owners = before.values().stream().map(Vip::getOwner).toList();
        int idle =
            a.lan.nodes().stream()
                .map(Host::index)
                .filter(i -> !owners.contains("n" + i))
                .findFirst()
                .orElseThrow();
        Process p = a.agent(idle).orElseThrow();
        Host.signal(p, "TERM");
        assertThat(AgentLan.awaitExit(p, Duration.ofSeconds(60))).as("exit code").isZero();
        a.start(idle);
        // Read back from the restarted node: its own replayed state, not a peer's.
        Map<String, Vip> afterNode = awaitAllOwned(admins, idle, a);
        assertThat(specs(afterNode)).isEqualTo(specs(before));
        assertThat(assignments(afterNode))
            .as("assignments after restarting idle node n%d%s", idle, a.logs())
            .isEqualTo(assignments(before));
        assertThat(a.holders(CONFIG_VIP)).hasSize(1);
        assertThat(a.holders(API_VIP)).hasSize(1);

        // Whole cluster: SIGTERM everyone (graceful: no address left), then start everyone.
        for (Host h : a.lan.nodes()) {
          Host.signal(a.agent(h.index()).orElseThrow(), "TERM");
        }
        for (Host h : a.lan.nodes()) {
          assertThat(AgentLan.awaitExit(a.agent(h.index()).orElseThrow(), Duration.ofSeconds(60)))
              .as("n%d exit code after SIGTERM%s", h.index(), a.logs())
              .isZero();
        }
        assertThat(a.holders(CONFIG_VIP)).as("leftover %s", CONFIG_VIP).isEmpty();
        assertThat(a.holders(API_VIP)).as("leftover %s", API_VIP).isEmpty();
        a.startAll();
        Map<String, Vip> afterCluster = awaitAllOwned(admins, 1, a);
        assertThat(specs(afterCluster))
            .as("specs after a whole-cluster restart")
            .isEqualTo(specs(before));
        a.awaitSingleHolder(CONFIG_VIP, CONVERGE_MAX);
        a.awaitSingleHolder(API_VIP, CONVERGE_MAX);
      } finally {
        admins.values().forEach(AdminClient::close);
      }
    }
  }

  private static Map<String, VipSpec> specs(Map<String, Vip> vips) {
    Map<String, VipSpec> out = new TreeMap<>();
    vips.forEach((n, v) -> out.put(n, v.getSpec()));
    return out;
  }

  private static Map<String, String> assignments(Map<String, Vip> vips) {
    Map<String, String> out = new TreeMap<>();
    vips.forEach((n, v) -> out.put(n, v.getOwner() + "@" + v.getEpoch()));
    return out;
  }

  /** Waits until node {@code via} lists every VIP OWNED; returns them by name. */
  private static Map<String, Vip> awaitAllOwned(
      Map<Integer, AdminClient> admins, int via, AgentLan a) throws InterruptedException {
    long end = System.nanoTime() + CONVERGE_MAX.toNanos();
    String last = "";
    while (System.nanoTime() < end) {
      try {
        List<Vip> vips = admins.get(via).vips();
        Map<String, Vip> byName = new TreeMap<>();
        vips.forEach(v -> byName.put(v.getSpec().getName(), v));
        last =
            byName.values().stream()
                .map(v -> v.getSpec().getName() + ":" + v.getState())
                .toList()
                .toString();
        if (!vips.isEmpty()
            && vips.stream().allMatch(v -> v.getState() == OwnershipState.OWNERSHIP_STATE_OWNED)) {
          return byName;
        }
      } catch (StatusRuntimeException e) {
        last = e.getStatus().toString();
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "n"
            + via
            + " did not list every VIP owned within "
            + CONVERGE_MAX
            + ": "
            + last
            + a.logs());
  }

  /** Calls {@code call} on node {@code via} until it answers, retrying "not now" statuses. */
  private static <T> T retry(
      Map<Integer, AdminClient> admins, int via, Function<AdminClient, T> call, AgentLan a)
      throws InterruptedException {
    long end = System.nanoTime() + CONVERGE_MAX.toNanos();
    List<String> seen = new ArrayList<>();
    while (System.nanoTime() < end) {
      try {
        return call.apply(admins.get(via));
      } catch (StatusRuntimeException e) {
        if (!AdminClient.retryable(e)) {
          throw e;
        }
        if (seen.size() < 5) {
          seen.add(e.getStatus().toString());
        }
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
    throw new AssertionError("admin call failed until the deadline: " + seen + a.logs());
  }
}
