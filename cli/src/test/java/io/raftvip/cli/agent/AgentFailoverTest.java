package io.raftvip.cli.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.StatusRuntimeException;
import io.raftvip.cli.lan.AdminClient;
import io.raftvip.cli.lan.KernelView;
import io.raftvip.cli.lan.VipProbes;
import io.raftvip.proto.admin.v1.ClusterStatus;
import io.raftvip.proto.admin.v1.Node;
import io.raftvip.proto.admin.v1.NodeStatus;
import io.raftvip.proto.admin.v1.OwnershipState;
import io.raftvip.proto.admin.v1.Vip;
import io.raftvip.testlan.Host;
import io.raftvip.testlan.Netns;
import io.raftvip.testlan.probe.Timeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Failover of one VIP between three real agent processes (one JVM per node, each in its own
 * namespace), faults injected into the node that holds it, one after another on one cluster:
 * SIGSTOP for 5 s, partition from the other nodes for 5 s, eth0 admin-down for 5 s, graceful move
 * (MoveVip), SIGKILL, crash (SIGKILL + cable pulled), and SIGKILL of an owner that is also the Raft
 * leader. A client in its own namespace probes the VIP all along ({@link VipProbes}) and the test
 * JVM samples every node's kernel ({@link KernelView}).
 *
 * <p>Every scenario asserts safety strictly: no probe round answered by two nodes (directed UDP or
 * ARP), no sampling round with the VIP configured and unfenced on two nodes, every agent alive
 * unless the scenario killed it. Liveness only within generous bounds (the host may be busy): the
 * VIP answered by another node within {@link #TAKEOVER_MAX_MS}. The measured figures are printed,
 * one line per scenario, not asserted.
 */
@Netns
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentFailoverTest {

  static final String VIP = "198.18.0.200";
  static final String VIP_NAME = "web";

  /** From the fault until another node serves the VIP; generous: a busy host is slow, not wrong. */
  static final long TAKEOVER_MAX_MS = 15_000;

  /** How long stop, partition and link-down last. */
  static final long FAULT_MS = 5_000;

  /** Probing before the fault (steady state) and after recovery (no late overlap). */
  static final long BEFORE_MS = 1_000;

  static final long AFTER_MS = 2_000;

  /** Bound for the cluster to settle (agent restarts included: a JVM start on a busy host). */
  static final long SETTLE_MAX_MS = 180_000;

  private AgentLan lan;
  private VipProbes probes;
  private KernelView kernel;
  private final Map<Integer, AdminClient> admins = new LinkedHashMap<>();
  private final List<String> report = new ArrayList<>();

  @BeforeAll
  void startCluster() throws Exception {
    lan =
        new AgentLan("agfail", 3, "vips:\n  - {name: " + VIP_NAME + ", address: " + VIP + "/32}\n");
    try {
      probes = VipProbes.start(lan.lan, VIP);
      kernel = KernelView.start(lan.lan.nodes(), VIP, 32);
      for (Host h : lan.lan.nodes()) {
        admins.put(h.index(), AdminClient.open(h, h.ipv4(), AgentLan.ADMIN_PORT));
      }
      long t0 = System.nanoTime();
      lan.startAll();
      settle();
      System.out.printf(
          "agent failover: 3 agents started, VIP served and cluster settled in %d ms, agents' CPU"
              + " %s (load %s)%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), lan.cpuTimes(), loadAverage());
    } catch (Throwable t) {
      stopCluster();
      throw t;
    }
  }

  @AfterAll
  void stopCluster() {
    report.forEach(System.out::println);
    admins.values().forEach(AdminClient::close);
    if (kernel != null) {
      kernel.close();
    }
    if (probes != null) {
      probes.close();
    }
    if (lan != null) {
      lan.close();
    }
  }

  @Test
  @Order(1)
  void sigstopForFiveSeconds() throws Exception {
    scenario(
        "stop 5 s",
        owner -> Host.signal(lan.agent(owner).orElseThrow(), "STOP"),
        owner -> Host.signal(lan.agent(owner).orElseThrow(), "CONT"));
  }

  @Test
  @Order(2)
  void partitionFromTheOtherNodesForFiveSeconds() throws Exception {
    scenario(
        "partition 5 s",
        owner -> {
          for (Host h : lan.lan.nodes()) {
            if (h.index() != owner) {
              lan.lan.partition(lan.node(owner), h);
            }
          }
        },
        owner -> lan.lan.heal());
  }

  @Test
  @Order(3)
  void linkDownForFiveSeconds() throws Exception {
    scenario(
        "linkdown 5 s",
        owner -> lan.lan.linkDown(lan.node(owner)),
        owner -> lan.lan.linkUp(lan.node(owner)));
  }

  @Test
  @Order(4)
  void gracefulMove() throws Exception {
    scenario(
        "graceful move",
        owner -> {
          int target = owner % 3 + 1;
          Vip v = anyAdmin(a -> a.move(VIP_NAME, "n" + target), owner);
          assertThat(v.getMoveTarget().isEmpty() ? v.getOwner() : v.getMoveTarget())
              .as("MoveVip answer %s", v)
              .isEqualTo("n" + target);
        },
        null);
  }

  @Test
  @Order(5)
  void sigkill() throws Exception {
    scenario("kill", owner -> Host.signal(lan.agent(owner).orElseThrow(), "KILL"), null);
  }

  @Test
  @Order(6)
  void crashKillAndCablePulled() throws Exception {
    scenario(
        "crash",
        owner -> {
          Host.signal(lan.agent(owner).orElseThrow(), "KILL");
          lan.lan.cutLink(lan.node(owner));
        },
        owner -> lan.lan.restoreLink(lan.node(owner)));
  }

  @Test
  @Order(7)
  void sigkillOfAnOwnerThatIsAlsoTheLeader() throws Exception {
    // Leadership may change on its own on a busy host: move the VIP onto the leader until both
    // agree (bounded).
    for (int attempt = 0; attempt < 5; attempt++) {
      settle();
      int leader = leader();
      if (leader == ownerNow()) {
        break;
      }
      Vip v = anyAdmin(a -> a.move(VIP_NAME, "n" + leader), -1);
      assertThat(v.getMoveTarget().isEmpty() ? v.getOwner() : v.getMoveTarget())
          .as("MoveVip onto the leader: %s", v)
          .isEqualTo("n" + leader);
    }
    settle();
    assertThat(leader()).as("the VIP's holder is the Raft leader").isEqualTo(ownerNow());
    scenario("kill leader+owner", o -> Host.signal(lan.agent(o).orElseThrow(), "KILL"), null);
  }

  // ---------------------------------------------------------------------------------------------

  interface Fault {
    void apply(int owner) throws Exception;
  }

  interface Call<T> {
    T call(AdminClient a);
  }

  /**
   * Settles the cluster, probes {@link #BEFORE_MS}, injects {@code fault} into the VIP's holder,
   * waits for another node to serve, lifts the fault {@link #FAULT_MS} after it (when {@code
   * restore} is given), probes {@link #AFTER_MS} more, then checks and prints.
   */
  private void scenario(String name, Fault fault, Fault restore) throws Exception {
    settle();
    int owner = ownerNow();
    VipProbes.Run run = probes.probe();
    Timeline timeline;
    long faultMicros;
    long fromMicros;
    long takeoverMicros = -1;
    int next = -1;
    boolean restored = restore == null;
    try {
      // Steady state first: the holder answers the client (a cold prober on a busy host may need
      // a moment for the client's first ARP resolution), then BEFORE_MS of it on record.
      long answersBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (run.udpAnswersFrom("n" + owner, run.startMicros()) == 0
          && System.nanoTime() < answersBy) {
        Thread.sleep(50);
      }
      assertThat(run.udpAnswersFrom("n" + owner, run.startMicros()))
          .as("%s: the holder n%d answers before the fault", name, owner)
          .isPositive();
      fromMicros = KernelView.nowMicros();
      Thread.sleep(BEFORE_MS);
      faultMicros = KernelView.nowMicros();
      try {
        fault.apply(owner);
        long deadline = faultMicros + TAKEOVER_MAX_MS * 1000;
        while (KernelView.nowMicros() < deadline) {
          KernelView.Round r = kernel.latest();
          if (r != null && r.startMicros() > faultMicros && r.liveCount() == 1 && !r.live(owner)) {
            next = Integer.numberOfTrailingZeros(r.liveMask()) + 1;
            takeoverMicros = firstLive(next, faultMicros);
            break;
          }
          Thread.sleep(10);
        }
        if (restore != null) {
          long left = faultMicros / 1000 + FAULT_MS - KernelView.nowMicros() / 1000;
          if (left > 0) {
            Thread.sleep(left);
          }
        }
      } finally {
        if (restore != null) {
          restore.apply(owner);
          restored = true;
        }
      }
      Thread.sleep(AFTER_MS);
    } finally {
      timeline = run.stop();
    }
    assertThat(restored).isTrue();
    long toMicros = KernelView.nowMicros();
    String newNode = next > 0 ? "n" + next : "none";
    Timeline.Report r =
        timeline.analyze(
            new Timeline.Window(fromMicros, faultMicros, toMicros, "n" + owner, newNode));
    List<KernelView.Round> rounds = kernel.rounds(fromMicros, toMicros);
    List<KernelView.Round> twoLive = rounds.stream().filter(x -> x.liveCount() >= 2).toList();
    long firstAnswerMs =
        r.firstUdpFromNew().isPresent()
            ? (r.firstUdpFromNew().getAsLong() - faultMicros) / 1000
            : -1;
    long garps = 0;
    long firstGarp = -1;
    for (io.raftvip.testlan.probe.ProbeEvent e : timeline.events()) {
      if (e.kind() == io.raftvip.testlan.probe.ProbeEvent.Kind.GARP
          && e.epochMicros() >= faultMicros
          && e.identity().equals(newNode)) {
        garps++;
        if (firstGarp < 0) {
          firstGarp = (e.epochMicros() - faultMicros) / 1000;
        }
      }
    }
    String line =
        String.format(
            "scenario %-18s fault at %s, garp from new %d (first %d ms), n%d->%s outage %5d ms (from %+d ms)  takeover kernel %5d ms, first answer %5d ms,"
                + " last directed answer from old %s ms, udp flaps %d, overlap rounds"
                + " directed %d arp %d kernel %d (of %d), load %s",
            name,
            java.time.Instant.ofEpochMilli(faultMicros / 1000),
            garps,
            firstGarp,
            owner,
            newNode,
            r.outage().micros() / 1000,
            (r.outage().startMicros() - faultMicros) / 1000,
            takeoverMicros < 0 ? -1 : (takeoverMicros - faultMicros) / 1000,
            firstAnswerMs,
            r.lastDirectedFromOld().isPresent()
                ? Long.toString((r.lastDirectedFromOld().getAsLong() - faultMicros) / 1000)
                : "-",
            r.udpFlaps(),
            r.directed().roundsWithSeveral(),
            r.arp().roundsWithSeveral(),
            twoLive.size(),
            rounds.size(),
            loadAverage());
    System.out.println(line);
    report.add(line);

    assertThat(r.directed().windows())
        .as("%s: directed probe rounds answered by two nodes%s", name, lan.logs())
        .isEmpty();
    assertThat(r.arp().windows())
        .as("%s: ARP rounds answered by two MACs%s", name, lan.logs())
        .isEmpty();
    assertThat(twoLive)
        .as(
            "%s: kernel rounds with the VIP configured and unfenced on two nodes%s",
            name, lan.logs())
        .isEmpty();
    assertThat(kernel.errors()).as("kernel view errors: %s", kernel.lastError()).isZero();
    assertThat(next)
        .as("%s: another node serves %s within %d ms%s", name, VIP, TAKEOVER_MAX_MS, lan.logs())
        .isPositive()
        .isNotEqualTo(owner);
    assertThat(r.firstUdpFromNew())
        .as("%s: the client got an answer from the new holder n%d", name, next)
        .isPresent();
    for (Host h : lan.lan.nodes()) {
      Optional<Process> p = lan.agent(h.index());
      boolean killed = name.contains("kill") || name.equals("crash");
      if (!(killed && h.index() == owner)) {
        assertThat(p.orElseThrow().isAlive())
            .as("%s: agent n%d still runs%s", name, h.index(), lan.logs())
            .isTrue();
      }
    }
  }

  /** Start of the first kernel round after {@code fromMicros} in which {@code node} was live. */
  private long firstLive(int node, long fromMicros) {
    for (KernelView.Round r : kernel.rounds(fromMicros, Long.MAX_VALUE)) {
      if (r.live(node)) {
        return r.endMicros();
      }
    }
    return -1;
  }

  /**
   * Restarts dead agents and waits until the cluster has a leader, every node is ACTIVE, the VIP is
   * OWNED and the kernels agree: only its owner has it configured and unfenced.
   */
  private void settle() throws InterruptedException {
    for (Host h : lan.lan.nodes()) {
      if (lan.agent(h.index()).map(p -> !p.isAlive()).orElse(true)) {
        lan.start(h.index());
      }
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MAX_MS);
    String last = "";
    int stable = 0;
    while (System.nanoTime() < deadline) {
      try {
        ClusterStatus s = anyAdmin(AdminClient::status, -1);
        Vip v = anyAdmin(a -> a.vip(VIP_NAME), -1);
        boolean allActive =
            s.getNodesCount() == 3
                && s.getNodesList().stream()
                    .allMatch(n -> n.getStatus() == NodeStatus.NODE_STATUS_ACTIVE);
        KernelView.Round k = kernel.latest();
        boolean kernelAgrees =
            v.getState() == OwnershipState.OWNERSHIP_STATE_OWNED
                && k != null
                && k.liveCount() == 1
                && ("n" + (Integer.numberOfTrailingZeros(k.liveMask()) + 1)).equals(v.getOwner());
        last =
            "leader="
                + s.getLeaderId()
                + " quorum="
                + s.getHasQuorum()
                + " nodes="
                + s.getNodesList().stream().map(n -> n.getId() + ":" + n.getStatus()).toList()
                + " vip="
                + v.getState()
                + "@"
                + v.getOwner()
                + " kernel="
                + k;
        if (!s.getLeaderId().isEmpty() && s.getHasQuorum() && allActive && kernelAgrees) {
          if (++stable >= 3) {
            return;
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
    throw new AssertionError(
        "cluster not settled within " + SETTLE_MAX_MS + " ms: " + last + lan.logs());
  }

  private int ownerNow() {
    Vip v = anyAdmin(a -> a.vip(VIP_NAME), -1);
    return Integer.parseInt(v.getOwner().substring(1));
  }

  private int leader() {
    ClusterStatus s = anyAdmin(AdminClient::status, -1);
    for (Node n : s.getNodesList()) {
      if (n.getLeader()) {
        return Integer.parseInt(n.getId().substring(1));
      }
    }
    return Integer.parseInt(s.getLeaderId().substring(1));
  }

  /** The first answer of {@code call} from a running agent other than {@code avoid}. */
  private <T> T anyAdmin(Call<T> call, int avoid) {
    StatusRuntimeException last = null;
    for (Map.Entry<Integer, AdminClient> e : admins.entrySet()) {
      if (e.getKey() == avoid || lan.agent(e.getKey()).map(p -> !p.isAlive()).orElse(true)) {
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

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }
}
