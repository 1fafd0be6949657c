package io.raftvip.cli.demo;

import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.coordinator.core.lease.GrantReply;
import io.raftvip.coordinator.core.lease.OwnedVip;
import io.raftvip.coordinator.core.lease.OwnerEffect;
import io.raftvip.coordinator.core.lease.OwnerLease;
import io.raftvip.coordinator.core.lease.TimingSettings;
import io.raftvip.netio.NetioException;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The demo's node agent: a child JVM in one node's namespace that owns that node's data plane and
 * holds the VIP under the core's lease rules ({@link OwnerLease}), talking to the demo driver (the
 * leader) over stdin/stdout ({@link AgentWire}).
 *
 * <p>Every {@code renewIntervalMs} it reads its monotonic clock, then sends {@code renew}; a grant
 * echoes that send time and the lease deadline becomes send time + lease (never the receive time).
 * It arms the fence to the deadline before it adds the address (valid lifetime as backstop) and
 * announces with G-ARP when it starts serving; when the deadline passes without a newer grant it
 * stops serving, and the kernel has already closed the fence at the deadline, even if this JVM was
 * stopped or killed. A release closes the fence, removes the address and answers {@code release}.
 *
 * <pre>
 * DemoOwnerAgent --node n1 --vip demo=198.18.0.200/32 [--ifname eth0] [--lease-ms 200]
 *     [--renew-ms 50] [--max-run-ms 600000]
 * </pre>
 *
 * <p>Threads: one loop thread does everything (lease, effects, sending); a daemon thread only reads
 * stdin into a bounded queue. Standard output carries the protocol only; logging goes to stderr.
 * Bounded: it exits after {@code max-run-ms}, on {@code quit}, or when stdin closes (the driver is
 * gone), removing its address and fence tables first.
 */
public final class DemoOwnerAgent {

  static final long MAX_RUN_MAX_MS = 3_600_000;
  static final int INBOUND_MAX = 1024;

  /** The loop wakes at least this often even with nothing due (bounded reaction to a deadline). */
  static final long WAKE_MAX_MS = 5;

  private static final String EOF = "\u0000eof";

  /** Rounds of the pure and the kernel warm-up (see {@link #warmUp}, NodeDataPlane#warmUp). */
  static final int WARM_UP_PURE_ROUNDS = 300;

  static final int WARM_UP_KERNEL_ROUNDS = 20;

  private final NodeId node;
  private final VipSpec vip;
  private final String ifname;
  private final TimingSettings timing;
  private final long maxRunMs;
  private final PrintStream protocol;
  private final BlockingQueue<String> inbound = new ArrayBlockingQueue<>(INBOUND_MAX);
  private NodeDataPlane dataPlane;
  private volatile OwnerLease lease;
  private long lastJoinMs = Long.MIN_VALUE / 2;

  private DemoOwnerAgent(
      NodeId node,
      VipSpec vip,
      String ifname,
      TimingSettings timing,
      long maxRunMs,
      PrintStream protocol) {
    this.node = node;
    this.vip = vip;
    this.ifname = ifname;
    this.timing = timing;
    this.maxRunMs = maxRunMs;
    this.protocol = protocol;
    this.lease = OwnerLease.start(node, timing);
  }

  public static void main(String[] argv) {
    // The protocol owns stdout; anything else printing there would corrupt it.
    PrintStream protocol =
        new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
    System.setOut(System.err);
    DemoOwnerAgent agent;
    try {
      agent = fromArgs(argv, protocol);
    } catch (IllegalArgumentException e) {
      System.err.println("DemoOwnerAgent: " + e.getMessage());
      System.exit(2);
      return;
    }
    int code = agent.run();
    System.exit(code);
  }

  static DemoOwnerAgent fromArgs(String[] argv, PrintStream protocol) {
    Map<String, String> a = new LinkedHashMap<>();
    for (int i = 0; i < argv.length; i++) {
      if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
        throw new IllegalArgumentException("expected --key value pairs, got '" + argv[i] + "'");
      }
      a.put(argv[i].substring(2), argv[++i]);
    }
    Set<String> known = Set.of("node", "vip", "ifname", "lease-ms", "renew-ms", "max-run-ms");
    for (String k : a.keySet()) {
      if (!known.contains(k)) {
        throw new IllegalArgumentException("unknown option --" + k);
      }
    }
    String vipArg = require(a, "vip");
    int eq = vipArg.indexOf('=');
    if (eq < 1) {
      throw new IllegalArgumentException("--vip must be NAME=CIDR, was '" + vipArg + "'");
    }
    TimingSettings timing =
        TimingSettings.builder()
            .leaseDurationMs(number(a, "lease-ms", 200))
            .renewIntervalMs(number(a, "renew-ms", 50))
            .build();
    long maxRun = number(a, "max-run-ms", 600_000);
    if (maxRun < 1 || maxRun > MAX_RUN_MAX_MS) {
      throw new IllegalArgumentException("--max-run-ms must be in 1.." + MAX_RUN_MAX_MS);
    }
    return new DemoOwnerAgent(
        NodeId.of(require(a, "node")),
        VipSpec.of(vipArg.substring(0, eq), vipArg.substring(eq + 1)),
        a.getOrDefault("ifname", "eth0"),
        timing,
        maxRun,
        protocol);
  }

  private static String require(Map<String, String> a, String key) {
    String v = a.get(key);
    if (v == null) {
      throw new IllegalArgumentException("--" + key + " is required");
    }
    return v;
  }

  private static long number(Map<String, String> a, String key, long fallback) {
    String v = a.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + key + " must be a number, was '" + v + "'", e);
    }
  }

  int run() {
    Thread reader = new Thread(this::readStdin, "agent-stdin");
    reader.setDaemon(true);
    reader.start();
    try {
      dataPlane = NodeDataPlane.open(ifname, this::report);
    } catch (RuntimeException e) {
      report("failed", NodeDataPlane.fields("error", e.getMessage()));
      e.printStackTrace();
      return 1;
    }
    try {
      dataPlane.adopt(vip);
      warmUp(timing);
      dataPlane.warmUp(WARM_UP_KERNEL_ROUNDS);
      report(
          "started",
          NodeDataPlane.fields(
              "pid",
              ProcessHandle.current().pid(),
              "lease-ms",
              timing.leaseDurationMs(),
              "renew-ms",
              timing.renewIntervalMs()));
      join(nowMs());
      return loop();
    } catch (RuntimeException e) {
      report("failed", NodeDataPlane.fields("error", String.valueOf(e.getMessage())));
      e.printStackTrace();
      return 1;
    } finally {
      try {
        step(lease.stop(nowMs()));
      } catch (RuntimeException e) {
        e.printStackTrace();
      }
      dataPlane.close();
      report("stopped", NodeDataPlane.fields());
    }
  }

  private int loop() {
    long endNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxRunMs);
    long nextRenewMs = nowMs();
    ArrayDeque<String> pending = new ArrayDeque<>();
    while (System.nanoTime() - endNanos < 0) {
      // Time first: an agent resumed after SIGSTOP finds its lease over before it reads anything.
      step(lease.tick(nowMs()));
      inbound.drainTo(pending, INBOUND_MAX);
      while (!pending.isEmpty()) {
        String line = pending.poll();
        if (line.equals(EOF)) {
          return 0; // the driver is gone
        }
        Optional<AgentWire.FromDriver> m = AgentWire.parseFromDriver(line);
        if (m.isEmpty()) {
          System.err.println("ignoring line from driver: " + line);
        } else if (m.get() instanceof AgentWire.Quit) {
          return 0;
        } else if (m.get() instanceof AgentWire.GrantMessage g) {
          if (g.grant().asOfIndex() > lease.viewAsOfIndex()) {
            report(
                "view",
                NodeDataPlane.fields(
                    "as-of-index", g.grant().asOfIndex(), "held", g.grant().held().size()));
          }
          step(lease.grantReceived(g.grant(), nowMs()));
        } else if (m.get() instanceof AgentWire.RefuseMessage r) {
          refused(r.refusal());
        }
      }
      dataPlane.sendDueRounds(System.nanoTime());
      long now = nowMs();
      if (now >= nextRenewMs) {
        // The send time is read before the request is written: the lease counts from here.
        OwnerLease.Renewal renewal = lease.renewalSent(nowMs());
        lease = renewal.next();
        send(AgentWire.renew(renewal.request().sentAtMs(), renewal.request().leaseDurationMs()));
        nextRenewMs = renewal.request().sentAtMs() + timing.renewIntervalMs();
      }
      long waitMs = Math.min(WAKE_MAX_MS, Math.max(0, nextRenewMs - nowMs()));
      long deadline = lease.deadlineMs();
      if (!lease.servingEpochs().isEmpty() && deadline > now) {
        waitMs = Math.min(waitMs, deadline - now);
      }
      OptionalLong round = dataPlane.nextRoundDueNanos();
      if (round.isPresent()) {
        waitMs = Math.min(waitMs, Math.max(0, (round.getAsLong() - System.nanoTime()) / 1_000_000));
      }
      try {
        String first = inbound.poll(Math.max(1, waitMs), TimeUnit.MILLISECONDS);
        if (first != null) {
          pending.add(first);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 1;
      }
    }
    report("max-run-reached", NodeDataPlane.fields("max-run-ms", maxRunMs));
    return 0;
  }

  /** Carries out one step of the lease: the next lease first, then its effects in order. */
  private void step(OwnerLease.Step s) {
    OwnerLease before = lease;
    lease = s.next();
    if (s.effects().isEmpty()) {
      return;
    }
    long now = nowMs();
    boolean stops = s.effects().stream().anyMatch(e -> e instanceof OwnerEffect.CloseFence);
    if (stops && !before.servingEpochs().isEmpty() && now >= before.deadlineMs()) {
      report(
          "lease-expired",
          NodeDataPlane.fields(
              "deadline-ms", before.deadlineMs(), "noticed-late-ms", now - before.deadlineMs()));
    }
    Set<VipName> armFailed = new HashSet<>();
    for (OwnerEffect effect : s.effects()) {
      if (armFailed.contains(effect.vip())
          && (effect instanceof OwnerEffect.AddAddress || effect instanceof OwnerEffect.Announce)) {
        continue; // never an address without an armed fence
      }
      long epoch = epochOf(effect);
      try {
        dataPlane.execute(effect, () -> stillServing(effect.vip(), epoch)).ifPresent(this::send);
      } catch (NetioException e) {
        if (effect instanceof OwnerEffect.ArmFence) {
          armFailed.add(effect.vip());
        }
        report(
            "effect-failed",
            NodeDataPlane.fields(
                "effect", effect.getClass().getSimpleName(), "error", e.getMessage()));
      }
    }
  }

  private static long epochOf(OwnerEffect e) {
    if (e instanceof OwnerEffect.ArmFence a) {
      return a.epoch();
    }
    if (e instanceof OwnerEffect.AddAddress a) {
      return a.epoch();
    }
    if (e instanceof OwnerEffect.Announce a) {
      return a.epoch();
    }
    if (e instanceof OwnerEffect.CommitRelease c) {
      return c.epoch();
    }
    return -1;
  }

  /**
   * Runs the pure lease path (parse a grant, serve, refresh, lapse, release) on a throwaway lease,
   * so that the first real takeover does not pay for class loading and the interpreter.
   */
  static void warmUp(TimingSettings timing) {
    NodeId self = NodeId.of("warm-up");
    VipSpec spec = VipSpec.of("warm-up", NodeDataPlane.WARM_UP_CIDR);
    for (int i = 0; i < WARM_UP_PURE_ROUNDS; i++) {
      long t = 1_000_000L + i * 10_000L;
      for (boolean releasing : new boolean[] {false, true}) {
        OwnerLease.Renewal r = OwnerLease.start(self, timing).renewalSent(t);
        String line =
            AgentWire.grant(
                GrantReply.Grant.of(t, 5, Map.of(spec.name(), new OwnedVip(spec, 5, false))));
        AgentWire.GrantMessage g =
            (AgentWire.GrantMessage) AgentWire.parseFromDriver(line).orElseThrow();
        OwnerLease.Step s = r.next().grantReceived(g.grant(), t + 1);
        s = s.next().tick(t + timing.renewIntervalMs());
        if (releasing) {
          s =
              s.next()
                  .grantReceived(
                      GrantReply.Grant.of(t, 6, Map.of(spec.name(), new OwnedVip(spec, 5, true))),
                      t + 2);
        }
        s = s.next().tick(t + timing.leaseDurationMs() + 1);
        AgentWire.renew(t, timing.leaseDurationMs());
        AgentWire.event("warm-up", t, t, NodeDataPlane.fields("epoch", 5, "deadline-ms", t));
        for (OwnerEffect e : s.effects()) {
          epochOf(e);
        }
      }
    }
  }

  /** The ownership check of an announcement, read before every round. */
  private boolean stillServing(VipName name, long epoch) {
    OwnerLease l = lease;
    Long serving = l.servingEpochs().get(name);
    return serving != null && serving == epoch && nowMs() < l.deadlineMs();
  }

  private void refused(GrantReply.Refusal r) {
    report("refused", NodeDataPlane.fields("reason", r.reason().name()));
    GrantReply.Reason why = r.reason();
    if (why == GrantReply.Reason.NODE_EXPIRED || why == GrantReply.Reason.UNKNOWN_NODE) {
      // The leader expired us (or never knew us): join again, at most once per renewal period.
      long now = nowMs();
      if (now - lastJoinMs >= timing.renewIntervalMs()) {
        join(now);
      }
    }
  }

  private void join(long nowMs) {
    lastJoinMs = nowMs;
    send(AgentWire.join());
  }

  private void report(String what, Map<String, Object> fields) {
    Instant wall = Instant.now();
    send(
        AgentWire.event(
            what,
            System.nanoTime(),
            wall.getEpochSecond() * 1_000_000L + wall.getNano() / 1_000,
            fields));
  }

  private synchronized void send(String line) {
    protocol.print(line);
    protocol.print('\n');
    protocol.flush();
  }

  private void readStdin() {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.length() <= AgentWire.LINE_LENGTH_MAX && !inbound.offer(line)) {
          System.err.println("inbound queue full, dropping: " + line);
        }
      }
    } catch (IOException e) {
      System.err.println("stdin: " + e.getMessage());
    }
    try {
      inbound.put(EOF);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The node clock of the lease: milliseconds of System.nanoTime (CLOCK_MONOTONIC). */
  static long nowMs() {
    return System.nanoTime() / NodeDataPlane.NANOS_PER_MS;
  }

  NodeId node() {
    return node;
  }
}
