package io.raftvip.cli.agent;

import io.raftvip.cli.ExitCodes;
import io.raftvip.cli.config.AgentConfig;
import io.raftvip.cli.config.ConfigParser;
import io.raftvip.cli.config.ConfigProblem;
import io.raftvip.cli.config.ConfigResult;
import io.raftvip.cli.config.Host;
import io.raftvip.coordinator.reconcile.KernelDataPlane;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code raftvip agent --config FILE}: runs this host's node until SIGTERM or SIGINT, then releases
 * its VIPs gracefully and exits 0. Refuses to start, with one line and exit code 2 (bad config) or
 * 1 (missing privileges, unusable storage directory, listener in use), rather than half-starting.
 */
@Command(
    name = "agent",
    description = {
      "Run the raftvip agent (one node of the quorum) in the foreground.",
      "Logs one line per event to stderr. SIGTERM/SIGINT move this node's VIPs away gracefully"
          + " (fence closed and address removed before the next owner starts), then exit.",
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:stopped by SIGTERM/SIGINT after a graceful release",
      "1:could not start: missing CAP_NET_ADMIN/CAP_NET_RAW, storage directory unusable or in"
          + " use, listener address in use, kernel refused",
      "2:the config file is invalid or does not fit this host (interfaces, addresses)",
    })
public final class AgentCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = {"--config", "-f"},
      required = true,
      paramLabel = "FILE",
      description = "The agent's YAML config (docs/config.md).")
  String configFile;

  private final Host host;
  private final Path procStatus;

  /**
   * @param host what the config's interfaces and listen addresses are checked against
   * @param procStatus where the capabilities are read ({@code /proc/self/status})
   */
  public AgentCommand(Host host, Path procStatus) {
    this.host = host;
    this.procStatus = procStatus;
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    ConfigResult result;
    try {
      result = ConfigParser.parse(Path.of(configFile));
    } catch (InvalidPathException e) {
      result = ConfigResult.fileError(configFile, "not a valid path: " + e.getReason());
    }
    if (result.ok()) {
      result = result.checkHost(host);
    }
    if (!result.ok()) {
      for (ConfigProblem p : result.errors()) {
        err.println("raftvip agent: " + p.format());
      }
      err.println(
          "raftvip agent: not started: fix the config (check it with raftvip config check)");
      err.flush();
      return ExitCodes.USAGE;
    }
    for (ConfigProblem p : result.warnings()) {
      err.println("raftvip agent: warning: " + p.format());
    }
    AgentConfig config = result.config().orElseThrow();
    FileChannel lock;
    Optional<String> token;
    try {
      Preflight.checkCapabilities(procStatus);
      lock = Preflight.lockStorage(config.node().storageDir());
      token = Preflight.readToken(config.admin().tokenFile());
    } catch (Preflight.Failed e) {
      err.println("raftvip agent: not started: " + e.getMessage());
      err.flush();
      return ExitCodes.FAILURE;
    }
    try {
      AgentSettings.timing(config.timing());
      AgentSettings.members(config);
    } catch (IllegalArgumentException e) {
      err.println("raftvip agent: " + configFile + ": " + e.getMessage());
      err.flush();
      closeQuietly(lock);
      return ExitCodes.USAGE;
    }
    Agent agent;
    try {
      KernelDataPlane plane =
          KernelDataPlane.open(config.node().interfaceName())
              .announceBurst(config.announce().count(), config.announce().interval().toMillis())
              .announceRefreshMs(config.announce().refresh().toMillis());
      agent = Agent.start(config, plane, token);
    } catch (Exception e) {
      err.println("raftvip agent: not started: " + describe(e));
      org.slf4j.LoggerFactory.getLogger(AgentCommand.class).debug("start failed", e);
      err.flush();
      closeQuietly(lock);
      return ExitCodes.FAILURE;
    }
    CountDownLatch stopRequested = new CountDownLatch(1);
    // SIGTERM/SIGINT end the wait below, so the graceful stop runs on this thread and the exit
    // code is 0; the hook covers other ways out (System.exit elsewhere), and close() is idempotent.
    for (String name : new String[] {"TERM", "INT"}) {
      sun.misc.Signal.handle(new sun.misc.Signal(name), s -> stopRequested.countDown());
    }
    Thread hook = new Thread(agent::close, "raftvip-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stopRequested.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    err.println("raftvip agent: stopping (signal received)");
    err.flush();
    try {
      agent.close();
    } finally {
      closeQuietly(lock);
    }
    return ExitCodes.OK;
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (java.io.IOException ignored) {
      // Released with the process anyway.
    }
  }
}
