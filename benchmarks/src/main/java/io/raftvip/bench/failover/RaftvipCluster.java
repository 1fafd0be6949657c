package io.raftvip.bench.failover;

import io.grpc.StatusRuntimeException;
import io.raftvip.cli.Main;
import io.raftvip.cli.lan.AdminClient;
import io.raftvip.cli.lan.KernelView;
import io.raftvip.proto.admin.v1.ClusterStatus;
import io.raftvip.proto.admin.v1.Node;
import io.raftvip.proto.admin.v1.NodeStatus;
import io.raftvip.proto.admin.v1.OwnershipState;
import io.raftvip.proto.admin.v1.Vip;
import io.raftvip.testlan.Host;
import io.raftvip.testlan.TestLan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Three real {@code raftvip agent} processes (the operator's binary, {@link Main}), one per node
 * namespace, configs and Raft storage in {@code dir}. The VIPs come from the config's {@code vips:}
 * (bootstrap), so a fresh {@code dir} is a fresh cluster. The first VIP is the probed IPv4 VIP;
 * extra VIPs (mass failover) are IPv6 /128s, since 198.18.0.0/24 holds only 251 IPv4 VIPs.
 */
final class RaftvipCluster implements VipSystem {

  static final int RAFT_PORT = 7101;
  static final int ADMIN_PORT = 7100;
  static final String VIP_NAME = "web";

  /** Bound for a settle: agents restarted on a loaded 2-core host need 10-20 s each. */
  static final long SETTLE_MAX_MS = 240_000;

  static final long STOP_WAIT_MS = 15_000;

  private final TestLan lan;
  private final KernelView kernel;
  private final Path dir;
  private final String vip;
  private final int vipCount;
  private final boolean preemptToFirst;
  private final UUID clusterId = UUID.randomUUID();
  private final Map<Integer, Process> agents = new LinkedHashMap<>();
  private final Map<Integer, AdminClient> admins = new LinkedHashMap<>();

  /**
   * @param vipCount VIPs in the cluster (1 = only the probed one)
   * @param preemptToFirst all VIPs prefer n1 (priority 150, preempt): every trial starts with all
   *     VIPs on n1, so a mass failover always moves all of them
   */
  RaftvipCluster(
      TestLan lan, KernelView kernel, Path dir, String vip, int vipCount, boolean preemptToFirst) {
    this.lan = lan;
    this.kernel = kernel;
    this.dir = dir;
    this.vip = vip;
    this.vipCount = vipCount;
    this.preemptToFirst = preemptToFirst;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Host h : lan.nodes()) {
      admins.put(h.index(), AdminClient.open(h, h.ipv4(), ADMIN_PORT));
    }
  }

  @Override
  public String label() {
    return "raftvip";
  }

  /** The IPv6 address of extra VIP {@code i} (1-based), 2001:db8::1:xxxx. */
  static String extraVip(int i) {
    return "2001:db8::1:" + Integer.toHexString(i);
  }

  int vipCount() {
    return vipCount;
  }

  private Path config(int i) {
    return dir.resolve("n" + i + ".yaml");
  }

  Path log(int i) {
    return dir.resolve("n" + i + ".log");
  }

  private void writeConfig(int i) {
    StringBuilder y = new StringBuilder();
    y.append("node:\n  id: n").append(i).append('\n');
    y.append("  storage-dir: ").append(dir.resolve("data-n" + i)).append('\n');
    y.append("  interface: eth0\n");
    y.append("cluster:\n  id: ").append(clusterId).append("\n  peers:\n");
    for (Host h : lan.nodes()) {
      y.append("    - {id: n").append(h.index()).append(", raft: ").append(h.ipv4());
      y.append(':').append(RAFT_PORT).append(", admin: ").append(h.ipv4());
      y.append(':').append(ADMIN_PORT).append("}\n");
    }
    y.append("admin:\n  listen: ").append(lan.node(i).ipv4()).append(':').append(ADMIN_PORT);
    y.append("\nvips:\n");
    String prefs = preemptToFirst ? ", priorities: {n1: 150, n2: 100, n3: 100}, preempt: true" : "";
    y.append("  - {name: ").append(VIP_NAME).append(", address: ").append(vip).append("/32");
    y.append(prefs).append("}\n");
    for (int v = 1; v < vipCount; v++) {
      y.append("  - {name: v").append(v).append(", address: \"").append(extraVip(v));
      y.append("/128\"").append(prefs).append("}\n");
    }
    try {
      Files.writeString(config(i), y.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void start(int i) {
    writeConfig(i);
    List<String> jvm =
        List.of(
            "-Xmx256m",
            // As in the agent tests: C1 and the serial collector start ~35% faster on a busy box.
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Dorg.slf4j.simpleLogger.log.io.raftvip=info");
    Process p =
        lan.node(i)
            .startJava(Main.class, jvm, List.of("agent", "--config", config(i).toString()), log(i));
    agents.put(i, p);
  }

  @Override
  public void startAll() {
    for (Host h : lan.nodes()) {
      if (!running(h.index())) {
        start(h.index());
      }
    }
  }

  @Override
  public boolean running(int node) {
    Process p = agents.get(node);
    return p != null && p.isAlive();
  }

  @Override
  public List<Long> pids(int node) {
    Process p = agents.get(node);
    return p != null && p.isAlive() ? List.of(p.pid()) : List.of();
  }

  @Override
  public void signal(int node, String signal) {
    Process p = agents.get(node);
    if (p != null && p.isAlive()) {
      Host.signal(p, signal);
    }
  }

  @Override
  public int settle() throws InterruptedException {
    startAll();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MAX_MS);
    String last = "";
    int stable = 0;
    while (System.nanoTime() < deadline) {
      try {
        ClusterStatus s = anyAdmin(AdminClient::status);
        Vip v = anyAdmin(a -> a.vip(VIP_NAME));
        boolean allActive =
            s.getNodesCount() == 3
                && s.getNodesList().stream()
                    .allMatch(n -> n.getStatus() == NodeStatus.NODE_STATUS_ACTIVE);
        boolean allOwned = true;
        if (vipCount > 1) {
          for (Vip x : anyAdmin(AdminClient::vips)) {
            if (x.getState() != OwnershipState.OWNERSHIP_STATE_OWNED
                || (preemptToFirst && !x.getOwner().equals("n1"))) {
              allOwned = false;
              break;
            }
          }
        }
        KernelView.Round k = kernel.latest();
        boolean kernelAgrees =
            v.getState() == OwnershipState.OWNERSHIP_STATE_OWNED
                && k != null
                && k.liveCount() == 1
                && ("n" + (Integer.numberOfTrailingZeros(k.liveMask()) + 1)).equals(v.getOwner());
        last =
            "leader="
                + s.getLeaderId()
                + " nodes="
                + s.getNodesList().stream().map(n -> n.getId() + ":" + n.getStatus()).toList()
                + " vip="
                + v.getState()
                + "@"
                + v.getOwner()
                + " allOwned="
                + allOwned
                + " kernel="
                + k;
        if (!s.getLeaderId().isEmpty()
            && s.getHasQuorum()
            && allActive
            && allOwned
            && kernelAgrees) {
          if (++stable >= 3) {
            return Integer.parseInt(v.getOwner().substring(1));
          }
        } else {
          stable = 0;
        }
      } catch (StatusRuntimeException e) {
        last = e.getStatus().toString();
        stable = 0;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        "raftvip not settled within " + SETTLE_MAX_MS + " ms: " + last + logs());
  }

  @Override
  public int moveAway(int owner) {
    int target = owner % 3 + 1;
    anyAdmin(a -> a.move(VIP_NAME, "n" + target));
    return target;
  }

  @Override
  public OptionalInt ownerAsLeader() throws InterruptedException {
    // Leadership may change on its own on a busy host: move the VIP onto the leader until both
    // agree (bounded).
    for (int attempt = 0; attempt < 5; attempt++) {
      int owner = settle();
      int leader = leader();
      if (leader == owner) {
        return OptionalInt.of(owner);
      }
      anyAdmin(a -> a.move(VIP_NAME, "n" + leader));
      Thread.sleep(500);
    }
    int owner = settle();
    return leader() == owner ? OptionalInt.of(owner) : OptionalInt.empty();
  }

  private int leader() {
    ClusterStatus s = anyAdmin(AdminClient::status);
    for (Node n : s.getNodesList()) {
      if (n.getLeader()) {
        return Integer.parseInt(n.getId().substring(1));
      }
    }
    return Integer.parseInt(s.getLeaderId().substring(1));
  }

  @Override
  public void recover(int oldOwner) {
    startAll();
  }

  @Override
  public void stopAll() throws InterruptedException {
    for (Process p : agents.values()) {
      if (p.isAlive()) {
        Host.signal(p, "TERM");
      }
    }
    for (Process p : agents.values()) {
      if (!p.waitFor(STOP_WAIT_MS, TimeUnit.MILLISECONDS)) {
        Host.signal(p, "KILL");
        p.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  interface Call<T> {
    T call(AdminClient a);
  }

  /** The first answer of {@code call} from a running agent. */
  <T> T anyAdmin(Call<T> call) {
    StatusRuntimeException last = null;
    for (Map.Entry<Integer, AdminClient> e : admins.entrySet()) {
      if (!running(e.getKey())) {
        continue;
      }
      try {
        return call.call(e.getValue());
      } catch (StatusRuntimeException x) {
        last = x;
      }
    }
    if (last != null) {
      throw last;
    }
    throw new StatusRuntimeException(io.grpc.Status.UNAVAILABLE.withDescription("no agent runs"));
  }

  @Override
  public String logs() {
    StringBuilder sb = new StringBuilder();
    for (Host h : lan.nodes()) {
      sb.append(Logs.tail(log(h.index()), 30, "raftvip n" + h.index()));
    }
    return sb.toString();
  }

  @Override
  public void close() {
    try {
      stopAll();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      admins.values().forEach(AdminClient::close);
    }
  }
}
