package io.raftvip.cli.agent;

import io.raftvip.cli.Main;
import io.raftvip.testlan.Host;
import io.raftvip.testlan.TestLan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A namespace LAN with one real {@code raftvip agent} process per node (the operator's binary:
 * {@link Main} with {@code agent --config}), configs and storage in a temporary directory, and
 * kernel-side views (which node has the VIP address). Closing kills what is still running (by PID,
 * through {@link TestLan}) and removes the namespaces.
 */
final class AgentLan implements AutoCloseable {

  static final int RAFT_PORT = 7101;
  static final int ADMIN_PORT = 7100;

  final TestLan lan;
  final Path dir;
  final UUID clusterId = UUID.randomUUID();
  private final String vipsYaml;
  private final Map<Integer, Process> agents = new LinkedHashMap<>();

  AgentLan(String name, int nodes, String vipsYaml) throws IOException {
    this.dir = Files.createTempDirectory("raftvip-agentlan-");
    this.vipsYaml = vipsYaml;
    this.lan = TestLan.builder().name(name).nodes(nodes).client(true).start();
  }

  Host node(int i) {
    return lan.node(i);
  }

  Path config(int i) {
    return dir.resolve("n" + i + ".yaml");
  }

  Path log(int i) {
    return dir.resolve("n" + i + ".log");
  }

  /** Writes node i's config: every node of the LAN a voter, defaults otherwise. */
  Path writeConfig(int i) {
    StringBuilder y = new StringBuilder();
    y.append("node:\n  id: n").append(i).append('\n');
    y.append("  storage-dir: ").append(dir.resolve("data-n" + i)).append('\n');
    y.append("  interface: eth0\n");
    y.append("cluster:\n  id: ").append(clusterId).append("\n  peers:\n");
    for (Host h : lan.nodes()) {
      y.append("    - {id: n")
          .append(h.index())
          .append(", raft: ")
          .append(h.ipv4())
          .append(':')
          .append(RAFT_PORT)
          .append(", admin: ")
          .append(h.ipv4())
          .append(':')
          .append(ADMIN_PORT)
          .append("}\n");
    }
    y.append("admin:\n  listen: ")
        .append(lan.node(i).ipv4())
        .append(':')
        .append(ADMIN_PORT)
        .append('\n');
    y.append(vipsYaml);
    try {
      Files.writeString(config(i), y.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return config(i);
  }

  /** Starts node i's agent (writing its config first). */
  Process start(int i) {
    writeConfig(i);
    System.out.println(java.time.Instant.now() + " starting agent n" + i);
    Process p =
        lan.node(i)
            .startJava(
                Main.class, jvmArgs(), List.of("agent", "--config", config(i).toString()), log(i));
    agents.put(i, p);
    return p;
  }

  /**
   * The agents' JVM options. {@code -Dagentlan.loglevel=debug} turns on the agents' debug log;
   * {@code -Dagentlan.jvmArgs="..."} adds options (space-separated), for startup experiments.
   */
  private static List<String> jvmArgs() {
    List<String> out = new ArrayList<>();
    out.add("-Xmx128m");
    // C1 only and the serial collector: each agent JVM needed ~35% less CPU to get from exec to
    // the first VIP served (9-11 s instead of 15-18 s per agent, measured with AgentSmokeTest on
    // the shared 2-core box), which on a busy host is what startup waits for. The agent does
    // little work per second, so C2's faster code buys nothing here.
    out.add("-XX:TieredStopAtLevel=1");
    out.add("-XX:+UseSerialGC");
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
    return Optional.ofNullable(agents.get(i));
  }

  /** CPU time used so far by each running agent, e.g. "n1 12.3 s", for startup figures. */
  String cpuTimes() {
    StringBuilder sb = new StringBuilder();
    agents.forEach(
        (i, p) ->
            p.info()
                .totalCpuDuration()
                .ifPresent(d -> sb.append(String.format("n%d %.1f s ", i, d.toMillis() / 1000.0))));
    return sb.toString().trim();
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
    StringBuilder sb = new StringBuilder();
    for (Host h : lan.nodes()) {
      Path l = log(h.index());
      try {
        if (Files.exists(l)) {
          List<String> lines = Files.readAllLines(l, StandardCharsets.UTF_8);
          sb.append("\n--- n").append(h.index()).append(" log (last 40 lines) ---\n");
          lines
              .subList(Math.max(0, lines.size() - 40), lines.size())
              .forEach(x -> sb.append(x).append('\n'));
        }
      } catch (IOException e) {
        sb.append("\n(cannot read ").append(l).append(": ").append(e).append(")");
      }
    }
    return sb.toString();
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
