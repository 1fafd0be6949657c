package io.raftvip.cli.demo;

import io.raftvip.cli.lan.KernelView;
import io.raftvip.coordinator.api.RaftVipNode;
import io.raftvip.coordinator.core.Assignment;
import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.NodeStatus;
import io.raftvip.coordinator.core.Outcome;
import io.raftvip.coordinator.core.Vip;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.coordinator.ratis.StateListener;
import io.raftvip.coordinator.reconcile.DataPlane;
import io.raftvip.coordinator.reconcile.InMemoryDataPlane;
import io.raftvip.testlan.probe.ProbeEvent;
import io.raftvip.testlan.probe.Timeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code raftvip demo --simulated}: the same three-node cluster as the real demo, run inside this
 * process. Each node is a real {@link RaftVipNode} (Ratis over loopback, the lease service, the
 * leader and owner loops, the reconciler) whose data plane is an {@link InMemoryDataPlane}, the
 * node's "kernel": it survives the node, and its fence closes at the deadline by itself. A sampler
 * thread plays the outside witnesses of the real demo from those kernels: the fence and address of
 * each node (as {@link KernelView.Round}s), and a client that keeps a neighbour entry (set by the
 * owners' announcements) and probes the VIP every {@value #UDP_INTERVAL_MS} ms through it, plus
 * directed and ARP-like rounds to every node.
 *
 * <p>Faults: kill stops a node abruptly, as SIGKILL would: its data plane stops obeying at once (a
 * dead process makes no more calls; the fence stays open until its deadline), then the node closes
 * without handing anything over. A node started again reuses its storage and its kernel. Pause and
 * partition need a process to stop and a network to cut: not supported here.
 *
 * <p>Threads: the sampler ({@code demo-sim-sampler}, a daemon that {@link #close} stops) and the
 * nodes' own. Bounded: the sampler keeps at most {@value #EVENTS_MAX} events.
 */
final class SimulatedCluster implements DemoCluster {

  static final long UDP_INTERVAL_MS = 5;
  static final long DIRECTED_INTERVAL_MS = 10;
  static final long ARP_INTERVAL_MS = 20;
  static final long SAMPLE_PERIOD_MS = 2;
  static final int EVENTS_MAX = 2_000_000;
  static final long CALL_TIMEOUT_MS = 10_000;

  private final VipName vipName;
  private final VipSpec spec;
  private final List<String> names = List.of("n1", "n2", "n3");
  private final Map<String, RaftVipNode.Member> members = new LinkedHashMap<>();
  private final Map<String, InMemoryDataPlane> kernels = new LinkedHashMap<>();
  private final Map<String, Gate> gates = new LinkedHashMap<>();
  private final Map<String, RaftVipNode> running = new LinkedHashMap<>();
  private final Map<String, String> macs = new LinkedHashMap<>();
  private final List<ScenarioReport.Commit> commits = new ArrayList<>();
  private final List<ProbeEvent> events = new ArrayList<>();
  private final List<KernelView.Round> rounds = new ArrayList<>();
  private final List<KernelWatcher.NeighbourChange> neighbour = new ArrayList<>();
  private final List<KernelWatcher.AddressChange> addresses = new ArrayList<>();
  private final UUID group = UUID.randomUUID();
  private Path storage;
  private Thread sampler;
  private volatile boolean stopped;
  private boolean closed;

  SimulatedCluster(String vipName, String vip) {
    this.vipName = VipName.of(vipName);
    this.spec = VipSpec.of(vipName, vip + "/32");
    for (int i = 1; i <= names.size(); i++) {
      macs.put("n" + i, String.format(Locale.ROOT, "02:00:00:00:00:%02x", 10 + i));
    }
  }

  @Override
  public String description() {
    return "SIMULATED: three RaftVipNode instances in this process (Raft over loopback, leases,"
        + " reconciler), each on an in-memory data plane; a simulated client";
  }

  @Override
  public List<String> nodes() {
    return names;
  }

  @Override
  public Map<String, String> macs() {
    return macs;
  }

  @Override
  public long udpIntervalMs() {
    return UDP_INTERVAL_MS;
  }

  @Override
  public void start(Progress progress) {
    progress.say(
        "SIMULATED: starting 3 RaftVipNode instances in this process on 127.0.0.1 with in-memory"
            + " data planes (no namespaces, no kernel)");
    try {
      storage = Files.createTempDirectory("raftvip-demo-sim-");
      for (String n : names) {
        members.put(
            n,
            new RaftVipNode.Member(
                NodeId.of(n),
                InetAddress.getLoopbackAddress().getHostAddress(),
                freePort(),
                freePort()));
        kernels.put(n, InMemoryDataPlane.onSystemClock());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the simulated cluster", e);
    }
    long t0 = System.nanoTime();
    for (String n : names) {
      startNode(n);
    }
    sampler = new Thread(this::sample, "demo-sim-sampler");
    sampler.setDaemon(true);
    sampler.start();
    await(
        () -> {
          ClusterState s = any().state();
          return s.nodes().size() == 3
              && s.nodes().values().stream().allMatch(i -> i.status() == NodeStatus.ACTIVE)
              && any().leaderId().isPresent();
        },
        60_000,
        () -> "all three nodes to join: " + describe());
    progress.say(
        String.format(
            Locale.ROOT,
            "SIMULATED: leader %s elected, all 3 nodes ACTIVE after %.1f s",
            any().leaderId().map(NodeId::value).orElse("?"),
            (System.nanoTime() - t0) / 1e9));
    submit(new Command.CreateVip(spec));
    progress.say("SIMULATED: CreateVip " + spec.name().value() + " committed");
    String owner = settle(60_000);
    progress.say("SIMULATED: VIP placed on " + owner + ": fence open, address added, announced");
  }

  private void startNode(String n) {
    Gate gate = new Gate(kernels.get(n));
    RaftVipNode.Builder b =
        RaftVipNode.builder()
            .nodeId(NodeId.of(n))
            .storageDir(storage.resolve(n))
            .groupId(group)
            .dataPlane(gate)
            .observer(new Observer(n))
            .closeTimeout(Duration.ofSeconds(5));
    members.values().forEach(b::member);
    try {
      RaftVipNode node = b.start();
      synchronized (this) {
        running.put(n, node);
        gates.put(n, gate);
      }
    } catch (IOException e) {
      throw new DemoFailed("cannot start simulated node " + n + ": " + e.getMessage(), e);
    }
  }

  /** Records every new assignment of the VIP as this node applies it. */
  private final class Observer implements StateListener {
    private final String node;
    private long lastEpoch = -1;

    Observer(String node) {
      this.node = node;
    }

    @Override
    public void onApplied(ClusterState next, Command command, Outcome outcome, long index) {
      Optional<Vip> v = next.vip(vipName);
      if (v.isPresent() && v.get().assignment() instanceof Assignment.Owned o) {
        if (o.epoch() != lastEpoch) {
          lastEpoch = o.epoch();
          synchronized (commits) {
            if (commits.size() < EVENTS_MAX) {
              commits.add(
                  new ScenarioReport.Commit(
                      Clocks.wallMicros(),
                      o.owner().value(),
                      o.epoch(),
                      command.getClass().getSimpleName(),
                      node));
            }
          }
        }
      }
    }
  }

  /**
   * The node's view of its kernel: passes every call through until the node is killed, then drops
   * them (a dead process changes nothing; the in-memory kernel keeps its fence to the deadline).
   */
  private static final class Gate implements DataPlane {
    private final InMemoryDataPlane kernel;
    private volatile boolean dead;

    Gate(InMemoryDataPlane kernel) {
      this.kernel = kernel;
    }

    @Override
    public long nowMs() {
      return kernel.nowMs();
    }

    @Override
    public void flush() {
      if (!dead) {
        kernel.flush();
      }
    }

    @Override
    public void armFence(VipSpec spec, long epoch, long deadlineMs) {
      if (!dead) {
        kernel.armFence(spec, epoch, deadlineMs);
      }
    }

    @Override
    public void closeFence(VipSpec spec) {
      if (!dead) {
        kernel.closeFence(spec);
      }
    }

    @Override
    public void addAddress(VipSpec spec, int validLifetimeSec) {
      if (!dead) {
        kernel.addAddress(spec, validLifetimeSec);
      }
    }

    @Override
    public void removeAddress(VipSpec spec) {
      if (!dead) {
        kernel.removeAddress(spec);
      }
    }

    @Override
    public void announce(VipSpec spec, BooleanSupplier stillOwned) {
      if (!dead) {
        kernel.announce(spec, stillOwned);
      }
    }

    @Override
    public void close() {
      // The kernel outlives the node.
    }
  }

  /** The outside witnesses, every {@value #SAMPLE_PERIOD_MS} ms. */
  private void sample() {
    long seq = 0;
    long nextUdp = 0;
    long nextDirected = 0;
    long nextArp = 0;
    Map<String, Integer> announcedSeen = new LinkedHashMap<>();
    Map<String, Boolean> configured = new LinkedHashMap<>();
    String entry = "";
    while (!stopped) {
      long nowMs = System.nanoTime() / 1_000_000;
      long start = Clocks.wallMicros();
      int live = 0;
      int conf = 0;
      int open = 0;
      List<String> serving = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        String n = names.get(i);
        InMemoryDataPlane k = kernels.get(n);
        boolean has = k.hasAddress(vipName);
        boolean fence = k.fenceOpen(vipName);
        if (has) {
          conf |= 1 << i;
        }
        if (fence) {
          open |= 1 << i;
        }
        if (has && fence) {
          live |= 1 << i;
          serving.add(n);
        }
        Boolean before = configured.put(n, has);
        if (before == null || before != has) {
          addresses.add(new KernelWatcher.AddressChange(n, start, has));
        }
        int announced = (int) k.announced().stream().filter(vipName::equals).count();
        if (announced > announcedSeen.getOrDefault(n, 0)) {
          announcedSeen.put(n, announced);
          add(new ProbeEvent(start, ProbeEvent.Kind.GARP, -1, n, macs.get(n), false, "simulated"));
          if (!macs.get(n).equals(entry)) {
            entry = macs.get(n);
            neighbour.add(
                new KernelWatcher.NeighbourChange(start, Optional.of(entry), "REACHABLE"));
          }
        }
      }
      synchronized (this) {
        if (rounds.size() < EVENTS_MAX) {
          rounds.add(new KernelView.Round(start, Clocks.wallMicros(), live, conf, open));
        }
      }
      // The client: UDP through its neighbour entry (resolved by ARP when it has none).
      if (nowMs >= nextUdp) {
        nextUdp = nowMs + UDP_INTERVAL_MS;
        seq++;
        add(ProbeEvent.of(start, ProbeEvent.Kind.UDP_SENT, seq));
        if (entry.isEmpty() && serving.size() == 1) {
          entry = macs.get(serving.get(0));
          neighbour.add(new KernelWatcher.NeighbourChange(start, Optional.of(entry), "REACHABLE"));
        }
        for (String n : serving) {
          if (macs.get(n).equals(entry)) {
            add(new ProbeEvent(start, ProbeEvent.Kind.UDP_REPLY, seq, n, entry, false, ""));
          }
        }
      }
      if (nowMs >= nextDirected) {
        nextDirected = nowMs + DIRECTED_INTERVAL_MS;
        seq++;
        add(ProbeEvent.of(start, ProbeEvent.Kind.DIRECTED_SENT, seq));
        for (String n : serving) {
          add(
              new ProbeEvent(
                  start, ProbeEvent.Kind.DIRECTED_REPLY, seq, n, macs.get(n), false, ""));
        }
      }
      if (nowMs >= nextArp) {
        nextArp = nowMs + ARP_INTERVAL_MS;
        seq++;
        add(ProbeEvent.of(start, ProbeEvent.Kind.ARP_SENT, seq));
        for (String n : serving) {
          add(new ProbeEvent(start, ProbeEvent.Kind.ARP_REPLY, seq, n, macs.get(n), false, ""));
        }
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(SAMPLE_PERIOD_MS));
    }
  }

  private synchronized void add(ProbeEvent e) {
    if (events.size() < EVENTS_MAX) {
      events.add(e);
    }
  }

  @Override
  public String settle(long timeoutMs) {
    for (String n : names) {
      if (node(n).isEmpty()) {
        restart(n);
      }
    }
    String[] owner = {""};
    await(
        () -> {
          ClusterState s = any().state();
          Optional<Vip> v = s.vip(vipName);
          KernelView.Round r = latest();
          if (v.isEmpty()
              || !(v.get().assignment() instanceof Assignment.Owned o)
              || s.nodes().size() != 3
              || !s.nodes().values().stream().allMatch(i -> i.status() == NodeStatus.ACTIVE)
              || r == null
              || r.liveCount() != 1) {
            return false;
          }
          owner[0] = o.owner().value();
          return names.get(Integer.numberOfTrailingZeros(r.liveMask())).equals(owner[0]);
        },
        timeoutMs,
        () -> "the simulated cluster to settle: " + describe());
    return owner[0];
  }

  private synchronized KernelView.Round latest() {
    return rounds.isEmpty() ? null : rounds.get(rounds.size() - 1);
  }

  @Override
  public Optional<String> soleServerSince(long afterMicros) {
    KernelView.Round r = latest();
    if (r == null || r.startMicros() <= afterMicros || r.liveCount() != 1) {
      return Optional.empty();
    }
    return Optional.of(names.get(Integer.numberOfTrailingZeros(r.liveMask())));
  }

  @Override
  public Probing probe() {
    long from = Clocks.wallMicros();
    return new Probing() {
      @Override
      public int udpAnswersFrom(String node, long sinceMicros) {
        synchronized (SimulatedCluster.this) {
          int count = 0;
          for (int i = events.size() - 1;
              i >= 0 && events.get(i).epochMicros() >= sinceMicros;
              i--) {
            ProbeEvent e = events.get(i);
            if (e.kind() == ProbeEvent.Kind.UDP_REPLY && e.node().equals(node)) {
              count++;
            }
          }
          return count;
        }
      }

      @Override
      public Timeline stop() {
        synchronized (SimulatedCluster.this) {
          return Timeline.of(
              events.stream().filter(e -> e.epochMicros() >= from - 2_000_000).toList());
        }
      }
    };
  }

  @Override
  public CommitWatch watchCommits(String avoid) {
    String via = names.stream().filter(n -> !n.equals(avoid)).findFirst().orElseThrow();
    long from = Clocks.wallMicros();
    return new CommitWatch() {
      @Override
      public List<ScenarioReport.Commit> commits() {
        synchronized (commits) {
          return commits.stream()
              .filter(c -> c.reportedBy().equals(via) && c.wallMicros() >= from)
              .sorted(Comparator.comparingLong(ScenarioReport.Commit::wallMicros))
              .toList();
        }
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public synchronized List<KernelView.Round> rounds(long fromMicros, long toMicros) {
    return rounds.stream()
        .filter(r -> r.startMicros() >= fromMicros && r.startMicros() <= toMicros)
        .toList();
  }

  @Override
  public synchronized List<KernelWatcher.NeighbourChange> neighbourChanges() {
    return List.copyOf(neighbour);
  }

  @Override
  public synchronized List<KernelWatcher.AddressChange> addressChanges() {
    return List.copyOf(addresses);
  }

  @Override
  public boolean supports(Scenario s) {
    return s == Scenario.KILL || s == Scenario.MOVE;
  }

  @Override
  public String kill(String node) {
    RaftVipNode n;
    Gate g;
    synchronized (this) {
      n = running.remove(node);
      g = gates.get(node);
    }
    if (n == null) {
      throw new DemoFailed("simulated node " + node + " is not running");
    }
    g.dead = true; // from now on the node changes nothing in its kernel, like a killed process
    n.halt();
    return "SIMULATED kill of "
        + node
        + ": the node halts (Raft and lease threads stop, no hand-over) and its data plane stops"
        + " obeying at once, so its fence stays open until its deadline";
  }

  @Override
  public void restart(String node) {
    startNode(node);
  }

  @Override
  public String pause(String node) {
    throw new UnsupportedOperationException("pause is not simulated");
  }

  @Override
  public void resume(String node) {
    throw new UnsupportedOperationException("pause is not simulated");
  }

  @Override
  public String partition(String node) {
    throw new UnsupportedOperationException("partition is not simulated");
  }

  @Override
  public void heal() {
    throw new UnsupportedOperationException("partition is not simulated");
  }

  @Override
  public String move(String target) {
    submit(new Command.MoveVip(vipName, Optional.of(NodeId.of(target)), OptionalLong.empty()));
    return "MoveVip " + vipName.value() + " -> " + target + " (SIMULATED cluster)";
  }

  @Override
  public List<String> stop() {
    List<RaftVipNode> nodes;
    synchronized (this) {
      nodes = new ArrayList<>(running.values());
      running.clear();
    }
    for (RaftVipNode n : nodes) {
      n.close();
    }
    List<String> leftover = new ArrayList<>();
    for (String n : names) {
      if (kernels.get(n).hasAddress(vipName)) {
        leftover.add(n);
      }
    }
    return leftover;
  }

  @Override
  public String files() {
    return "(simulated: no agent logs)";
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    stop();
    stopped = true;
    if (sampler != null) {
      try {
        sampler.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (storage != null) {
      try (var s = Files.walk(storage)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // best effort: a temporary directory
      }
    }
  }

  private Optional<RaftVipNode> node(String n) {
    synchronized (this) {
      return Optional.ofNullable(running.get(n));
    }
  }

  private RaftVipNode any() {
    synchronized (this) {
      if (running.isEmpty()) {
        throw new DemoFailed("no simulated node runs");
      }
      return running.values().iterator().next();
    }
  }

  private void submit(Command c) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CALL_TIMEOUT_MS);
    Exception last = null;
    while (System.nanoTime() - deadline < 0) {
      try {
        any().submit(c, Duration.ofSeconds(5)).get(6, TimeUnit.SECONDS);
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DemoFailed("interrupted", e);
      } catch (Exception e) {
        last = e;
        LanCluster.sleepMs(100);
      }
    }
    throw new DemoFailed(c.getClass().getSimpleName() + " failed: " + last, last);
  }

  /** The state as the first running node sees it and the latest kernel sample, for messages. */
  private String describe() {
    try {
      ClusterState s = any().state();
      return "leader="
          + any().leaderId().map(NodeId::value).orElse("(none)")
          + " nodes="
          + s.nodes().values().stream().map(i -> i.id().value() + ":" + i.status()).toList()
          + " vip="
          + s.vip(vipName).map(v -> v.assignment().toString()).orElse("(none)")
          + " kernel="
          + latest();
    } catch (DemoFailed e) {
      return e.getMessage();
    }
  }

  private static void await(BooleanSupplier condition, long timeoutMs, Supplier<String> what) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline >= 0) {
        throw new DemoFailed("timed out after " + timeoutMs + " ms waiting for " + what.get());
      }
      LanCluster.sleepMs(10);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
