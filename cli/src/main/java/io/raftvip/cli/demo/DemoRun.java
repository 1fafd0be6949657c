package io.raftvip.cli.demo;

import io.raftvip.cli.Json;
import io.raftvip.cli.demo.DemoCluster.DemoFailed;
import io.raftvip.testlan.probe.Timeline;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One run of the failover demo: starts the cluster ({@link LanCluster}: three real agent processes
 * on a namespace LAN, or {@link SimulatedCluster} with {@code --simulated}), creates the VIP,
 * injects the faults one after another into whichever node owns it, and prints each scenario's
 * timeline as soon as it is over. Writes {@code timeline.json} and {@code timeline.svg} into the
 * output directory.
 *
 * <p>Threads: the caller's thread runs the scenarios; the cluster's witnesses run their own. Every
 * wait has a timeout; the cluster is closed in a finally and in a JVM shutdown hook (Ctrl-C), which
 * stops the agents and removes the namespaces.
 */
final class DemoRun {

  static final String VIP_NAME = "demo";
  static final String VIP = "198.18.0.200";
  static final String VIP_CIDR = VIP + "/32";
  static final long SETTLE_TIMEOUT_MS = 180_000;
  static final long TAKEOVER_TIMEOUT_MS = 15_000;
  static final long ANSWER_TIMEOUT_MS = 10_000;
  static final int ANSWER_ATTEMPTS_MAX = 4;
  static final long LOG_SETTLE_MS = 100;

  /**
   * What a run produced.
   *
   * @param leftover nodes that still had the VIP configured after every agent stopped (should be
   *     none: a graceful stop removes the address)
   */
  record Result(
      Path outDir, List<ScenarioReport> reports, Path json, Path svg, List<String> leftover) {}

  private final DemoSettings settings;
  private final PrintWriter out;
  private final DemoCluster cluster;
  private final long startNanos = System.nanoTime();
  private volatile boolean finished;

  DemoRun(DemoSettings settings, PrintWriter out) {
    this.settings = settings;
    this.out = out;
    this.cluster =
        settings.simulated()
            ? new SimulatedCluster(VIP_NAME, VIP)
            : new LanCluster(settings.outDir(), VIP_NAME, VIP);
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
      return runCluster();
    } finally {
      finished = true;
      cluster.close();
      progress(
          settings.simulated()
              ? "cleaned up: in-process nodes stopped, their storage removed"
              : "cleaned up: agents stopped, namespaces removed, storage removed");
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down: the hook runs
      }
    }
  }

  private Result runCluster() {
    cluster.start(this::progress);
    List<ScenarioReport> reports = new ArrayList<>();
    int number = 0;
    List<Scenario> chosen = settings.scenarios();
    for (Scenario s : chosen) {
      number++;
      if (!cluster.supports(s)) {
        out.println();
        out.println(
            "== "
                + number
                + "/"
                + chosen.size()
                + " "
                + s.id()
                + ": skipped in --simulated: "
                + (s == Scenario.PAUSE
                    ? "SIGSTOP needs an agent process of its own"
                    : "a partition needs a network to cut")
                + "; run without --simulated as root to see it");
        out.flush();
        continue;
      }
      ScenarioReport report = runScenario(s);
      reports.add(report);
      out.println();
      for (String line : DemoOutput.text(report, number, chosen.size(), cluster.udpIntervalMs())) {
        out.println(line);
      }
      out.println();
      out.flush();
    }
    progress(
        settings.simulated()
            ? "closing the nodes gracefully (each hands its VIPs over or removes them)"
            : "stopping the agents gracefully (SIGTERM: each hands its VIPs over or removes them)");
    List<String> leftover = cluster.stop();
    Path json = settings.outDir().resolve("timeline.json");
    Path svg = settings.outDir().resolve("timeline.svg");
    writeFiles(reports, json, svg, leftover);
    summary(reports, json, svg, leftover);
    return new Result(settings.outDir(), List.copyOf(reports), json, svg, leftover);
  }

  /**
   * One scenario: settle, probe the owner in steady state, inject the fault, wait until another
   * node serves alone, lift the fault after {@code faultMs} (pause, partition), observe, report.
   */
  private ScenarioReport runScenario(Scenario s) {
    String old = "";
    DemoCluster.Probing probing = null;
    long from = 0;
    // The owner must answer the client, and still be the only node serving when the fault comes.
    // On a starved host an owner can lose its lease (safely) on its own: settle again, a bounded
    // number of times.
    for (int attempt = 1; probing == null; attempt++) {
      old = cluster.settle(SETTLE_TIMEOUT_MS);
      DemoCluster.Probing p = cluster.probe();
      long answersBy = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ANSWER_TIMEOUT_MS);
      long probeStart = Clocks.wallMicros();
      while (p.udpAnswersFrom(old, probeStart - 1_000_000) == 0
          && System.nanoTime() - answersBy < 0) {
        sleepMs(20);
      }
      String problem = "";
      if (p.udpAnswersFrom(old, probeStart - 1_000_000) == 0) {
        problem = "the client got no answer from " + old;
      } else {
        from = Clocks.wallMicros();
        sleepMs(settings.steadyMs());
        Optional<String> sole = cluster.soleServerSince(from);
        if (sole.isEmpty() || !sole.get().equals(old)) {
          problem = old + " lost the VIP on its own before the fault (host busy)";
        }
      }
      if (problem.isEmpty()) {
        probing = p;
      } else {
        p.stop();
        if (attempt >= ANSWER_ATTEMPTS_MAX) {
          throw new DemoFailed(
              s.id()
                  + ": "
                  + problem
                  + ", "
                  + attempt
                  + " times (host load "
                  + loadAverage()
                  + ")");
        }
        progress(s.id() + ": " + problem + "; settling again");
      }
    }
    String target = next(old);
    Timeline timeline;
    long fault;
    String how;
    Optional<Long> endFault = Optional.empty();
    String endText = "";
    long to;
    List<ScenarioReport.Commit> commits;
    try (DemoCluster.CommitWatch watch = cluster.watchCommits(old)) {
      fault = Clocks.wallMicros();
      how =
          switch (s) {
            case KILL -> cluster.kill(old);
            case PAUSE -> cluster.pause(old);
            case PARTITION -> cluster.partition(old);
            case MOVE -> cluster.move(target);
          };
      progress(s.id() + ": " + how);
      String next;
      try {
        next = awaitTakeover(old, fault);
        progress(s.id() + ": " + next + " serves the VIP alone (kernel view)");
        if (s == Scenario.PAUSE || s == Scenario.PARTITION) {
          sleepUntil(fault + settings.faultMs() * 1_000);
        }
      } finally {
        if (s == Scenario.PAUSE) {
          endFault = Optional.of(Clocks.wallMicros());
          cluster.resume(old);
          endText = "SIGCONT " + old + "'s agent";
          progress(s.id() + ": " + endText);
        } else if (s == Scenario.PARTITION) {
          endFault = Optional.of(Clocks.wallMicros());
          cluster.heal();
          endText = "partition healed";
          progress(s.id() + ": " + endText);
        }
      }
      sleepMs(settings.observeMs());
      to = Clocks.wallMicros();
      sleepMs(LOG_SETTLE_MS);
      commits = watch.commits();
    } finally {
      timeline = probing.stop();
    }
    if (s == Scenario.KILL) {
      long restartNanos = System.nanoTime();
      cluster.restart(old);
      progress(
          "kill: restarted "
              + old
              + (settings.simulated() ? "" : "'s agent (a new JVM)")
              + "; waiting for it to rejoin");
      cluster.settle(SETTLE_TIMEOUT_MS);
      progress(
          String.format(
              Locale.ROOT,
              "kill: %s rejoined after %.1f s",
              old,
              (System.nanoTime() - restartNanos) / 1e9));
    }
    ScenarioRun run = new ScenarioRun(s, old, how, from, fault, endFault, endText, to, List.of());
    return ScenarioReport.build(
        run,
        commits,
        cluster.rounds(from - 1_000_000, to),
        cluster.nodes(),
        cluster.neighbourChanges(),
        cluster.addressChanges(),
        timeline,
        cluster.macs());
  }

  /** Waits until a node other than {@code old} serves the VIP alone. */
  private String awaitTakeover(String old, long sinceWall) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TAKEOVER_TIMEOUT_MS);
    while (System.nanoTime() - deadline < 0) {
      Optional<String> sole = cluster.soleServerSince(sinceWall);
      if (sole.isPresent() && !sole.get().equals(old)) {
        return sole.get();
      }
      sleepMs(10);
    }
    throw new DemoFailed(
        "no other node served the VIP alone within " + TAKEOVER_TIMEOUT_MS + " ms after the fault");
  }

  /** The node after {@code node} in n1 n2 n3 order. */
  private String next(String node) {
    List<String> nodes = cluster.nodes();
    return nodes.get((nodes.indexOf(node) + 1) % nodes.size());
  }

  private void writeFiles(
      List<ScenarioReport> reports, Path json, Path svg, List<String> leftover) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("demo", "raftvip failover demo");
    doc.put("simulated", settings.simulated());
    doc.put("what", cluster.description());
    doc.put(
        "startedAt",
        Instant.ofEpochMilli(
                System.currentTimeMillis() - (System.nanoTime() - startNanos) / 1_000_000)
            .toString());
    Map<String, Object> probe = new LinkedHashMap<>();
    probe.put("udpIntervalMs", cluster.udpIntervalMs());
    doc.put("probe", probe);
    doc.put("macs", cluster.macs());
    doc.put("vip", VIP_CIDR);
    doc.put("hostLoadAverage1m", loadAverage());
    doc.put("hostCpus", Runtime.getRuntime().availableProcessors());
    List<Object> scenarios = new ArrayList<>();
    for (ScenarioReport r : reports) {
      scenarios.add(DemoOutput.scenarioJson(r));
    }
    doc.put("scenarios", scenarios);
    doc.put("leftoverVipOnNodes", leftover);
    try {
      Files.writeString(json, Json.write(doc) + "\n", StandardCharsets.UTF_8);
      Files.writeString(
          svg,
          DemoOutput.svg(
              reports,
              cluster.nodes(),
              cluster.macs(),
              settings.simulated() ? "SIMULATED: in-process nodes, in-memory data plane" : "real"),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the timeline files", e);
    }
  }

  private void summary(List<ScenarioReport> reports, Path json, Path svg, List<String> leftover) {
    out.println("summary" + (settings.simulated() ? " (SIMULATED)" : "") + ":");
    out.println(
        String.format(
            Locale.ROOT,
            "  %-10s %-10s %11s %12s %14s %18s %6s",
            "scenario",
            "owner",
            "outage ms",
            "overlap ms",
            "committed",
            "first answer new",
            "flaps"));
    for (ScenarioReport r : reports) {
      ScenarioReport.Figures f = r.figures();
      out.println(
          String.format(
              Locale.ROOT,
              "  %-10s %-10s %11.1f %12.1f %14s %18s %6d",
              r.run().scenario().id(),
              r.run().oldNode() + "->" + r.newNode().orElse("?"),
              f.outageMs(),
              f.overlapMs(),
              DemoOutput.ms(f.committedMs()),
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
                ? "none (no node has the VIP after the nodes stopped)"
                : "VIP still configured on " + leftover));
    out.println("timeline: " + svg.toAbsolutePath() + "  (and " + json.getFileName() + ")");
    out.println("files: " + settings.outDir().toAbsolutePath() + "  " + cluster.files());
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

  private static void sleepMs(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DemoFailed("interrupted", e);
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
    if (!finished) {
      synchronized (out) {
        out.println("interrupted: stopping the agents and removing the namespaces");
        out.flush();
      }
    }
    cluster.close();
  }
}
