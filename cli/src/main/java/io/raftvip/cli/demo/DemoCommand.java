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
 * {@code raftvip demo}: the failover demo. Three real {@code raftvip agent} processes on a LAN of
 * network namespaces (or, with {@code --simulated}, three in-process nodes on an in-memory data
 * plane), one VIP, a client probing it, four faults, a timeline after each.
 */
@Command(
    name = "demo",
    description = {
      "Failover demo: builds a LAN of network namespaces (a switch, nodes n1 n2 n3, a client;"
          + " 198.18.0.0/24), starts three real `raftvip agent` processes there (the daemon an"
          + " operator runs), creates a VIP through the admin API and has the client probe it"
          + " every few ms.",
      "",
      "Faults, each on the node that owns the VIP: kill (SIGKILL, then restart), pause (SIGSTOP"
          + " for 5 s), partition (cut off from the other nodes for 5 s), move (admin MoveVip)."
          + " After each the demo prints the timeline: the fault, the old owner's fence closing,"
          + " the new owner committed, its address added and announced, the client's neighbour"
          + " entry switching MAC, the client-visible outage and the overlap (two nodes"
          + " answering; it must be 0 ms).",
      "",
      "Needs root (or CAP_SYS_ADMIN, CAP_NET_ADMIN and CAP_NET_RAW), iproute2, nftables and"
          + " libnftables1. Creates only namespaces named rvt<pid>...-demo-* with addresses in"
          + " 198.18.0.0/24, never touches the host's interfaces, and removes everything when it"
          + " ends, fails or is interrupted with Ctrl-C. Takes about a minute.",
      "",
      "--simulated needs no privileges: the same three-node cluster (Raft, leases, placement,"
          + " reconciler) runs inside this process on loopback with an in-memory data plane and"
          + " a simulated client; it says so everywhere it prints.",
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

  /** Printed after {@link #NEEDS_ROOT}: what runs without them. */
  public static final String OFFER_SIMULATED =
      "or run `raftvip demo --simulated`: the same 3-node cluster in this process on an"
          + " in-memory network (no namespaces, no kernel fence)";

  static final String BANNER =
      "raftvip demo: three real `raftvip agent` processes on a LAN of network namespaces; one"
          + " VIP; a client probing it; faults: kill, pause, partition, move";

  static final String BANNER_SIMULATED =
      "raftvip demo --simulated: SIMULATED. The same 3-node cluster (Raft over loopback, leases,"
          + " placement, reconciler: real RaftVipNode instances) runs inside this process on an"
          + " in-memory data plane; the client is simulated too. No namespace, no kernel fence, no"
          + " G-ARP on a wire: for that run it as root without --simulated.";

  @Spec CommandSpec spec;

  @Option(
      names = "--scenarios",
      paramLabel = "LIST",
      defaultValue = "all",
      description =
          "Faults to inject, comma-separated, run in this order: kill, pause, partition, move;"
              + " or all (default: ${DEFAULT-VALUE}).")
  String scenarios;

  @Option(
      names = "--simulated",
      description =
          "Run the same cluster in this process on an in-memory network instead of agent"
              + " processes in network namespaces; needs no privileges.")
  boolean simulated;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Directory for the agent configs and logs, timeline.json and timeline.svg (default:"
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
    if (!simulated && !privileged.getAsBoolean()) {
      stderr.println(NEEDS_ROOT);
      stderr.println(OFFER_SIMULATED);
      stderr.flush();
      return ExitCodes.USAGE;
    }
    DemoSettings settings;
    try {
      settings = DemoSettings.of(Scenario.parseList(scenarios), simulated, outDir());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    stdout.println(simulated ? BANNER_SIMULATED : BANNER);
    stdout.flush();
    DemoRun.Result result;
    try {
      result = new DemoRun(settings, stdout).run();
    } catch (DemoCluster.DemoFailed e) {
      stderr.println("raftvip demo: " + e.getMessage());
      stderr.flush();
      return ExitCodes.FAILURE;
    }
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
      out.add("VIP still configured after the nodes stopped on " + result.leftover());
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
