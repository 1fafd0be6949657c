package io.raftvip.bench;

import io.raftvip.cli.Main;
import io.raftvip.testlan.Host;
import io.raftvip.testlan.TestLan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Admin write latency against a bare Ratis write of the same size, side by side on one namespace
 * LAN: three bare Ratis JVMs (same timeouts) and a Ratis client in the client namespace; then three
 * raftvip agents and an admin client (UpdateVip, committed and read back). Rounds alternate so
 * drift hits both. Target (issue): admin write ≤ 1.2× the bare Ratis write.
 *
 * <p>Usage: {@code benchmarks/run.sh write [--writes 300] [--rounds 2]}.
 */
public final class WriteLatencyBenchmark {

  static final long CLIENT_TIMEOUT_S = 600;

  private WriteLatencyBenchmark() {}

  public static void main(String[] args) throws Exception {
    int writes = 300;
    int rounds = 2;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--writes" -> writes = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("unknown argument " + args[i]);
          System.exit(2);
        }
      }
    }
    Path dir = Files.createTempDirectory("raftvip-write-");
    List<String> rows = new ArrayList<>();
    double ratisP50Sum = 0;
    double adminP50Sum = 0;
    try (TestLan lan = TestLan.builder().name("write").nodes(3).client(true).start()) {
      for (int r = 0; r < rounds; r++) {
        String[] bare = bare(lan, dir.resolve("bare-" + r), writes);
        String[] admin = admin(lan, dir.resolve("agents-" + r), writes);
        rows.add(row("bare Ratis write, round " + (r + 1), bare));
        rows.add(row("raftvip admin UpdateVip, round " + (r + 1), admin));
        ratisP50Sum += Double.parseDouble(bare[3]);
        adminP50Sum += Double.parseDouble(admin[3]);
      }
    } finally {
      try (var s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%n| writes | n | p50 ms | p90 ms | p99 ms | max ms |%n|---|---|---|---|---|---|%n");
    rows.forEach(System.out::println);
    System.out.printf(
        Locale.ROOT,
        "%nratio admin/bare (mean of round p50s): %.2f; load average: %s%n",
        adminP50Sum / ratisP50Sum,
        Files.readString(Path.of("/proc/loadavg")).trim());
  }

  private static String row(String what, String[] r) {
    return "| " + what + " | " + r[2] + " | " + r[3] + " | " + r[4] + " | " + r[5] + " | " + r[6]
        + " |";
  }

  private static String[] bare(TestLan lan, Path dir, int writes) throws Exception {
    Files.createDirectories(dir);
    UUID group = UUID.randomUUID();
    List<String> peers = new ArrayList<>();
    for (Host h : lan.nodes()) {
      peers.add("n" + h.index() + "=" + h.ipv4() + ":" + IdleCpuBenchmark.BARE_PORT);
    }
    List<Process> ps = new ArrayList<>();
    try {
      for (Host h : lan.nodes()) {
        List<String> a = new ArrayList<>(List.of("n" + h.index(), group.toString()));
        a.add(dir.resolve("n" + h.index()).toString());
        a.add("150");
        a.add("300");
        a.addAll(peers);
        ps.add(
            h.startJava(
                BareRatisServer.class,
                List.of("-Xmx128m"),
                a,
                dir.resolve("n" + h.index() + ".log")));
      }
      List<String> c =
          new ArrayList<>(List.of("ratis", group.toString(), Integer.toString(writes)));
      c.addAll(peers);
      return client(lan, c, dir.resolve("client.log"));
    } finally {
      stop(ps);
    }
  }

  private static String[] admin(TestLan lan, Path dir, int writes) throws Exception {
    Files.createDirectories(dir);
    UUID cluster = UUID.randomUUID();
    List<Process> ps = new ArrayList<>();
    try {
      for (Host h : lan.nodes()) {
        Path cfg = dir.resolve("n" + h.index() + ".yaml");
        StringBuilder y = new StringBuilder();
        y.append("node: {id: n").append(h.index()).append(", storage-dir: ");
        y.append(dir.resolve("data-n" + h.index())).append(", interface: eth0}\n");
        y.append("cluster:\n  id: ").append(cluster).append("\n  peers:\n");
        for (Host p : lan.nodes()) {
          y.append("    - {id: n").append(p.index()).append(", raft: ").append(p.ipv4());
          y.append(":7101, admin: ").append(p.ipv4()).append(":7100}\n");
        }
        y.append("admin: {listen: '").append(h.ipv4()).append(":7100'}\n");
        Files.writeString(cfg, y, StandardCharsets.UTF_8);
        ps.add(
            h.startJava(
                Main.class,
                List.of("-Xmx128m"),
                List.of("agent", "--config", cfg.toString()),
                dir.resolve("n" + h.index() + ".log")));
      }
      return client(
          lan,
          List.of("admin", lan.node(1).ipv4() + ":7100", Integer.toString(writes)),
          dir.resolve("client.log"));
    } finally {
      stop(ps);
    }
  }

  private static String[] client(TestLan lan, List<String> args, Path log) throws Exception {
    Process p = lan.client().startJava(WriteLatencyClient.class, List.of("-Xmx128m"), args, log);
    if (!p.waitFor(CLIENT_TIMEOUT_S, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("client did not finish; see " + log);
    }
    for (String l : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      if (l.startsWith("RESULT ")) {
        return l.split(" ");
      }
    }
    throw new IllegalStateException(
        "client exited " + p.exitValue() + " without a result: " + Files.readString(log));
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
}
