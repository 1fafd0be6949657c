package io.raftvip.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.raftvip.cli.ExitCodes;
import io.raftvip.cli.Main;
import io.raftvip.cli.config.FakeHost;
import io.raftvip.coordinator.admin.AdminEventLog;
import io.raftvip.coordinator.admin.AdminService;
import io.raftvip.coordinator.admin.BearerTokenInterceptor;
import io.raftvip.coordinator.api.RaftVipNode;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.NodeStatus;
import io.raftvip.coordinator.core.lease.TimingSettings;
import io.raftvip.coordinator.reconcile.InMemoryDataPlane;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code raftvip} admin commands end to end against a real three-node cluster: three embedded
 * nodes (Ratis, leases, in-memory data planes) each behind the real admin server the agent runs,
 * with a bearer token, on 127.0.0.1. Both output formats and each documented error with its exit
 * code. The last test stops two nodes to show "no quorum".
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class CliEndToEndTest {

  static final TimingSettings TIMING =
      TimingSettings.defaults().toBuilder().leaseDurationMs(1_000).renewIntervalMs(200).build();

  static final String TOKEN = "e2e-token-value";

  @TempDir static Path dir;

  private final Map<NodeId, RaftVipNode> nodes = new LinkedHashMap<>();
  private final List<Server> servers = new ArrayList<>();
  private final List<String> endpoints = new ArrayList<>();
  private Path tokenFile;

  private record Result(int code, String out, String err) {}

  @BeforeAll
  void start() throws Exception {
    tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, TOKEN + "\n", StandardCharsets.UTF_8);
    List<RaftVipNode.Member> members = new ArrayList<>();
    List<Integer> adminPorts = new ArrayList<>();
    Map<NodeId, String> adminAddresses = new LinkedHashMap<>();
    for (int i = 1; i <= 3; i++) {
      NodeId id = NodeId.of("n" + i);
      members.add(new RaftVipNode.Member(id, "127.0.0.1", freePort(), freePort()));
      int admin = freePort();
      adminPorts.add(admin);
      adminAddresses.put(id, "127.0.0.1:" + admin);
    }
    UUID group = UUID.randomUUID();
    for (int i = 0; i < 3; i++) {
      RaftVipNode.Member m = members.get(i);
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
      AdminService admin = new AdminService(node, adminAddresses, events);
      Server s =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", adminPorts.get(i)))
              .addService(ServerInterceptors.intercept(admin, new BearerTokenInterceptor(TOKEN)))
              .build()
              .start();
      servers.add(s);
      endpoints.add("127.0.0.1:" + adminPorts.get(i));
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

  /** Runs {@code raftvip ARGS -c <all three> --token-file F}. */
  private Result cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("-c", String.join(",", endpoints), "--token-file", tokenFile.toString()));
    return raw(all.toArray(String[]::new));
  }

  private Result raw(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            FakeHost.of(List.of("lo")),
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  @Order(1)
  void statusInBothFormats() {
    Result text = cli("status");
    assertThat(text.code()).as(text.err()).isZero();
    assertThat(text.out()).contains("n1", "n2", "n3");
    Result json = cli("status", "--json");
    assertThat(json.code()).as(json.err()).isZero();
    assertThat(json.out()).contains("\"leaderId\"", "\"nodes\"", "\"hasQuorum\":true");
  }

  @Test
  @Order(2)
  void vipLifecycle() throws Exception {
    Result add = cli("vip", "add", "web", "198.18.0.200/32", "--priority", "n1=150", "--json");
    assertThat(add.code()).as(add.err()).isZero();
    assertThat(add.out()).contains("\"name\":\"web\"", "\"address\":\"198.18.0.200/32\"");
    await(() -> cli("vip", "get", "web").out().contains("n1"), 30_000, "web owned by n1");

    Result list = cli("vip", "list");
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out()).contains("web", "198.18.0.200/32", "n1");
    Result listJson = cli("vip", "list", "--json");
    assertThat(listJson.out()).startsWith("{\"vips\":[").contains("\"owner\":\"n1\"");

    Result set = cli("vip", "set", "web", "--priority", "n1=150", "--priority", "n2=100");
    assertThat(set.code()).as(set.err()).isZero();

    Result move = cli("vip", "move", "web", "--to", "n2", "--json");
    assertThat(move.code()).as(move.err() + move.out()).isZero();
    assertThat(move.out()).contains("\"owner\":\"n2\"");

    Result rm = cli("vip", "rm", "web", "--json");
    assertThat(rm.code()).as(rm.err()).isZero();
    assertThat(rm.out()).contains("\"deleted\":\"web\"");
  }

  @Test
  @Order(3)
  void nodesDrainAndLeadership() throws Exception {
    Result add = cli("vip", "add", "api", "198.18.0.201/32");
    assertThat(add.code()).as(add.err()).isZero();
    await(
        () -> cli("vip", "get", "api", "--json").out().contains("\"state\":\"owned\""),
        30_000,
        "api owned");
    Result nodeList = cli("node", "list");
    assertThat(nodeList.code()).as(nodeList.err()).isZero();
    assertThat(nodeList.out()).contains("n1", "n2", "n3");

    String owner =
        nodes
                    .get(NodeId.of("n1"))
                    .state()
                    .vip(io.raftvip.coordinator.core.VipName.of("api"))
                    .orElseThrow()
                    .assignment()
                instanceof io.raftvip.coordinator.core.Assignment.Owned o
            ? o.owner().value()
            : "n1";
    Result drain = cli("node", "drain", owner, "--json");
    assertThat(drain.code()).as(drain.err() + drain.out()).isZero();
    assertThat(drain.out()).contains("\"drained\":true");
    assertThat(cli("vip", "get", "api", "--json").out())
        .doesNotContain("\"owner\":\"" + owner + "\"");
    Result undrain = cli("node", "undrain", owner);
    assertThat(undrain.code()).as(undrain.err()).isZero();

    Result status = cli("status", "--json");
    String leader = status.out().replaceAll("(?s).*\"leaderId\":\"(n\\d)\".*", "$1");
    String target = leader.equals("n1") ? "n2" : "n1";
    Result transfer = cli("leader", "transfer", "--to", target, "--json", "--timeout", "30s");
    assertThat(transfer.code()).as(transfer.err()).isZero();
    assertThat(transfer.out()).contains("\"newLeader\":\"" + target + "\"");

    Result watch = cli("watch", "--from-index", "1", "--count", "3", "--json", "--timeout", "10s");
    assertThat(watch.code()).as(watch.err()).isIn(ExitCodes.OK, ExitCodes.REJECTED);
    Result live = cli("watch", "--count", "1", "--json", "--timeout", "20s");
    // A live event: cause one.
    assertThat(cli("vip", "rm", "api").code()).isZero();
    assertThat(live.code()).isIn(ExitCodes.OK, ExitCodes.UNAVAILABLE);
  }

  @Test
  @Order(4)
  void documentedErrorsAndTheirExitCodes() throws IOException {
    Result badCidr = cli("vip", "add", "bad", "198.18.0.300/24");
    assertThat(badCidr.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(badCidr.err()).contains("198.18.0.300");

    Result unknownVip = cli("vip", "get", "nope");
    assertThat(unknownVip.code()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(unknownVip.err()).contains("nope").doesNotContain("\tat ");

    Result unknownNode = cli("node", "drain", "n9");
    assertThat(unknownNode.code()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(unknownNode.err()).contains("n9");

    assertThat(cli("vip", "add", "one", "198.18.0.210/32").code()).isZero();
    Result duplicate = cli("vip", "add", "two", "198.18.0.210/24");
    assertThat(duplicate.code()).isEqualTo(ExitCodes.REJECTED);
    assertThat(duplicate.err()).contains("198.18.0.210", "one");

    Path wrong = dir.resolve("wrong-token");
    Files.writeString(wrong, "not-the-token\n", StandardCharsets.UTF_8);
    Result denied = raw("vip", "list", "-c", endpoints.get(0), "--token-file", wrong.toString());
    assertThat(denied.code()).isEqualTo(ExitCodes.DENIED);
    assertThat(denied.out() + denied.err()).doesNotContain("not-the-token").doesNotContain(TOKEN);
    Result noToken = raw("vip", "list", "-c", endpoints.get(0));
    assertThat(noToken.code()).isEqualTo(ExitCodes.DENIED);

    int closed = freePort();
    Result unreachable = raw("status", "-c", "127.0.0.1:" + closed, "--timeout", "3s");
    assertThat(unreachable.code()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(unreachable.err()).contains("127.0.0.1:" + closed);

    Result membership = cli("node", "add", "n4", "--raft", "127.0.0.1:1", "--admin", "127.0.0.1:2");
    assertThat(membership.code()).isNotZero();
    assertThat(membership.err()).contains("not supported");
  }

  @Test
  @Order(5)
  void noQuorumIsUnavailable() {
    // Stop n2 and n3; n1 alone cannot commit.
    for (String id : List.of("n2", "n3")) {
      servers.get(Integer.parseInt(id.substring(1)) - 1).shutdownNow();
      nodes.remove(NodeId.of(id)).close();
    }
    Result write =
        raw(
            "vip",
            "add",
            "late",
            "198.18.0.220/32",
            "-c",
            endpoints.get(0),
            "--token-file",
            tokenFile.toString(),
            "--timeout",
            "5s");
    assertThat(write.code()).as(write.err()).isEqualTo(ExitCodes.UNAVAILABLE);
  }

  private static void await(BooleanSupplier condition, long ms, String what)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  private static int freePort() throws IOException {
    return io.raftvip.testlan.FreePorts.next();
  }
}
