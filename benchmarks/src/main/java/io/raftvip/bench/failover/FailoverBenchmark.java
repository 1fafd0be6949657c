package io.raftvip.bench.failover;

import io.raftvip.cli.lan.KernelView;
import io.raftvip.cli.lan.VipProbes;
import io.raftvip.testlan.Host;
import io.raftvip.testlan.TestLan;
import io.raftvip.testlan.probe.ProbeEvent;
import io.raftvip.testlan.probe.Timeline;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end failover, as a client sees it, of raftvip's real agents and of keepalived (default and
 * fast VRRPv3 settings) on the same namespace LAN, with the same client, probes and faults, in one
 * run. See {@code benchmarks/run.sh failover --help} and {@link Scenario}.
 *
 * <p>One {@link TestLan} (switch, 3 nodes, client). A {@link VipProbes} responder per node answers
 * exactly the probes its kernel delivers for the VIP, a prober in the client namespace sends UDP
 * probes every 5 ms through the client's stack plus directed per-node probes and ARP rounds every
 * 10 ms, and {@link KernelView} samples every node's kernel (VIP configured, fence open) every 20
 * ms. Per scenario the systems take turns in blocks of trials (serpentine order), so load drift of
 * the shared host affects each. Everything is bounded: per-trial timeouts, a soft budget after
 * which no new trial starts, and a hard watchdog that exits (the LAN's shutdown hook removes the
 * namespaces).
 */
public final class FailoverBenchmark {

  static final String VIP = "198.18.0.200";
  static final long FAULT_MS = 5_000;
  static final long BEFORE_MS = 1_000;
  static final long AFTER_MS = 3_000;
  static final long TAKEOVER_MAX_MS = 15_000;
  static final long OLD_STILL_ANSWERING_MS = 250;
  static final int MASS_VIPS = 1000;
  static final long IDLE_WINDOW_MS = 10_000;
  static final long RESOURCE_FAILOVER_WINDOW_MS = 5_000;

  static final List<String> ALL_SYSTEMS =
      List.of("raftvip", "keepalived-default", "keepalived-fast");

  private final Options opt;
  private final Path dir;
  private final List<TrialResult> results = new ArrayList<>();
  private final Map<String, Integer> leftovers = new LinkedHashMap<>();
  private final List<String> resourceRows = new ArrayList<>();
  private final List<String> resourceJson = new ArrayList<>();
  private final Map<String, VipSystem> systems = new LinkedHashMap<>();
  private final long startNanos = System.nanoTime();
  private TestLan lan;
  private VipProbes probes;
  private KernelView kernel;
  private VipSystem active;
  private String activeKey;
  private int activeVips;
  private Scenario activeScenario;

  /** Command-line options. */
  record Options(
      int trials,
      int block,
      List<Scenario> scenarios,
      List<String> systems,
      boolean resources,
      Path json,
      Path keepLogs,
      long budgetMinutes) {

    static Options parse(String[] args) {
      int trials = 20;
      int block = 10;
      List<Scenario> scenarios = Arrays.asList(Scenario.values());
      List<String> systems = ALL_SYSTEMS;
      boolean resources = true;
      Path json = null;
      Path keepLogs = null;
      long budget = 240;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--trials" -> trials = Integer.parseInt(args[++i]);
          case "--block" -> block = Integer.parseInt(args[++i]);
          case "--quick" -> {
            trials = 3;
            block = 3;
          }
          case "--scenarios" ->
              scenarios = Arrays.stream(args[++i].split(",")).map(Scenario::parse).toList();
          case "--systems" -> {
            systems = List.of(args[++i].split(","));
            for (String s : systems) {
              if (!ALL_SYSTEMS.contains(s)) {
                throw new IllegalArgumentException(
                    "unknown system " + s + "; one of " + ALL_SYSTEMS);
              }
            }
          }
          case "--no-resources" -> resources = false;
          case "--resources-only" -> scenarios = List.of();
          case "--json" -> json = Path.of(args[++i]);
          case "--keep-logs" -> keepLogs = Path.of(args[++i]);
          case "--budget-minutes" -> budget = Long.parseLong(args[++i]);
          default -> throw new IllegalArgumentException("unknown argument " + a);
        }
      }
      if (trials < 1 || trials > 1000 || block < 1 || budget < 1 || budget > 24 * 60) {
        throw new IllegalArgumentException("trials 1-1000, block >= 1, budget 1-1440 minutes");
      }
      if (json == null) {
        json =
            Path.of("benchmarks", "target", "failover-" + Instant.now().getEpochSecond() + ".json");
      }
      return new Options(trials, block, scenarios, systems, resources, json, keepLogs, budget);
    }
  }

  private FailoverBenchmark(Options opt, Path dir) {
    this.opt = opt;
    this.dir = dir;
  }

  public static void main(String[] args) throws Exception {
    Options opt;
    try {
      opt = Options.parse(args);
    } catch (RuntimeException e) {
      System.err.println("failover: " + e.getMessage());
      System.exit(2);
      return;
    }
    // Hard bound: the soft budget plus time to finish the trial under way and tear down.
    Thread watchdog =
        new Thread(
            () -> {
              try {
                Thread.sleep(TimeUnit.MINUTES.toMillis(opt.budgetMinutes() + 15));
                System.err.println("failover: watchdog: hard time limit reached, exiting");
                System.exit(3);
              } catch (InterruptedException e) {
                // finished in time
              }
            },
            "failover-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    Path dir = Files.createTempDirectory("raftvip-failover-");
    FailoverBenchmark b = new FailoverBenchmark(opt, dir);
    try {
      b.run();
    } finally {
      watchdog.interrupt();
      if (opt.keepLogs() != null) {
        Logs.copyLogs(dir, opt.keepLogs());
      }
      Logs.deleteTree(dir);
    }
    System.exit(0);
  }

  private boolean outOfBudget() {
    return System.nanoTime() - startNanos > TimeUnit.MINUTES.toNanos(opt.budgetMinutes());
  }

  private static void progress(String s) {
    System.err.println(Instant.now() + " " + s);
  }

  private void run() throws Exception {
    progress(
        "failover: trials "
            + opt.trials()
            + ", block "
            + opt.block()
            + ", scenarios "
            + opt.scenarios()
            + ", systems "
            + opt.systems()
            + ", load "
            + loadAverage());
    String loadStart = loadAverage();
    try {
      lan = TestLan.builder().name("fobench").nodes(3).client(true).start();
      probes = VipProbes.start(lan, VIP);
      kernel = KernelView.start(lan.nodes(), VIP, 32);
      for (int i = 0; i < opt.scenarios().size(); i++) {
        runScenario(opt.scenarios().get(i), i);
      }
      deactivate();
      if (opt.resources() && !outOfBudget()) {
        resources();
      }
    } finally {
      try {
        deactivate();
      } catch (RuntimeException e) {
        progress("failover: stopping the last system failed: " + e);
      }
      systems.values().forEach(VipSystem::close);
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
    long totalS = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
    String report =
        Report.markdown(
            results, leftovers, resourceRows, opt, totalS, loadStart, loadAverage(), outOfBudget());
    System.out.println(report);
    Files.createDirectories(opt.json().toAbsolutePath().getParent());
    Files.writeString(
        opt.json(),
        Report.json(results, leftovers, resourceJson, opt, totalS, loadStart, loadAverage()),
        StandardCharsets.UTF_8);
    progress("failover: JSON written to " + opt.json().toAbsolutePath());
  }

  /**
   * All trials of {@code sc}: per block, every system in turn, the order reversed every other block
   * and every other scenario (serpentine: the system that ran last keeps running, and no system is
   * always first or last).
   */
  private void runScenario(Scenario sc, int index) throws Exception {
    List<String> order = new ArrayList<>(opt.systems());
    if (sc == Scenario.LEADER) {
      order.removeIf(s -> !s.equals("raftvip")); // keepalived has no leader
    }
    int vips = sc == Scenario.MASS ? MASS_VIPS : 1;
    int blocks = (opt.trials() + opt.block() - 1) / opt.block();
    MassView mass = null;
    try {
      if (sc == Scenario.MASS) {
        mass = MassView.start(lan.nodes(), VIP, vips);
      }
      for (int b = 0; b < blocks; b++) {
        List<String> blockOrder = new ArrayList<>(order);
        if ((b + index) % 2 == 1) {
          java.util.Collections.reverse(blockOrder);
        }
        for (String label : blockOrder) {
          for (int t = b * opt.block(); t < Math.min(opt.trials(), (b + 1) * opt.block()); t++) {
            if (outOfBudget()) {
              progress("failover: time budget used up; no more trials");
              return;
            }
            VipSystem sys = activate(label, vips, sc);
            TrialResult r;
            try {
              r = trial(sys, sc, t + 1, mass);
            } catch (Exception | AssertionError e) {
              progress("failover: " + label + " " + sc.id + " #" + (t + 1) + " failed: " + e);
              r = failed(label, sc, t + 1, e.toString().replace('\n', ' '));
              try {
                sys.stopAll(); // a clean restart for the next trial
              } catch (Exception x) {
                progress("failover: stop after failure: " + x);
              }
            }
            results.add(r);
            progress(Report.line(r));
          }
        }
      }
    } finally {
      if (mass != null) {
        mass.close();
      }
    }
  }

  private static TrialResult failed(String label, Scenario sc, int trial, String note) {
    return new TrialResult(
        label, sc, trial, false, note, -1, -1, -1, -1, -1, -1, -1, -1, 0, -1, 0, 0, -1, -1, -1);
  }

  /** Makes {@code label} with {@code vips} VIPs the running system (stopping the other first). */
  private VipSystem activate(String label, int vips, Scenario sc) throws Exception {
    String key = label + "/" + vips;
    if (key.equals(activeKey)) {
      activeScenario = sc;
      return active;
    }
    deactivate();
    VipSystem sys =
        systems.computeIfAbsent(
            key,
            k -> {
              Path d = dir.resolve(k.replace('/', '-'));
              return switch (label) {
                case "raftvip" -> new RaftvipCluster(lan, kernel, d, VIP, vips, false);
                case "keepalived-default" ->
                    new KeepalivedCluster(lan, kernel, d, VIP, vips, false);
                case "keepalived-fast" -> new KeepalivedCluster(lan, kernel, d, VIP, vips, true);
                default -> throw new IllegalArgumentException(label);
              };
            });
    progress("failover: starting " + key + " (load " + loadAverage() + ")");
    sys.startAll();
    active = sys;
    activeKey = key;
    activeVips = vips;
    activeScenario = sc;
    return sys;
  }

  /** Stops the running system and counts (then removes) what it left in the kernels. */
  private void deactivate() throws InterruptedException {
    if (active == null) {
      return;
    }
    active.stopAll();
    Thread.sleep(500);
    Leftovers.Count c = Leftovers.countAndClean(lan, VIP, activeVips);
    String k = active.label() + "/" + (activeScenario == null ? "-" : activeScenario.id);
    leftovers.merge(k, c.total(), Integer::sum);
    if (c.total() > 0) {
      progress(
          "failover: "
              + k
              + " left "
              + c.addresses()
              + " VIP addresses and "
              + c.fenceTables()
              + " fence tables after stop");
    }
    active = null;
    activeKey = null;
  }

  private List<Long> allPids(VipSystem sys) {
    List<Long> out = new ArrayList<>();
    for (Host h : lan.nodes()) {
      out.addAll(sys.pids(h.index()));
    }
    return out;
  }

  /** One trial: settle, probe, fault, observe, lift the fault, recover. */
  private TrialResult trial(VipSystem sys, Scenario sc, int trial, MassView mass) throws Exception {
    int owner;
    if (sc == Scenario.LEADER) {
      OptionalInt o = sys.ownerAsLeader();
      if (o.isEmpty()) {
        return failed(sys.label(), sc, trial, "could not make the owner the leader");
      }
      owner = o.getAsInt();
    } else {
      owner = sys.settle();
    }
    long now = KernelView.nowMicros();
    kernel.forgetBefore(now - 60_000_000L);
    if (mass != null) {
      mass.forgetBefore(now - 60_000_000L);
    }
    Host old = lan.node(owner);
    VipProbes.Run run = probes.probe();
    Timeline timeline;
    long from;
    long fault;
    long faultEnd = -1;
    long cpuMs;
    long cpuWindowMs;
    boolean restoreDue = false;
    String note = "";
    try {
      long answersBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (run.udpAnswersFrom("n" + owner, run.startMicros()) == 0
          && System.nanoTime() < answersBy) {
        Thread.sleep(20);
      }
      if (run.udpAnswersFrom("n" + owner, run.startMicros()) == 0) {
        note = "owner n" + owner + " did not answer before the fault; ";
      }
      from = KernelView.nowMicros();
      Thread.sleep(BEFORE_MS);
      Map<Long, Long> cpu0 = ProcStats.cpuMsByPid(allPids(sys));
      fault = KernelView.nowMicros();
      // A crashed node stays off the LAN until the observation ends (then it "reboots": its cable
      // comes back and recover() restarts the daemon), so a dead daemon's VIP cannot answer.
      restoreDue = sc.timed || sc == Scenario.CRASH;
      switch (sc) {
        case KILL, LEADER, MASS -> sys.signal(owner, "KILL");
        case STOP -> sys.signal(owner, "STOP");
        case LINKDOWN -> lan.linkDown(old);
        case PARTITION -> lan.isolate(old);
        case CRASH -> {
          sys.signal(owner, "KILL");
          lan.cutLink(old);
        }
        case MOVE -> sys.moveAway(owner);
        case TERM -> sys.signal(owner, "TERM");
      }
      long deadline = fault + TAKEOVER_MAX_MS * 1000;
      while (KernelView.nowMicros() < deadline) {
        KernelView.Round r = kernel.latest();
        if (r != null && r.startMicros() > fault && (r.liveMask() & ~(1 << (owner - 1))) != 0) {
          break;
        }
        Thread.sleep(10);
      }
      if (sc.timed) {
        long left = (fault + FAULT_MS * 1000 - KernelView.nowMicros()) / 1000;
        if (left > 0) {
          Thread.sleep(left);
        }
        faultEnd = KernelView.nowMicros();
        restore(sys, sc, owner);
        restoreDue = false;
      }
      if (sc == Scenario.MASS) {
        long allBy = fault + TAKEOVER_MAX_MS * 1000;
        while (mass.allElsewhereMicros(owner, fault) < 0 && KernelView.nowMicros() < allBy) {
          Thread.sleep(50);
        }
      }
      Thread.sleep(AFTER_MS);
      cpuMs = ProcStats.cpuDeltaMs(cpu0);
      cpuWindowMs = (KernelView.nowMicros() - fault) / 1000;
    } finally {
      timeline = run.stop();
      if (restoreDue) {
        restore(sys, sc, owner);
      }
    }
    long to = KernelView.nowMicros();
    if (faultEnd < 0) {
      faultEnd = to;
    }
    // Takeover: the first kernel round after the fault with another node live.
    int next = -1;
    long takeover = -1;
    for (KernelView.Round r : kernel.rounds(fault, to)) {
      int others = r.liveMask() & ~(1 << (owner - 1));
      if (others != 0) {
        next = Integer.numberOfTrailingZeros(others) + 1;
        takeover = r.endMicros();
        break;
      }
    }
    String newNode = next > 0 ? "n" + next : "none";
    Timeline.Report rep =
        timeline.analyze(new Timeline.Window(from, fault, to, "n" + owner, newNode));
    OptionalLong lastOld =
        timeline.lastReply(ProbeEvent.Kind.DIRECTED_REPLY, "n" + owner, fault, faultEnd);
    double oldSilent;
    if (lastOld.isEmpty()) {
      oldSilent = 0;
    } else if (lastOld.getAsLong() > faultEnd - OLD_STILL_ANSWERING_MS * 1000) {
      oldSilent = -1; // still answering when the fault ended
    } else {
      oldSilent = ms(lastOld.getAsLong() - fault);
    }
    double oldDrops = -1;
    double configuredOverlap = 0;
    int liveOverlapRounds = 0;
    List<KernelView.Round> rounds = kernel.rounds(from, to);
    for (int i = 0; i < rounds.size(); i++) {
      KernelView.Round r = rounds.get(i);
      if (oldDrops < 0
          && r.startMicros() >= fault
          && r.startMicros() <= faultEnd
          && (r.configuredMask() & (1 << (owner - 1))) == 0) {
        oldDrops = ms(r.startMicros() - fault);
      }
      if (Integer.bitCount(r.configuredMask()) >= 2 && i + 1 < rounds.size()) {
        configuredOverlap += ms(rounds.get(i + 1).startMicros() - r.startMicros());
      }
      if (r.liveCount() >= 2) {
        liveOverlapRounds++;
      }
    }
    if (liveOverlapRounds > 0) {
      note +=
          "kernel: VIP configured and unfenced on two nodes in " + liveOverlapRounds + " rounds; ";
    }
    if (next < 0) {
      note += "no takeover within " + TAKEOVER_MAX_MS + " ms; ";
    }
    double allMoved = -1;
    if (mass != null) {
      note += "old owner held " + mass.countOn(owner, fault) + " VIPs; ";
      long all = mass.allElsewhereMicros(owner, fault);
      allMoved = all < 0 ? -1 : ms(all - fault);
    }
    boolean ok = next > 0 && !note.startsWith("owner");
    if (next > 0 && rep.firstUdpFromNew().isEmpty()) {
      note += "the client never got a UDP answer from the new node; ";
    }
    TrialResult result =
        new TrialResult(
            sys.label(),
            sc,
            trial,
            ok,
            note.trim(),
            owner,
            next,
            ms(rep.outage().micros()),
            takeover < 0 ? -1 : ms(takeover - fault),
            rep.firstUdpFromNew().isPresent() ? ms(rep.firstUdpFromNew().getAsLong() - fault) : -1,
            oldSilent,
            oldDrops,
            ms(rep.overlapMicros()),
            rep.directed().roundsWithSeveral() + rep.arp().roundsWithSeveral(),
            configuredOverlap,
            rep.udpFlaps(),
            rep.arpFlaps(),
            allMoved,
            cpuWindowMs > 0 ? 100.0 * cpuMs / cpuWindowMs : -1,
            loadOne());
    sys.recover(owner);
    return result;
  }

  private void restore(VipSystem sys, Scenario sc, int owner) {
    Host old = lan.node(owner);
    switch (sc) {
      case STOP -> sys.signal(owner, "CONT");
      case LINKDOWN -> lan.linkUp(old);
      case PARTITION -> lan.heal();
      case CRASH -> lan.restoreLink(old);
      default -> {}
    }
  }

  /**
   * Memory and CPU of each system's daemons with 1, 100 and 1000 VIPs: idle over {@link
   * #IDLE_WINDOW_MS}, then the survivors' CPU for {@link #RESOURCE_FAILOVER_WINDOW_MS} after the
   * owner's daemon is killed.
   */
  private void resources() throws Exception {
    List<String> labels = new ArrayList<>(opt.systems());
    for (int vips : List.of(1, 100, MASS_VIPS)) {
      for (String label : labels) {
        if (outOfBudget()) {
          return;
        }
        try {
          resourcesOf(label, vips);
        } catch (Exception | AssertionError e) {
          progress("failover: resources " + label + "/" + vips + " failed: " + e);
          resourceRows.add("| " + label + " | " + vips + " | failed: " + e + " | | | | |");
        }
      }
    }
    deactivate();
  }

  private void resourcesOf(String label, int vips) throws Exception {
    VipSystem sys = activate(label, vips, null);
    int owner = sys.settle();
    Thread.sleep(3_000);
    List<Long> pids = allPids(sys);
    long cpu0 = ProcStats.cpuMs(pids);
    long t0 = System.nanoTime();
    Thread.sleep(IDLE_WINDOW_MS);
    double idlePct =
        100.0
            * (ProcStats.cpuMs(pids) - cpu0)
            / TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)
            / 3;
    double rssMiB = 0;
    double heapMiB = 0;
    int heapN = 0;
    for (Host h : lan.nodes()) {
      rssMiB += ProcStats.rssKiB(sys.pids(h.index())) / 1024.0 / 3;
      if (label.equals("raftvip")) {
        for (long pid : sys.pids(h.index())) {
          long kib = ProcStats.heapUsedKiB(h, pid);
          if (kib >= 0) {
            heapMiB += kib / 1024.0;
            heapN++;
          }
        }
      }
    }
    List<Long> survivors = new ArrayList<>();
    for (Host h : lan.nodes()) {
      if (h.index() != owner) {
        survivors.addAll(sys.pids(h.index()));
      }
    }
    long s0 = ProcStats.cpuMs(survivors);
    long f0 = System.nanoTime();
    long faultMicros = KernelView.nowMicros();
    sys.signal(owner, "KILL");
    long takeover = -1;
    long deadline = faultMicros + RESOURCE_FAILOVER_WINDOW_MS * 1000;
    while (KernelView.nowMicros() < deadline) {
      KernelView.Round r = kernel.latest();
      if (takeover < 0
          && r != null
          && r.startMicros() > faultMicros
          && (r.liveMask() & ~(1 << (owner - 1))) != 0) {
        takeover = r.endMicros() - faultMicros;
      }
      Thread.sleep(20);
    }
    double failPct =
        100.0
            * (ProcStats.cpuMs(survivors) - s0)
            / TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - f0)
            / 2;
    String heap = heapN > 0 ? String.format(Locale.ROOT, "%.1f", heapMiB / heapN) : "n/a";
    String row =
        String.format(
            Locale.ROOT,
            "| %s | %d | %.1f | %s | %.2f | %.1f | %s | %s |",
            label,
            vips,
            rssMiB,
            heap,
            idlePct,
            failPct,
            takeover < 0 ? "none in 5 s" : Long.toString(takeover / 1000),
            loadOne());
    resourceRows.add(row);
    resourceJson.add(
        String.format(
            Locale.ROOT,
            "{\"system\":\"%s\",\"vips\":%d,\"rssMiBPerDaemon\":%.1f,\"heapUsedMiBPerAgent\":%s,"
                + "\"cpuIdlePercentPerDaemon\":%.2f,\"cpuFailoverPercentPerSurvivor\":%.1f,"
                + "\"takeoverMs\":%d}",
            label,
            vips,
            rssMiB,
            heapN > 0 ? heap : "null",
            idlePct,
            failPct,
            takeover < 0 ? -1 : takeover / 1000));
    progress("failover: resources " + row);
    sys.recover(owner);
  }

  static double ms(long micros) {
    return micros / 1000.0;
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  static double loadOne() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }
}
