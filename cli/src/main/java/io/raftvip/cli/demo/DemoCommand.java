package io.raftvip.cli.demo;

import io.raftvip.cli.ExitCodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code raftvip demo}: the data-plane failover demo on a LAN of network namespaces. Until the
 * Raft-backed agent exists, the leader is the demo's own process; everything below it is real.
 */
@Command(
    name = "demo",
    description = {
      "Data-plane failover demo on a LAN of network namespaces (3 nodes, 1 client): real kernel"
          + " fence, real G-ARP, real lease protocol; the leader is this driver process (the"
          + " Raft-replicated coordinator replaces it in a later release).",
      "",
      "Each node runs an agent JVM that owns its data plane (nftables fence, VIP address with a"
          + " lifetime backstop, G-ARP) and renews its lease with the driver; the client probes the"
          + " VIP (UDP through its own stack, directed probes to every node's MAC, ARP from a spare"
          + " identity). Faults: kill (SIGKILL the holder's agent), stop (SIGSTOP it for 3 s),"
          + " partition (cut the holder off), move (planned hand-over). After each one the demo"
          + " prints the timeline: fault, old fence deadline, takeover steps, the client's"
          + " neighbour entry, outage and overlap.",
      "",
      "Needs root (or CAP_SYS_ADMIN, CAP_NET_ADMIN and CAP_NET_RAW), iproute2, nftables,"
          + " libnftables1 and tcpdump. Creates only namespaces named rvt<pid>...-demo-* with"
          + " addresses in 198.18.0.0/24, never touches the host's interfaces, and removes"
          + " everything when it ends, fails or is interrupted with Ctrl-C. Takes about 30-40 s.",
    },
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the demo ran; every takeover happened without overlap",
      "1:a step failed or timed out, or a scenario showed overlap or no takeover",
      "2:not root (needs root or CAP_NET_ADMIN+CAP_NET_RAW), or bad options",
    })
public final class DemoCommand implements Callable<Integer> {

  /** Printed, exactly, when the process lacks the privileges. */
  public static final String NEEDS_ROOT = "needs root or CAP_NET_ADMIN+CAP_NET_RAW";

  static final String BANNER =
      "raftvip demo: data-plane failover demo: real kernel fence, real G-ARP, real lease"
          + " protocol; the leader is this driver process (the Raft-replicated coordinator"
          + " replaces it in a later release)";

  @Spec CommandSpec spec;

  @Option(
      names = "--scenarios",
      paramLabel = "LIST",
      defaultValue = "all",
      description =
          "Faults to inject, comma-separated, run in this order: kill, stop, partition, move;"
              + " or all (default: ${DEFAULT-VALUE}).")
  String scenarios;

  @Option(
      names = "--lease-ms",
      paramLabel = "MS",
      defaultValue = "200",
      description =
          "Node lease in ms; renewals go every quarter of it and the leader waits"
              + " (lease + fence precision) x drift + margin after the last grant before it"
              + " hands a lost holder's VIP over (default: ${DEFAULT-VALUE}, the core's default)."
              + " Raise it on a heavily loaded host: an agent that gets no CPU for a whole lease"
              + " loses the VIP (safely: its fence closes first).")
  long leaseMs;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Directory for the logs, timeline.json and timeline.svg (default:"
              + " ./raftvip-demo-<timestamp>).")
  Path out;

  private final BooleanSupplier privileged;

  /** The command with the real privilege check of this process. */
  public DemoCommand() {
    this(Privileges::ofThisProcess);
  }

  /** The command with an injected privilege check (tests). */
  public DemoCommand(BooleanSupplier privileged) {
    this.privileged = Objects.requireNonNull(privileged, "privileged");
  }

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    if (!privileged.getAsBoolean()) {
      stderr.println(NEEDS_ROOT);
      stderr.flush();
      return ExitCodes.USAGE;
    }
    DemoSettings settings;
    try {
      settings = DemoSettings.of(Scenario.parseList(scenarios), leaseMs, outDir());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    stdout.println(BANNER);
    stdout.flush();
    DemoRun.Result result = new DemoRun(settings, stdout).run();
    List<String> problems = problems(result);
    for (String p : problems) {
      stderr.println("raftvip demo: " + p);
    }
    stderr.flush();
    return problems.isEmpty() ? ExitCodes.OK : ExitCodes.FAILURE;
  }

  /** What makes a run a failure: a scenario without takeover, any overlap, a leftover VIP. */
  static List<String> problems(DemoRun.Result result) {
    List<String> out = new java.util.ArrayList<>();
    for (ScenarioReport r : result.reports()) {
      if (!r.tookOver()) {
        out.add(r.run().scenario().id() + ": the VIP did not move to another node");
      }
      if (r.figures().overlapMs() > 0) {
        out.add(
            r.run().scenario().id()
                + ": two nodes answered at once for "
                + r.figures().overlapMs()
                + " ms");
      }
    }
    if (!result.leftover().isEmpty()) {
      out.add("VIP still configured after the agents stopped on " + result.leftover());
    }
    return out;
  }

  private Path outDir() {
    if (out != null) {
      return out;
    }
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    return Path.of("raftvip-demo-" + stamp);
  }

  /** Whether a process may run the demo. */
  static final class Privileges {
    private static final int CAP_NET_ADMIN = 12;
    private static final int CAP_NET_RAW = 13;

    private Privileges() {}

    /** Effective uid 0, or CAP_NET_ADMIN and CAP_NET_RAW in the effective set. */
    static boolean ofThisProcess() {
      try {
        return fromStatus(Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read /proc/self/status", e);
      }
    }

    /** The same decision from the lines of a {@code /proc/<pid>/status} file. */
    static boolean fromStatus(List<String> status) {
      long capEff = 0;
      for (String line : status) {
        String[] f = line.trim().split("\\s+");
        if (f[0].equals("Uid:") && f.length >= 3 && f[2].equals("0")) {
          return true;
        }
        if (f[0].equals("CapEff:") && f.length >= 2) {
          capEff = Long.parseUnsignedLong(f[1], 16);
        }
      }
      long needed = (1L << CAP_NET_ADMIN) | (1L << CAP_NET_RAW);
      return (capEff & needed) == needed;
    }
  }
}
