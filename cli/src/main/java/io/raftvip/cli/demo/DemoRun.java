package io.raftvip.cli.demo;

import io.raftvip.cli.Json;
import io.raftvip.coordinator.core.Assignment;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.coordinator.core.lease.TimingSettings;
import io.raftvip.testlan.Host;
import io.raftvip.testlan.TestLan;
import io.raftvip.testlan.probe.ProbeEvent;
import io.raftvip.testlan.probe.ProbeLog;
import io.raftvip.testlan.probe.ProbeWire;
import io.raftvip.testlan.probe.VipProber;
import io.raftvip.testlan.probe.VipResponder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * One run of the data-plane failover demo: builds a namespace LAN (3 nodes and a client), starts a
 * {@link VipResponder} and a {@link DemoOwnerAgent} in every node and a {@link VipProber} in the
 * client, plays the leader ({@link DemoLeader}) over the agents' pipes, injects the faults one
 * after another, and prints each scenario's timeline as soon as it is over. Writes logs, {@code
 * timeline.json} and {@code timeline.svg} into the output directory.
 *
 * <p>Threads: the caller's thread runs the scenarios; one reader thread per agent feeds the leader;
 * a controller thread ticks the leader every {@value #CONTROLLER_TICK_MS} ms; the kernel watcher
 * has its own thread. Everything is bounded: every wait has a timeout, the children exit by
 * themselves after {@value #CHILD_MAX_RUN_MS} ms, and {@link TestLan#close()} (in a finally and in
 * the JVM's shutdown hooks) kills what this run started and removes the namespaces.
 */
final class DemoRun {

  static final String VIP_NAME = "demo";
  static final String VIP = "198.18.0.200";
  static final String VIP_CIDR = VIP + "/32";
  static final long CHILD_MAX_RUN_MS = 600_000;
  static final long CONTROLLER_TICK_MS = 2;
  static final long STARTUP_TIMEOUT_MS = 90_000;
  static final long TAKEOVER_TIMEOUT_MS = 10_000;
  static final long REJOIN_TIMEOUT_MS = 30_000;
  static final int AGENT_EVENTS_MAX = 500_000;
  static final long WINDOW_BEFORE_FAULT_MICROS = 500_000;
  static final long LOG_SETTLE_MICROS = 150_000;

  /** A step of the demo did not happen in time: the run stops and cleans up. */
  static final class DemoFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DemoFailed(String message) {
      super(message);
    }
  }

  /** What a run produced. */
  /**
   * What a run produced.
   *
   * @param leftover nodes that still had the VIP configured after every agent stopped (should be
   *     none: a clean stop removes the address)
   */
  record Result(
      Path outDir, List<ScenarioReport> reports, Path json, Path svg, List<String> leftover) {}

  private final DemoSettings settings;
  private final PrintWriter out;
  private final TimingSettings timing;
  private final VipSpec vip = VipSpec.of(VIP_NAME, VIP_CIDR);
  private final long startNanos = System.nanoTime();
  private final Map<String, AgentProcess> agents = new ConcurrentHashMap<>();
  private final List<ScenarioReport.NodeEvent> agentEvents =
      Collections.synchronizedList(new ArrayList<>());
  private final Path probeLog;
  private final long wallMinusMonoMicros = Clocks.wallMinusMonoMicros();
  private volatile boolean stopping;
  private TestLan lan;
  private DemoLeader leader;
  private KernelWatcher watcher;
  private Thread controller;
  private Process prober;
  private VipProber.Options probeOptions;

  DemoRun(DemoSettings settings, PrintWriter out) {
    this.settings = settings;
    this.out = out;
    this.timing =
        TimingSettings.builder()
            .leaseDurationMs(settings.leaseMs())
            .renewIntervalMs(settings.renewIntervalMs())
            .build();
    this.probeLog = settings.outDir().resolve("probe.log");
  }

  TimingSettings timing() {
    return timing;
  }

  /** Runs the demo; always tears everything down before returning or throwing. */
  Result run() {
    try {
      Files.createDirectories(settings.outDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + settings.outDir(), e);
    }
    Thread hook = new Thread(this::interrupted, "demo-ctrl-c");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return runOnLan();
    } finally {
      tearDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down: the hook runs
      }
    }
  }

  private Result runOnLan() {
    progress("building the namespace LAN: switch, nodes n1 n2 n3, client (198.18.0.0/24)");
    lan = TestLan.builder().name("demo").nodes(3).client(true).ipv6(false).start();
    progress("LAN up: namespaces " + String.join(" ", lan.namespaces()));
    DemoLeader.warmUp(timing, vip);
    leader = new DemoLeader(timing, vip, Clocks.monoMs());
    for (Host n : lan.nodes()) {
      n.startJava(
          VipResponder.class,
          AgentProcess.CHILD_JVM_OPTIONS,
          List.of(
              "--node", n.name(),
              "--port", String.valueOf(ProbeWire.DEFAULT_PORT),
              "--duration-ms", String.valueOf(CHILD_MAX_RUN_MS)),
          settings.outDir().resolve(n.name() + "-responder.log"));
      startAgent(n);
    }
    controller = new Thread(this::controlLoop, "demo-leader-controller");
    controller.setDaemon(true);
    controller.start();
    progress("starting 3 agent JVMs (fence, netlink, AF_PACKET) and 3 UDP responders");
    await(
        "every agent to join and every responder to listen",
        STARTUP_TIMEOUT_MS,
        () ->
            lan.nodes().stream()
                .allMatch(n -> leader.isActive(NodeId.of(n.name())) && responderListening(n)));
    progress(
        "agents joined: JoinNode n1, n2, n3 applied; leases granted every "
            + timing.renewIntervalMs()
            + " ms");
    watcher = KernelWatcher.start(vipAddress(), 32, lan.client(), lan.nodes());

    send(leader.createVip(Clocks.monoMs()));
    long created = Clocks.wallMicros();
    await(
        "the VIP to be placed and announced",
        TAKEOVER_TIMEOUT_MS,
        () -> leader.holder().isPresent() && announcedSince(holderName(), created));
    progress(
        "CreateVip "
            + VIP_CIDR
            + " applied; placed on "
            + holderName()
            + " (epoch "
            + epoch()
            + "): fence armed, address added, G-ARP sent");

    probeOptions = VipProber.Options.forLan(lan, VIP).withDurationMs(CHILD_MAX_RUN_MS);
    List<String> proberArgs = new ArrayList<>(probeOptions.toArgs());
    proberArgs.add("--out");
    proberArgs.add(probeLog.toString());
    prober =
        lan.client()
            .startJava(
                VipProber.class,
                AgentProcess.CHILD_JVM_OPTIONS,
                proberArgs,
                settings.outDir().resolve("prober.log"));
    await(
        "the client's probes to be answered",
        STARTUP_TIMEOUT_MS,
        () -> probeAnswered(holderName()));
    progress(
        "client probing "
            + VIP
            + ": UDP every "
            + probeOptions.udpIntervalMs()
            + " ms, directed probes to each node's MAC every "
            + probeOptions.directedIntervalMs()
            + " ms, ARP who-has from a spare identity every "
            + probeOptions.arpIntervalMs()
            + " ms; "
            + holderName()
            + " answers");

    List<ScenarioReport> reports = new ArrayList<>();
    int number = 0;
    for (Scenario s : settings.scenarios()) {
      number++;
      ScenarioRun run = runScenario(s);
      ScenarioReport report = report(run);
      reports.add(report);
      out.println();
      for (String line :
          DemoOutput.text(
              report, number, settings.scenarios().size(), probeOptions.udpIntervalMs())) {
        out.println(line);
      }
      out.println();
      out.flush();
    }

    Host.signal(prober, "TERM");
    try {
      prober.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stopAgents();
    List<String> leftover = leftover();
    writeLogs();
    Path json = settings.outDir().resolve("timeline.json");
    Path svg = settings.outDir().resolve("timeline.svg");
    writeFiles(reports, json, svg, leftover);
    summary(reports, json, svg, leftover);
    return new Result(settings.outDir(), List.copyOf(reports), json, svg, leftover);
  }

  private ScenarioRun runScenario(Scenario s) {
    return switch (s) {
      case KILL -> kill();
      case STOP -> stop();
      case PARTITION -> partition();
      case MOVE -> move();
    };
  }

  private ScenarioRun kill() {
    String old = holderName();
    AgentProcess a = agents.get(old);
    sleepMs(settings.steadyMs());
    long fault = Clocks.wallMicros();
    Host.signal(a.process(), "KILL");
    progress("kill: SIGKILL " + old + "'s agent (pid " + a.pid() + ")");
    String next = awaitTakeover(old, fault);
    progress("kill: " + next + " holds the VIP (epoch " + epoch() + ")");
    sleepMs(settings.observeMs());
    long to = Clocks.wallMicros();
    long restart = Clocks.wallMicros();
    AgentProcess fresh = startAgent(lan.node(index(old)));
    await(
        old + "'s new agent to join again",
        REJOIN_TIMEOUT_MS,
        () -> leader.isActive(NodeId.of(old)) && startedSince(old, restart));
    progress("kill: started a new agent on " + old + " (pid " + fresh.pid() + "); it joined again");
    return new ScenarioRun(
        Scenario.KILL,
        old,
        "SIGKILL "
            + old
            + "'s agent (pid "
            + a.pid()
            + "); its UDP responder keeps running, so"
            + " only the kernel fence silences "
            + old,
        fault - WINDOW_BEFORE_FAULT_MICROS,
        fault,
        Optional.empty(),
        "",
        to,
        List.of());
  }

  private ScenarioRun stop() {
    String old = holderName();
    AgentProcess a = agents.get(old);
    sleepMs(settings.steadyMs());
    long fault = Clocks.wallMicros();
    Host.signal(a.process(), "STOP");
    progress(
        "stop: SIGSTOP " + old + "'s agent (pid " + a.pid() + ") for " + settings.stopMs() + " ms");
    String next = awaitTakeover(old, fault);
    progress(
        "stop: " + next + " holds the VIP (epoch " + epoch() + ") while " + old + " is stopped");
    sleepUntil(fault + settings.stopMs() * 1_000);
    long cont = Clocks.wallMicros();
    Host.signal(a.process(), "CONT");
    progress("stop: SIGCONT " + old + "'s agent");
    await(
        old + "'s resumed agent to drop the VIP",
        TAKEOVER_TIMEOUT_MS,
        () -> eventSince(old, "lease-expired", cont) || eventSince(old, "fence-closed", cont));
    progress("stop: " + old + " found its lease over and dropped the VIP");
    sleepMs(settings.observeMs());
    long to = Clocks.wallMicros();
    await(old + " to join again", REJOIN_TIMEOUT_MS, () -> leader.isActive(NodeId.of(old)));
    return new ScenarioRun(
        Scenario.STOP,
        old,
        "SIGSTOP "
            + old
            + "'s agent (pid "
            + a.pid()
            + "): it can neither renew nor act; its"
            + " responder keeps running",
        fault - WINDOW_BEFORE_FAULT_MICROS,
        fault,
        Optional.of(cont),
        "SIGCONT " + old + "'s agent",
        to,
        List.of());
  }

  private ScenarioRun partition() {
    String old = holderName();
    Host oldHost = lan.node(index(old));
    sleepMs(settings.steadyMs());
    long fault = Clocks.wallMicros();
    leader.setDeaf(NodeId.of(old), true, Clocks.monoMs());
    lan.isolate(oldHost);
    progress(
        "partition: "
            + old
            + " cut off (the leader drops its renewals; nftables drops its"
            + " traffic to and from the other nodes)");
    String next = awaitTakeover(old, fault);
    progress("partition: " + next + " holds the VIP (epoch " + epoch() + ")");
    sleepUntil(fault + settings.partitionMs() * 1_000);
    long heal = Clocks.wallMicros();
    leader.setDeaf(NodeId.of(old), false, Clocks.monoMs());
    lan.heal();
    progress("partition: healed");
    sleepMs(settings.observeMs());
    long to = Clocks.wallMicros();
    await(old + " to join again", REJOIN_TIMEOUT_MS, () -> leader.isActive(NodeId.of(old)));
    return new ScenarioRun(
        Scenario.PARTITION,
        old,
        "partition "
            + old
            + " from the leader and from the other nodes; the client still"
            + " reaches every node",
        fault - WINDOW_BEFORE_FAULT_MICROS,
        fault,
        Optional.of(heal),
        "partition healed",
        to,
        List.of(
            "the leader is this driver process, so the cut between "
                + old
                + " and the leader is emulated: the driver drops "
                + old
                + "'s renewals and sends it nothing; lan.isolate("
                + old
                + ") also cuts it off from the other nodes with nftables"));
  }

  private ScenarioRun move() {
    String old = holderName();
    String target = nextNode(old);
    sleepMs(settings.steadyMs());
    long fault = Clocks.wallMicros();
    send(leader.move(NodeId.of(target), Clocks.monoMs()));
    progress("move: MoveVip " + VIP_NAME + " from " + old + " to " + target);
    await(
        target + " to take the VIP over",
        TAKEOVER_TIMEOUT_MS,
        () -> holderName().equals(target) && announcedSince(target, fault));
    progress("move: " + target + " holds the VIP (epoch " + epoch() + ")");
    sleepMs(settings.observeMs());
    long to = Clocks.wallMicros();
    return new ScenarioRun(
        Scenario.MOVE,
        old,
        "planned move: MoveVip " + VIP_NAME + " from " + old + " to " + target,
        fault - WINDOW_BEFORE_FAULT_MICROS,
        fault,
        Optional.empty(),
        "",
        to,
        List.of());
  }

  /** Waits until another node holds the VIP and has announced it since {@code sinceWall}. */
  private String awaitTakeover(String old, long sinceWall) {
    await(
        "another node to take the VIP over from " + old,
        TAKEOVER_TIMEOUT_MS,
        () -> {
          String h = holderName();
          return !h.isEmpty() && !h.equals(old) && announcedSince(h, sinceWall);
        });
    return holderName();
  }

  private ScenarioReport report(ScenarioRun run) {
    // The prober flushes its log every 20 ms: let the answers to the last probes land.
    sleepUntil(run.toWall() + LOG_SETTLE_MICROS);
    Map<String, String> macs = new LinkedHashMap<>();
    for (Host n : lan.nodes()) {
      macs.put(n.name(), n.macString());
    }
    List<ScenarioReport.NodeEvent> events;
    synchronized (agentEvents) {
      events = List.copyOf(agentEvents);
    }
    return ScenarioReport.build(
        run,
        events,
        leader.decisions(),
        wallMinusMonoMicros,
        watcher.neighbourChanges(),
        watcher.addressChanges(),
        ProbeLog.read(probeLog).timeline(),
        macs,
        timing);
  }

  private AgentProcess startAgent(Host n) {
    AgentProcess a =
        AgentProcess.start(
            n,
            List.of(
                "--node", n.name(),
                "--vip", VIP_NAME + "=" + VIP_CIDR,
                "--ifname", Host.IFNAME,
                "--lease-ms", String.valueOf(timing.leaseDurationMs()),
                "--renew-ms", String.valueOf(timing.renewIntervalMs()),
                "--max-run-ms", String.valueOf(CHILD_MAX_RUN_MS)),
            settings.outDir().resolve(n.name() + "-agent.log"),
            m -> onAgentMessage(n, m));
    AgentProcess before = agents.put(n.name(), a);
    if (before != null && before.isAlive()) {
      before.close();
    }
    return a;
  }

  private void onAgentMessage(Host n, AgentWire.FromAgent m) {
    NodeId node = NodeId.of(n.name());
    long now = Clocks.monoMs();
    if (m instanceof AgentWire.Renew r) {
      send(leader.onRenew(node, r.sentAtMs(), r.leaseDurationMs(), now));
    } else if (m instanceof AgentWire.Join) {
      // The state records a Raft address; there is no Raft in this demo, so it is never dialled.
      send(leader.onJoin(node, n.ipv4() + ":7101", now));
    } else if (m instanceof AgentWire.Release r) {
      send(leader.onRelease(node, r.vip(), r.epoch(), now));
    } else if (m instanceof AgentWire.Event e) {
      if (agentEvents.size() < AGENT_EVENTS_MAX) {
        agentEvents.add(new ScenarioReport.NodeEvent(n.name(), e));
      }
      if (e.what().equals("failed") || e.what().equals("effect-failed")) {
        progress("WARNING: " + n.name() + " agent: " + e.what() + " " + e.fields());
      }
    }
  }

  private void send(List<DemoLeader.Outbound> lines) {
    for (DemoLeader.Outbound o : lines) {
      AgentProcess a = agents.get(o.node().value());
      if (a != null) {
        a.send(o.line()); // false for a killed agent: nobody to tell
      }
    }
  }

  private void controlLoop() {
    while (!stopping) {
      try {
        send(leader.tick(Clocks.monoMs()));
      } catch (RuntimeException e) {
        progress("WARNING: leader tick failed: " + e);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(CONTROLLER_TICK_MS));
    }
  }

  private String holderName() {
    return leader.holder().map(NodeId::value).orElse("");
  }

  private long epoch() {
    return leader.assignment().map(Assignment::epoch).orElse(0L);
  }

  private String nextNode(String old) {
    int i = index(old);
    for (int k = 1; k <= lan.nodes().size(); k++) {
      Host n = lan.node((i - 1 + k) % lan.nodes().size() + 1);
      if (!n.name().equals(old) && leader.isActive(NodeId.of(n.name()))) {
        return n.name();
      }
    }
    throw new DemoFailed("no other active node to move the VIP to");
  }

  private static int index(String node) {
    return Integer.parseInt(node.substring(1));
  }

  private boolean announcedSince(String node, long sinceWall) {
    return eventSince(node, "announced", sinceWall);
  }

  private boolean startedSince(String node, long sinceWall) {
    return eventSince(node, "started", sinceWall);
  }

  private boolean eventSince(String node, String what, long sinceWall) {
    synchronized (agentEvents) {
      for (int i = agentEvents.size() - 1; i >= 0; i--) {
        ScenarioReport.NodeEvent e = agentEvents.get(i);
        if (e.wall() < sinceWall) {
          return false;
        }
        if (e.node().equals(node) && e.event().what().equals(what)) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean responderListening(Host n) {
    try {
      Path log = settings.outDir().resolve(n.name() + "-responder.log");
      return Files.exists(log)
          && Files.readString(log, StandardCharsets.UTF_8).contains("listening node=");
    } catch (IOException e) {
      return false;
    }
  }

  private boolean probeAnswered(String node) {
    for (ProbeEvent e : ProbeLog.read(probeLog).events()) {
      if (e.kind() == ProbeEvent.Kind.UDP_REPLY && e.node().equals(node)) {
        return true;
      }
    }
    return false;
  }

  private InetAddress vipAddress() {
    return NodeDataPlane.address(vip);
  }

  /** Every agent event and leader decision, one per line, for whoever wants to dig deeper. */
  private void writeLogs() {
    List<String> lines = new ArrayList<>();
    synchronized (agentEvents) {
      for (ScenarioReport.NodeEvent e : agentEvents) {
        lines.add(
            e.wall()
                + " "
                + e.node()
                + " "
                + e.event().what()
                + " mono-ns="
                + e.event().monoNanos()
                + " "
                + String.join(" ", AgentWire.describe(e.event())));
      }
    }
    List<String> decisions = new ArrayList<>();
    for (DemoLeader.Decision d : leader.decisions()) {
      decisions.add(
          (d.atMs() * 1_000L + wallMinusMonoMicros)
              + " "
              + d.what()
              + " "
              + d.node().map(NodeId::value).orElse("-")
              + " "
              + d.detail());
    }
    try {
      Files.write(settings.outDir().resolve("agents.log"), lines, StandardCharsets.UTF_8);
      Files.write(settings.outDir().resolve("leader.log"), decisions, StandardCharsets.UTF_8);
    } catch (IOException e) {
      progress("WARNING: cannot write the event logs: " + e.getMessage());
    }
  }

  /** Asks every agent to stop cleanly: each closes its fence and removes its address. */
  private void stopAgents() {
    for (AgentProcess a : agents.values()) {
      a.close();
    }
    progress("agents stopped (quit): each removed its VIP address and fence tables");
  }

  /** Nodes whose kernel still has the VIP after every agent stopped. */
  private List<String> leftover() {
    List<String> nodes = new ArrayList<>();
    for (Host n : lan.nodes()) {
      if (n.exec("ip", "-o", "-4", "addr", "show", "dev", Host.IFNAME)
          .stdout()
          .contains(VIP + "/")) {
        nodes.add(n.name());
      }
    }
    return List.copyOf(nodes);
  }

  private void writeFiles(
      List<ScenarioReport> reports, Path json, Path svg, List<String> leftover) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("demo", "raftvip data-plane failover demo");
    doc.put(
        "what",
        "real kernel fence, real G-ARP, real lease protocol; the leader is this driver process"
            + " (the Raft-replicated coordinator replaces it in a later release)");
    doc.put(
        "startedAt",
        Instant.ofEpochMilli(
                System.currentTimeMillis() - (System.nanoTime() - startNanos) / 1_000_000)
            .toString());
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("leaseDurationMs", timing.leaseDurationMs());
    t.put("renewIntervalMs", timing.renewIntervalMs());
    t.put("expiryWaitMs", timing.expiryWaitMs());
    t.put("driftBound", timing.driftBound());
    t.put("fencePrecisionMs", timing.fencePrecisionMs());
    t.put("expiryMarginMs", timing.expiryMarginMs());
    doc.put("timing", t);
    Map<String, Object> probe = new LinkedHashMap<>();
    probe.put("udpIntervalMs", probeOptions.udpIntervalMs());
    probe.put("directedIntervalMs", probeOptions.directedIntervalMs());
    probe.put("arpIntervalMs", probeOptions.arpIntervalMs());
    probe.put("log", probeLog.getFileName().toString());
    doc.put("probe", probe);
    List<Object> hosts = new ArrayList<>();
    for (Host h : lan.hosts()) {
      hosts.add(Map.of("name", h.name(), "ipv4", h.ipv4(), "mac", h.macString()));
    }
    doc.put("hosts", hosts);
    doc.put("vip", VIP_CIDR);
    doc.put("hostLoadAverage1m", loadAverage());
    doc.put("hostCpus", Runtime.getRuntime().availableProcessors());
    List<Object> scenarios = new ArrayList<>();
    for (ScenarioReport r : reports) {
      scenarios.add(DemoOutput.scenarioJson(r));
    }
    doc.put("scenarios", scenarios);
    doc.put("leftoverVipOnNodes", leftover);
    List<String> nodes = lan.nodes().stream().map(Host::name).toList();
    Map<String, String> macs = new LinkedHashMap<>();
    for (Host n : lan.nodes()) {
      macs.put(n.name(), n.macString());
    }
    try {
      Files.writeString(json, Json.write(doc) + "\n", StandardCharsets.UTF_8);
      Files.writeString(svg, DemoOutput.svg(reports, nodes, macs), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the timeline files", e);
    }
  }

  private void summary(List<ScenarioReport> reports, Path json, Path svg, List<String> leftover) {
    out.println(
        "summary (lease "
            + timing.leaseDurationMs()
            + " ms, renewals every "
            + timing.renewIntervalMs()
            + " ms, leader expiry wait "
            + timing.expiryWaitMs()
            + " ms):");
    out.println(
        String.format(
            Locale.ROOT,
            "  %-10s %-10s %11s %12s %18s %6s",
            "scenario",
            "holder",
            "outage ms",
            "overlap ms",
            "first answer new",
            "flaps"));
    for (ScenarioReport r : reports) {
      ScenarioReport.Figures f = r.figures();
      out.println(
          String.format(
              Locale.ROOT,
              "  %-10s %-10s %11.1f %12.1f %18s %6d",
              r.run().scenario().id(),
              r.run().oldNode() + "->" + r.newNode().orElse("?"),
              f.outageMs(),
              f.overlapMs(),
              DemoOutput.ms(f.firstAnswerNewMs()),
              f.udpFlaps()));
    }
    out.println(
        "host load average "
            + loadAverage()
            + " on "
            + Runtime.getRuntime().availableProcessors()
            + " CPUs: every time above includes waiting for a CPU");
    out.println(
        "leftover: "
            + (leftover.isEmpty()
                ? "none (no node has the VIP after the agents stopped)"
                : "VIP still configured on " + leftover));
    out.println("files: " + settings.outDir().toAbsolutePath());
    out.println(
        "  "
            + json.getFileName()
            + "  "
            + svg.getFileName()
            + "  probe.log  agents.log  leader.log  n*-agent.log  n*-responder.log  prober.log");
    out.flush();
  }

  /** The 1-minute load average, from /proc/loadavg. */
  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "(unknown)";
    }
  }

  private void await(String what, long timeoutMs, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline >= 0) {
        throw new DemoFailed("timed out after " + timeoutMs + " ms waiting for " + what);
      }
      sleepMs(5);
    }
  }

  private static void sleepMs(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DemoFailed("interrupted");
    }
  }

  private static void sleepUntil(long wallMicros) {
    long left = (wallMicros - Clocks.wallMicros()) / 1_000;
    if (left > 0) {
      sleepMs(left);
    }
  }

  void progress(String text) {
    double s = (System.nanoTime() - startNanos) / 1e9;
    synchronized (out) {
      out.println(String.format(Locale.ROOT, "[%5.1f s] %s", s, text));
      out.flush();
    }
  }

  /** Ctrl-C: the JVM is exiting; clean up what this run started. */
  private void interrupted() {
    if (!stopping) {
      synchronized (out) {
        out.println("interrupted: stopping the agents and removing the namespaces");
        out.flush();
      }
    }
    tearDown();
  }

  private synchronized void tearDown() {
    stopping = true;
    if (controller != null) {
      try {
        controller.join(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (watcher != null) {
      watcher.close();
      watcher = null;
    }
    for (AgentProcess a : agents.values()) {
      try {
        if (a.isAlive()) {
          Host.signal(a.process(), "CONT"); // a stopped agent cannot obey quit
        }
      } catch (RuntimeException e) {
        // it exited meanwhile
      }
      a.close();
    }
    agents.clear();
    if (lan != null) {
      lan.close();
      progress("cleaned up: agents stopped, namespaces removed");
      lan = null;
    }
  }
}
