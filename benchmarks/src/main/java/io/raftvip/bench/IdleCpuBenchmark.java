package io.raftvip.bench;

import io.raftvip.cli.Main;
import io.raftvip.testlan.Host;
import io.raftvip.testlan.TestLan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Idle cost of a three-node raftvip cluster against a bare Ratis group with the same election
 * timeouts, side by side in one run on the same namespace LAN: CPU (utime+stime of the three JVMs
 * from /proc over a measurement window, after a warm-up), and each agent's RSS and heap use, for 1,
 * 100 and 1000 VIPs (IPv6 /128s in 2001:db8::/64; 1000 do not fit 198.18.0.0/24). Agents run with
 * the shipped -Xmx128m.
 *
 * <p>Usage: {@code benchmarks/run.sh idle [--vips 1,100,1000] [--warmup-s 20] [--measure-s 60]}.
 */
public final class IdleCpuBenchmark {

  static final int RAFT_PORT = 7101;
  static final int ADMIN_PORT = 7100;
  static final int BARE_PORT = 7201;
  static final long CLK_TCK = 100;
  static final long SETTLE_TIMEOUT_MS = 300_000;

  private IdleCpuBenchmark() {}

  record Figures(String what, double cpuPercentOfCore, long rssKbMax, long heapUsedKbMax) {}

  public static void main(String[] args) throws Exception {
    List<Integer> vipCounts = List.of(1, 100, 1000);
    long warmupS = 20;
    long measureS = 60;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--vips" ->
            vipCounts =
                java.util.Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
        case "--warmup-s" -> warmupS = Long.parseLong(args[++i]);
        case "--measure-s" -> measureS = Long.parseLong(args[++i]);
        default -> {
          System.err.println("unknown argument " + args[i]);
          System.exit(2);
        }
      }
    }
    Path dir = Files.createTempDirectory("raftvip-idle-");
    List<Figures> rows = new ArrayList<>();
    long start = System.nanoTime();
    try (TestLan lan = TestLan.builder().name("idle").nodes(3).client(false).start()) {
      rows.add(bare(lan, dir.resolve("bare"), warmupS, measureS));
      for (int n : vipCounts) {
        rows.add(agents(lan, dir.resolve("agents-" + n), n, warmupS, measureS));
      }
    } finally {
      deleteTree(dir);
    }
    double base = rows.get(0).cpuPercentOfCore();
    System.out.printf(
        Locale.ROOT,
        "%n| cluster (3 JVMs) | CPU, %% of one core (sum of 3) | ratio to bare Ratis | max RSS per"
            + " JVM | max heap used per JVM |%n|---|---|---|---|---|%n");
    for (Figures f : rows) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %.2f | %.2f | %d MB | %s |%n",
          f.what(),
          f.cpuPercentOfCore(),
          f.cpuPercentOfCore() / base,
          f.rssKbMax() / 1024,
          f.heapUsedKbMax() < 0 ? "n/a" : (f.heapUsedKbMax() / 1024) + " MB");
    }
    System.out.printf(
        Locale.ROOT,
        "%nwarm-up %d s, measured %d s per row; load average at the end: %s; total %d s%n",
        warmupS,
        measureS,
        Files.readString(Path.of("/proc/loadavg")).trim(),
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
  }

  private static Figures bare(TestLan lan, Path dir, long warmupS, long measureS) throws Exception {
    UUID group = UUID.randomUUID();
    List<String> peers = new ArrayList<>();
    for (Host h : lan.nodes()) {
      peers.add("n" + h.index() + "=" + h.ipv4() + ":" + BARE_PORT);
    }
    List<Process> ps = new ArrayList<>();
    try {
      for (Host h : lan.nodes()) {
        List<String> a = new ArrayList<>();
        a.add("n" + h.index());
        a.add(group.toString());
        a.add(dir.resolve("n" + h.index()).toString());
        a.add("150");
        a.add("300");
        a.addAll(peers);
        Files.createDirectories(dir);
        ps.add(
            h.startJava(
                BareRatisServer.class,
                List.of("-Xmx128m"),
                a,
                dir.resolve("n" + h.index() + ".log")));
      }
      return measure("bare Ratis, 150/300 ms timeouts", ps, warmupS, measureS);
    } finally {
      stop(ps);
    }
  }

  private static Figures agents(TestLan lan, Path dir, int vips, long warmupS, long measureS)
      throws Exception {
    Files.createDirectories(dir);
    UUID cluster = UUID.randomUUID();
    StringBuilder vipYaml = new StringBuilder("vips:\n");
    for (int i = 0; i < vips; i++) {
      vipYaml
          .append("  - {name: v")
          .append(i)
          .append(", address: '2001:db8::1:")
          .append(Integer.toHexString(i + 1))
          .append("/128'}\n");
    }
    List<Process> ps = new ArrayList<>();
    try {
      for (Host h : lan.nodes()) {
        Path cfg = dir.resolve("n" + h.index() + ".yaml");
        Files.writeString(cfg, config(lan, h, cluster, dir) + vipYaml, StandardCharsets.UTF_8);
        ps.add(
            h.startJava(
                Main.class,
                List.of("-Xmx128m"),
                List.of("agent", "--config", cfg.toString()),
                dir.resolve("n" + h.index() + ".log")));
      }
      awaitAllServed(lan, vips);
      return measure("raftvip agents, " + vips + " VIPs", ps, warmupS, measureS);
    } finally {
      stop(ps);
    }
  }

  private static String config(TestLan lan, Host self, UUID cluster, Path dir) {
    StringBuilder y = new StringBuilder();
    y.append("node: {id: n").append(self.index()).append(", storage-dir: ");
    y.append(dir.resolve("data-n" + self.index())).append(", interface: eth0}\n");
    y.append("cluster:\n  id: ").append(cluster).append("\n  peers:\n");
    for (Host h : lan.nodes()) {
      y.append("    - {id: n").append(h.index()).append(", raft: ").append(h.ipv4());
      y.append(':').append(RAFT_PORT).append(", admin: ").append(h.ipv4()).append(':');
      y.append(ADMIN_PORT).append("}\n");
    }
    y.append("admin: {listen: '").append(self.ipv4()).append(':').append(ADMIN_PORT);
    y.append("'}\n");
    return y.toString();
  }

  /** Waits until the nodes together carry exactly {@code vips} raftvip addresses. */
  private static void awaitAllServed(TestLan lan, int vips) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_TIMEOUT_MS);
    int served = 0;
    while (System.nanoTime() < end) {
      served = 0;
      for (Host h : lan.nodes()) {
        String out = h.exec("ip", "-o", "-6", "addr", "show", "dev", "eth0").stdout();
        served += (int) out.lines().filter(l -> l.contains(" 2001:db8::1:")).count();
      }
      if (served == vips) {
        return;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        "only " + served + " of " + vips + " VIPs served after " + SETTLE_TIMEOUT_MS + " ms");
  }

  private static Figures measure(String what, List<Process> ps, long warmupS, long measureS)
      throws Exception {
    Thread.sleep(TimeUnit.SECONDS.toMillis(warmupS));
    long[] t0 = new long[ps.size()];
    for (int i = 0; i < ps.size(); i++) {
      t0[i] = cpuTicks(ps.get(i).pid());
    }
    long w0 = System.nanoTime();
    long rssMax = 0;
    long heapMax = -1;
    long end = w0 + TimeUnit.SECONDS.toNanos(measureS);
    while (System.nanoTime() < end) {
      for (Process p : ps) {
        if (!p.isAlive()) {
          throw new IllegalStateException(what + ": process " + p.pid() + " died");
        }
        rssMax = Math.max(rssMax, rssKb(p.pid()));
      }
      Thread.sleep(1000);
    }
    long ticks = 0;
    for (int i = 0; i < ps.size(); i++) {
      ticks += cpuTicks(ps.get(i).pid()) - t0[i];
    }
    double seconds = (System.nanoTime() - w0) / 1e9;
    for (Process p : ps) {
      heapMax = Math.max(heapMax, heapUsedKb(p.pid()));
    }
    double pct = 100.0 * ticks / CLK_TCK / seconds;
    System.out.printf(Locale.ROOT, "%s: %.2f %% of one core%n", what, pct);
    return new Figures(what, pct, rssMax, heapMax);
  }

  static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // Fields 14 and 15 of stat(5); index 0 here is field 3.
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  static long rssKb(long pid) throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (l.startsWith("VmRSS:")) {
        return Long.parseLong(l.replaceAll("[^0-9]", ""));
      }
    }
    return 0;
  }

  /** Heap used after the last GC, via jcmd GC.heap_info ("used NNNK"); -1 when unavailable. */
  static long heapUsedKb(long pid) {
    try {
      Process j =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                  Long.toString(pid),
                  "GC.heap_info")
              .redirectErrorStream(true)
              .start();
      if (!j.waitFor(20, TimeUnit.SECONDS)) {
        j.destroyForcibly();
        return -1;
      }
      String out = new String(j.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      var m = java.util.regex.Pattern.compile("total \\d+K, used (\\d+)K").matcher(out);
      long used = 0;
      boolean any = false;
      while (m.find()) {
        used += Long.parseLong(m.group(1));
        any = true;
      }
      return any ? used : -1;
    } catch (IOException | InterruptedException e) {
      return -1;
    }
  }

  private static void stop(List<Process> ps) throws InterruptedException {
    for (Process p : ps) {
      p.destroy();
    }
    for (Process p : ps) {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  private static void deleteTree(Path root) {
    try (var s = Files.walk(root)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // Best effort: a temp dir.
    }
  }
}
