package io.raftvip.cli.lan;

import io.raftvip.cli.Main;
import io.raftvip.testlan.Host;
import io.raftvip.testlan.TestLan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One real {@code raftvip agent} process per node of a {@link TestLan} (the operator's binary:
 * {@link Main} with {@code agent --config}): writes each node's config (every node a voter, the
 * given VIPs, defaults otherwise) into {@code configDir}, keeps each node's Raft storage under
 * {@code storageRoot}, and starts the agent JVM in the node's namespace with its output in {@code
 * configDir} ({@link #log}). The processes are killed by PID when the LAN closes; {@link #stopAll}
 * asks them to stop gracefully first.
 */
public final class AgentCluster {

  public static final int RAFT_PORT = 7101;
  public static final int ADMIN_PORT = 7100;

  /**
   * The agents' JVM options. C1 only and the serial collector: each agent JVM needed ~35% less CPU
   * to get from exec to the first VIP served (9-11 s instead of 15-18 s per agent, measured with
   * AgentSmokeTest on the shared 2-core box), which on a busy host is what startup waits for. The
   * agent does little work per second, so C2's faster code buys nothing here.
   */
  public static final List<String> JVM_OPTIONS =
      List.of("-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  private final TestLan lan;
  private final Path configDir;
  private final Path storageRoot;
  private final String vipsYaml;
  private final List<String> jvmOptions;
  private final UUID clusterId = UUID.randomUUID();
  private final Map<Integer, Process> agents = new LinkedHashMap<>();
  private final Map<Integer, Integer> starts = new LinkedHashMap<>();

  /**
   * @param vipsYaml the config's {@code vips:} section (or "")
   * @param jvmOptions options of every agent JVM (e.g. {@link #JVM_OPTIONS} plus log levels)
   */
  public AgentCluster(
      TestLan lan, Path configDir, Path storageRoot, String vipsYaml, List<String> jvmOptions) {
    this.lan = lan;
    this.configDir = configDir;
    this.storageRoot = storageRoot;
    this.vipsYaml = vipsYaml;
    this.jvmOptions = List.copyOf(jvmOptions);
  }

  public UUID clusterId() {
    return clusterId;
  }

  public Path config(int i) {
    return configDir.resolve("n" + i + ".yaml");
  }

  /** Node i's current agent log: n<i>.log, then n<i>-restart<k>.log for its k-th restart. */
  public synchronized Path log(int i) {
    int k = starts.getOrDefault(i, 1) - 1;
    return configDir.resolve(k <= 0 ? "n" + i + ".log" : "n" + i + "-restart" + k + ".log");
  }

  /** Writes node i's config: every node of the LAN a voter, defaults otherwise. */
  public Path writeConfig(int i) {
    StringBuilder y = new StringBuilder();
    y.append("node:\n  id: n").append(i).append('\n');
    y.append("  storage-dir: ").append(storageRoot.resolve("data-n" + i)).append('\n');
    y.append("  interface: ").append(Host.IFNAME).append('\n');
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
      Files.createDirectories(configDir);
      Files.writeString(config(i), y.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + config(i), e);
    }
    return config(i);
  }

  /** Starts node i's agent (writing its config first); a previous process is forgotten. */
  public synchronized Process start(int i) {
    writeConfig(i);
    // A restarted agent logs to a file of its own: the killed one's log tells what it did last.
    starts.merge(i, 1, Integer::sum);
    Process p =
        lan.node(i)
            .startJava(
                Main.class, jvmOptions, List.of("agent", "--config", config(i).toString()), log(i));
    agents.put(i, p);
    return p;
  }

  public void startAll() {
    for (Host h : lan.nodes()) {
      start(h.index());
    }
  }

  public synchronized Optional<Process> agent(int i) {
    return Optional.ofNullable(agents.get(i));
  }

  /** Whether node i's agent process runs. */
  public boolean alive(int i) {
    return agent(i).map(Process::isAlive).orElse(false);
  }

  /** CPU time used so far by each agent, e.g. "n1 12.3 s", for startup figures. */
  public synchronized String cpuTimes() {
    StringBuilder sb = new StringBuilder();
    agents.forEach(
        (i, p) ->
            p.info()
                .totalCpuDuration()
                .ifPresent(
                    d ->
                        sb.append(
                            String.format(
                                java.util.Locale.ROOT, "n%d %.1f s ", i, d.toMillis() / 1000.0))));
    return sb.toString().trim();
  }

  /**
   * Stops every running agent gracefully (SIGCONT in case it is stopped, then SIGTERM: it hands its
   * VIPs over or removes them), waiting at most {@code timeoutMs} in all; SIGKILLs what is left.
   * Returns the nodes whose agent had to be killed.
   */
  public List<Integer> stopAll(long timeoutMs) {
    Map<Integer, Process> running = new LinkedHashMap<>();
    synchronized (this) {
      agents.forEach(
          (i, p) -> {
            if (p.isAlive()) {
              running.put(i, p);
            }
          });
    }
    for (Process p : running.values()) {
      signalQuietly(p, "CONT");
      signalQuietly(p, "TERM");
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    List<Integer> killed = new ArrayList<>();
    for (Map.Entry<Integer, Process> e : running.entrySet()) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      try {
        if (!e.getValue().waitFor(Math.max(0, left), TimeUnit.MILLISECONDS)) {
          signalQuietly(e.getValue(), "KILL");
          killed.add(e.getKey());
        }
      } catch (InterruptedException x) {
        Thread.currentThread().interrupt();
        signalQuietly(e.getValue(), "KILL");
        killed.add(e.getKey());
      }
    }
    return killed;
  }

  private static void signalQuietly(Process p, String signal) {
    try {
      if (p.isAlive()) {
        Host.signal(p, signal);
      }
    } catch (RuntimeException e) {
      // it exited meanwhile
    }
  }

  /** The last {@code lines} lines of every agent's log, for failure messages. */
  public String logs(int lines) {
    StringBuilder sb = new StringBuilder();
    for (Host h : lan.nodes()) {
      Path l = log(h.index());
      try {
        if (Files.exists(l)) {
          List<String> all = Files.readAllLines(l, StandardCharsets.UTF_8);
          sb.append("\n--- n")
              .append(h.index())
              .append(" log (last ")
              .append(lines)
              .append(" lines) ---\n");
          all.subList(Math.max(0, all.size() - lines), all.size())
              .forEach(x -> sb.append(x).append('\n'));
        }
      } catch (IOException | UncheckedIOException e) {
        sb.append("\n(cannot read ").append(l).append(": ").append(e).append(")");
      }
    }
    return sb.toString();
  }
}
