package io.raftvip.cli.agent;

import io.raftvip.cli.lan.AgentCluster;
import io.raftvip.testlan.Host;
import io.raftvip.testlan.TestLan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A namespace LAN with one real {@code raftvip agent} process per node ({@link AgentCluster}),
 * configs and storage in a temporary directory, and kernel-side views (which node has the VIP
 * address). Closing kills what is still running (by PID, through {@link TestLan}) and removes the
 * namespaces.
 */
final class AgentLan implements AutoCloseable {

  static final int RAFT_PORT = AgentCluster.RAFT_PORT;
  static final int ADMIN_PORT = AgentCluster.ADMIN_PORT;

  final TestLan lan;
  final Path dir;
  final AgentCluster agents;

  AgentLan(String name, int nodes, String vipsYaml) throws IOException {
    this.dir = Files.createTempDirectory("raftvip-agentlan-");
    this.lan = TestLan.builder().name(name).nodes(nodes).client(true).start();
    this.agents = new AgentCluster(lan, dir, dir, vipsYaml, jvmArgs());
  }

  Host node(int i) {
    return lan.node(i);
  }

  /** Starts node i's agent (writing its config first). */
  Process start(int i) {
    System.out.println(java.time.Instant.now() + " starting agent n" + i);
    return agents.start(i);
  }

  /**
   * The agents' JVM options. {@code -Dagentlan.loglevel=debug} turns on the agents' debug log;
   * {@code -Dagentlan.jvmArgs="..."} adds options (space-separated), for startup experiments.
   */
  private static List<String> jvmArgs() {
    List<String> out = new ArrayList<>(AgentCluster.JVM_OPTIONS);
    out.add(
        "-Dorg.slf4j.simpleLogger.log.io.raftvip="
            + System.getProperty("agentlan.loglevel", "info"));
    String extra = System.getProperty("agentlan.jvmArgs", "").trim();
    if (!extra.isEmpty()) {
      out.addAll(List.of(extra.split("\\s+")));
    }
    return out;
  }

  void startAll() {
    for (Host h : lan.nodes()) {
      start(h.index());
    }
  }

  Optional<Process> agent(int i) {
    return agents.agent(i);
  }

  /** CPU time used so far by each running agent, e.g. "n1 12.3 s", for startup figures. */
  String cpuTimes() {
    return agents.cpuTimes();
  }

  /** Nodes whose eth0 carries {@code address} right now (the kernel's view). */
  List<Integer> holders(String address) {
    List<Integer> out = new ArrayList<>();
    for (Host h : lan.nodes()) {
      String addrs = h.exec("ip", "-o", "addr", "show").stdout();
      if (addrs.contains(" " + address + "/")) {
        out.add(h.index());
      }
    }
    return out;
  }

  /** Waits until exactly one node holds {@code address}; returns it. */
  int awaitSingleHolder(String address, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    List<Integer> last = List.of();
    while (System.nanoTime() < end) {
      last = holders(address);
      if (last.size() == 1) {
        return last.get(0);
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "no single holder of " + address + " within " + timeout + "; holders " + last + logs());
  }

  /** Waits until {@code p} exits; its exit code. */
  static int awaitExit(Process p, Duration timeout) throws InterruptedException {
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("process " + p.pid() + " did not exit within " + timeout);
    }
    return p.exitValue();
  }

  /** The tails of the agents' logs, for failure messages. */
  String logs() {
    return agents.logs(40);
  }

  @Override
  public void close() {
    try {
      lan.close();
    } finally {
      keepLogs();
      deleteTree(dir);
    }
  }

  /**
   * Copies the agents' logs to {@code target/agentlan-logs/<lan name>/} (the build directory), so a
   * failed or slow run can be read afterwards; the temporary directory itself is removed.
   */
  private void keepLogs() {
    Path out = Path.of("target", "agentlan-logs", lan.name());
    try {
      Files.createDirectories(out);
      try (var s = Files.list(dir)) {
        for (Path p : (Iterable<Path>) s::iterator) {
          if (p.getFileName().toString().endsWith(".log")) {
            Files.copy(p, out.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
    } catch (IOException ignored) {
      // Best effort: logs are a diagnostic aid.
    }
  }

  private static void deleteTree(Path root) {
    try (var s = Files.walk(root)) {
      s.sorted(java.util.Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // Best effort: a temp dir.
                }
              });
    } catch (IOException ignored) {
      // Best effort.
    }
  }
}
