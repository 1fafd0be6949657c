package io.raftvip.cli.demo;

import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.raftvip.cli.lan.AdminClient;
import io.raftvip.cli.lan.AgentCluster;
import io.raftvip.cli.lan.KernelView;
import io.raftvip.cli.lan.VipProbes;
import io.raftvip.proto.admin.v1.ClusterStatus;
import io.raftvip.proto.admin.v1.Event;
import io.raftvip.proto.admin.v1.NodeStatus;
import io.raftvip.proto.admin.v1.OwnershipState;
import io.raftvip.proto.admin.v1.Vip;
import io.raftvip.proto.admin.v1.VipSpec;
import io.raftvip.proto.common.v1.IpPrefix;
import io.raftvip.testlan.Host;
import io.raftvip.testlan.TestLan;
import io.raftvip.testlan.probe.Timeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The real cluster: a namespace LAN (switch, n1..n3, client; 198.18.0.0/24), one {@code raftvip
 * agent} process per node ({@link AgentCluster}: configs and logs in the demo's output directory,
 * Raft storage in a temporary directory removed at the end), the VIP created through the admin API,
 * and the witnesses: {@link VipProbes} (responders in every node, the prober in the client), {@link
 * KernelView} (VIP address and nftables fence per node), {@link KernelWatcher} (the client's
 * neighbour entry, each node's address at a finer grain) and the admin event stream.
 */
final class LanCluster implements DemoCluster {

  static final long STARTUP_TIMEOUT_MS = 180_000;
  static final long CALL_RETRY_MS = 30_000;
  static final long STARTUP_REPORT_MS = 5_000;
  static final int COMMITS_MAX = 10_000;

  private final Path outDir;
  private final String vip;
  private final String vipName;
  // Set by start() on the demo's thread, read by close() from the Ctrl-C hook too.
  private volatile TestLan lan;
  private volatile Path storage;
  private volatile AgentCluster agents;
  private volatile VipProbes probes;
  private volatile KernelView kernel;
  private volatile KernelWatcher watcher;
  private final Map<String, AdminClient> admins =
      java.util.Collections.synchronizedMap(new LinkedHashMap<>());
  private boolean closed;

  LanCluster(Path outDir, String vipName, String vip) {
    this.outDir = outDir;
    this.vipName = vipName;
    this.vip = vip;
  }

  @Override
  public String description() {
    return "three real `raftvip agent` processes (Raft, leases, nftables fence, rtnetlink, G-ARP)"
        + " in network namespaces n1 n2 n3 on a bridged LAN, a client namespace probing the VIP";
  }

  @Override
  public List<String> nodes() {
    return lan.nodes().stream().map(Host::name).toList();
  }

  @Override
  public Map<String, String> macs() {
    Map<String, String> m = new LinkedHashMap<>();
    for (Host n : lan.nodes()) {
      m.put(n.name(), n.macString());
    }
    return m;
  }

  @Override
  public long udpIntervalMs() {
    return io.raftvip.testlan.probe.VipProber.Options.forLan(lan, vip).udpIntervalMs();
  }

  @Override
  public void start(Progress progress) {
    progress.say(
        "building the namespace LAN: switch (bridge), nodes n1 n2 n3, client; 198.18.0.0/24");
    lan = TestLan.builder().name("demo").nodes(3).client(true).ipv6(false).start();
    progress.say("LAN up: namespaces " + String.join(" ", lan.namespaces()));
    try {
      storage = Files.createTempDirectory("raftvip-demo-storage-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary storage directory", e);
    }
    List<String> jvm = new ArrayList<>(AgentCluster.JVM_OPTIONS);
    jvm.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
    agents = new AgentCluster(lan, outDir, storage, "", jvm);
    probes = VipProbes.start(lan, vip);
    kernel = KernelView.start(lan.nodes(), vip, 32);
    watcher = KernelWatcher.start(address(vip), 32, lan.client(), lan.nodes());
    for (Host h : lan.nodes()) {
      admins.put(h.name(), AdminClient.open(h, h.ipv4(), AgentCluster.ADMIN_PORT));
    }
    long t0 = System.nanoTime();
    agents.startAll();
    progress.say(
        "started 3 `raftvip agent --config` processes (pids "
            + lan.nodes().stream()
                .map(h -> String.valueOf(agents.agent(h.index()).orElseThrow().pid()))
                .toList()
            + "; JVM "
            + String.join(" ", AgentCluster.JVM_OPTIONS)
            + "); configs in "
            + outDir.toAbsolutePath());
    awaitCluster(progress, t0);
    progress.say(
        String.format(
            java.util.Locale.ROOT,
            "cluster up in %.1f s (agents' CPU so far: %s)",
            (System.nanoTime() - t0) / 1e9,
            agents.cpuTimes()));
    Vip created =
        call(
            a ->
                a.create(
                    VipSpec.newBuilder()
                        .setName(vipName)
                        .setAddress(IpPrefix.newBuilder().setCidr(vip + "/32"))
                        .setInterface(Host.IFNAME)
                        .build()),
            "",
            "CreateVip");
    progress.say(
        "CreateVip " + vipName + " " + vip + "/32 committed (state " + created.getState() + ")");
    String owner = settle(STARTUP_TIMEOUT_MS);
    Vip v = call(a -> a.vip(vipName), "", "GetVip");
    progress.say(
        "VIP placed on "
            + owner
            + " (epoch "
            + v.getEpoch()
            + "): its fence is open, the address is on its eth0, it announced");
  }

  /** Waits for a leader, quorum and three ACTIVE nodes, saying what changes while it waits. */
  private void awaitCluster(Progress progress, long t0) {
    long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(STARTUP_TIMEOUT_MS);
    long nextReport = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STARTUP_REPORT_MS);
    TreeSet<String> up = new TreeSet<>();
    String leader = "";
    String last = "";
    while (System.nanoTime() - deadline < 0) {
      for (Map.Entry<String, AdminClient> e : admins.entrySet()) {
        if (up.contains(e.getKey())) {
          continue;
        }
        try {
          e.getValue().status();
          up.add(e.getKey());
          progress.say(e.getKey() + ": agent's admin API answers");
        } catch (StatusRuntimeException x) {
          // not up yet
        }
      }
      for (int i = 1; i <= 3; i++) {
        if (!agents.alive(i)) {
          throw new DemoFailed("the agent of n" + i + " exited during startup" + agents.logs(30));
        }
      }
      if (!up.isEmpty()) {
        try {
          ClusterStatus s = call(AdminClient::status, "", "GetClusterStatus");
          if (!s.getLeaderId().isEmpty() && !s.getLeaderId().equals(leader)) {
            leader = s.getLeaderId();
            progress.say("Raft leader elected: " + leader);
          }
          long active =
              s.getNodesList().stream()
                  .filter(n -> n.getStatus() == NodeStatus.NODE_STATUS_ACTIVE)
                  .count();
          last =
              "leader " + (leader.isEmpty() ? "(none)" : leader) + ", " + active + " of 3 ACTIVE";
          if (s.getHasQuorum() && !leader.isEmpty() && active == 3 && s.getNodesCount() == 3) {
            progress.say("all 3 nodes joined and ACTIVE (node leases granted)");
            return;
          }
        } catch (DemoFailed | StatusRuntimeException e) {
          last = e.getMessage();
        }
      }
      if (System.nanoTime() - nextReport >= 0) {
        nextReport = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STARTUP_REPORT_MS);
        progress.say(
            "agents starting: admin API up on "
                + (up.isEmpty() ? "none yet" : String.join(" ", up))
                + (last.isEmpty() ? "" : "; " + last)
                + "; CPU so far "
                + agents.cpuTimes()
                + "; load "
                + DemoRun.loadAverage());
      }
      sleepMs(200);
    }
    throw new DemoFailed(
        "the cluster did not come up within "
            + STARTUP_TIMEOUT_MS
            + " ms: "
            + last
            + agents.logs(30));
  }

  @Override
  public String settle(long timeoutMs) {
    for (Host h : lan.nodes()) {
      if (!agents.alive(h.index())) {
        agents.start(h.index());
      }
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    String last = "";
    int stable = 0;
    while (System.nanoTime() - deadline < 0) {
      try {
        ClusterStatus s = call(AdminClient::status, "", "GetClusterStatus");
        Vip v = call(a -> a.vip(vipName), "", "GetVip");
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
                + " nodes="
                + s.getNodesList().stream().map(n -> n.getId() + ":" + n.getStatus()).toList()
                + " vip="
                + v.getState()
                + "@"
                + v.getOwner();
        if (!s.getLeaderId().isEmpty() && s.getHasQuorum() && allActive && kernelAgrees) {
          if (++stable >= 3) {
            return v.getOwner();
          }
        } else {
          stable = 0;
        }
      } catch (DemoFailed | StatusRuntimeException e) {
        last = e.getMessage();
        stable = 0;
      }
      sleepMs(100);
    }
    throw new DemoFailed(
        "the cluster did not settle within " + timeoutMs + " ms: " + last + agents.logs(30));
  }

  @Override
  public Optional<String> soleServerSince(long afterMicros) {
    KernelView.Round r = kernel.latest();
    if (r == null || r.startMicros() <= afterMicros || r.liveCount() != 1) {
      return Optional.empty();
    }
    return Optional.of("n" + (Integer.numberOfTrailingZeros(r.liveMask()) + 1));
  }

  @Override
  public Probing probe() {
    VipProbes.Run run = probes.probe();
    return new Probing() {
      @Override
      public int udpAnswersFrom(String node, long sinceMicros) {
        return run.udpAnswersFrom(node, sinceMicros);
      }

      @Override
      public Timeline stop() {
        try {
          return run.stop();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new DemoFailed("interrupted", e);
        }
      }
    };
  }

  /**
   * Watches the event streams of every node but {@code avoid}: whichever applies an assignment
   * first reports it (one stream may be down or reconnecting to a restarted agent). A commit is a
   * VipChanged event with the VIP OWNED under a new epoch; the VipAssigned or VipReleased event of
   * the same log index gives the reason (a takeover after expiry or a release is reported as
   * VipReleased of the old owner, not as VipAssigned).
   */
  @Override
  public CommitWatch watchCommits(String avoid) {
    List<ScenarioReport.Commit> commits = new ArrayList<>();
    List<Context.CancellableContext> streams = new ArrayList<>();
    for (Host h : lan.nodes()) {
      if (h.name().equals(avoid)) {
        continue;
      }
      String reporter = h.name();
      streams.add(
          admins
              .get(reporter)
              .watch(
                  new Consumer<Event>() {
                    // The log's reason for the assignment at an index (VipReleased or
                    // VipAssigned come before that index's VipChanged on the stream).
                    private long reasonIndex = -1;
                    private String reason = "";

                    @Override
                    public void accept(Event e) {
                      if (e.hasVipReleased() && e.getVipReleased().getVip().equals(vipName)) {
                        reasonIndex = e.getIndex();
                        reason = e.getVipReleased().getReason();
                      } else if (e.hasVipAssigned()
                          && e.getVipAssigned().getVip().equals(vipName)) {
                        reasonIndex = e.getIndex();
                        reason = e.getVipAssigned().getReason();
                      } else if (e.hasVipChanged()
                          && e.getVipChanged().getVip().getSpec().getName().equals(vipName)
                          && e.getVipChanged().getVip().getState()
                              == OwnershipState.OWNERSHIP_STATE_OWNED) {
                        Vip v = e.getVipChanged().getVip();
                        synchronized (commits) {
                          if (commits.size() < COMMITS_MAX) {
                            commits.add(
                                new ScenarioReport.Commit(
                                    e.getUnixMs() * 1_000L,
                                    v.getOwner(),
                                    v.getEpoch(),
                                    reasonIndex == e.getIndex()
                                        ? reason.toLowerCase(java.util.Locale.ROOT)
                                        : "",
                                    reporter));
                          }
                        }
                      }
                    }
                  },
                  t -> {
                    // The stream ends with the run (cancelled) or with its node: the report says
                    // "(not seen)" for anything no stream delivered.
                  }));
    }
    return new CommitWatch() {
      @Override
      public List<ScenarioReport.Commit> commits() {
        synchronized (commits) {
          return earliestPerEpoch(commits);
        }
      }

      @Override
      public void close() {
        streams.forEach(c -> c.cancel(null));
      }
    };
  }

  /** One commit per epoch: the earliest report of it. */
  static List<ScenarioReport.Commit> earliestPerEpoch(List<ScenarioReport.Commit> commits) {
    Map<Long, ScenarioReport.Commit> first = new LinkedHashMap<>();
    for (ScenarioReport.Commit c : commits) {
      first.merge(c.epoch(), c, (a, b) -> a.wallMicros() <= b.wallMicros() ? a : b);
    }
    List<ScenarioReport.Commit> out = new ArrayList<>(first.values());
    out.sort(Comparator.comparingLong(ScenarioReport.Commit::wallMicros));
    return out;
  }

  @Override
  public List<KernelView.Round> rounds(long fromMicros, long toMicros) {
    return kernel.rounds(fromMicros, toMicros);
  }

  @Override
  public List<KernelWatcher.NeighbourChange> neighbourChanges() {
    return watcher.neighbourChanges();
  }

  @Override
  public List<KernelWatcher.AddressChange> addressChanges() {
    return watcher.addressChanges();
  }

  @Override
  public boolean supports(Scenario s) {
    return true;
  }

  @Override
  public String kill(String node) {
    Process p = agent(node);
    Host.signal(p, "KILL");
    return "SIGKILL " + node + "'s agent (pid " + p.pid() + ")";
  }

  @Override
  public void restart(String node) {
    agents.start(index(node));
  }

  @Override
  public String pause(String node) {
    Process p = agent(node);
    Host.signal(p, "STOP");
    return "SIGSTOP " + node + "'s agent (pid " + p.pid() + "): it can neither renew nor act";
  }

  @Override
  public void resume(String node) {
    Host.signal(agent(node), "CONT");
  }

  @Override
  public String partition(String node) {
    Host h = lan.node(index(node));
    for (Host other : lan.nodes()) {
      if (other != h) {
        lan.partition(h, other);
      }
    }
    return "partition "
        + node
        + " from the other nodes (nftables drops in the namespaces); the client still reaches it";
  }

  @Override
  public void heal() {
    lan.heal();
  }

  @Override
  public String move(String target) {
    Vip v = call(a -> a.move(vipName, target), "", "MoveVip");
    return "admin MoveVip " + vipName + " -> " + target + " (answer: " + v.getState() + ")";
  }

  @Override
  public synchronized List<String> stop() {
    List<Integer> killed = agents.stopAll(30_000);
    if (!killed.isEmpty()) {
      throw new DemoFailed("agents " + killed + " did not stop on SIGTERM within 30 s");
    }
    List<String> leftover = new ArrayList<>();
    for (Host n : lan.nodes()) {
      if (n.exec("ip", "-o", "-4", "addr", "show", "dev", Host.IFNAME)
          .stdout()
          .contains(" " + vip + "/")) {
        leftover.add(n.name());
      }
    }
    return leftover;
  }

  @Override
  public String files() {
    return "n*.yaml (agent configs)  n*.log (agent logs; n*-restart*.log after a restart)";
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    synchronized (admins) {
      admins.values().forEach(AdminClient::close);
    }
    if (watcher != null) {
      watcher.close();
    }
    if (kernel != null) {
      kernel.close();
    }
    if (probes != null) {
      probes.close();
    }
    if (agents != null) {
      agents.stopAll(5_000);
    }
    if (lan != null) {
      lan.close();
    }
    if (storage != null) {
      deleteTree(storage);
    }
  }

  private Process agent(String node) {
    return agents
        .agent(index(node))
        .orElseThrow(() -> new DemoFailed("no agent was started on " + node));
  }

  private static int index(String node) {
    return Integer.parseInt(node.substring(1));
  }

  /** The first answer of {@code call} from a running agent other than {@code avoid}, retried. */
  private <T> T call(Function<AdminClient, T> call, String avoid, String what) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CALL_RETRY_MS);
    StatusRuntimeException last = null;
    while (System.nanoTime() - deadline < 0) {
      for (Map.Entry<String, AdminClient> e : admins.entrySet()) {
        if (e.getKey().equals(avoid) || !agents.alive(index(e.getKey()))) {
          continue;
        }
        try {
          return call.apply(e.getValue());
        } catch (StatusRuntimeException x) {
          last = x;
          if (!AdminClient.retryable(x)) {
            throw new DemoFailed(what + " failed on " + e.getKey() + ": " + x.getStatus(), x);
          }
        }
      }
      sleepMs(100);
    }
    throw new DemoFailed(
        what
            + " failed on every agent for "
            + CALL_RETRY_MS
            + " ms: "
            + (last == null ? "no agent runs" : last.getStatus()));
  }

  static InetAddress address(String ip) {
    try {
      return InetAddress.getByName(ip);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(ip, e);
    }
  }

  static void sleepMs(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DemoFailed("interrupted", e);
    }
  }

  private static void deleteTree(Path root) {
    try (var s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // best effort: a temporary directory
                }
              });
    } catch (IOException ignored) {
      // best effort
    }
  }
}
