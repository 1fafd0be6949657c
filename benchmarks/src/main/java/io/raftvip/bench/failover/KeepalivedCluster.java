package io.raftvip.bench.failover;

import io.raftvip.cli.lan.KernelView;
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
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * keepalived (the Debian package's {@code /usr/sbin/keepalived}) in each node namespace, VRRP only,
 * in the foreground, with its own config and PID files in {@code dir}: one {@code vrrp_instance} on
 * eth0 with the benchmark's VIP, priorities 150/100/100, every node starting as BACKUP with {@code
 * nopreempt} (the equivalent of raftvip's sticky default). Two settings: {@code default} (VRRPv2,
 * advert_int 1 s) and {@code fast} (VRRPv3, advert_int 0.1 s). Multicast adverts on the LAN's
 * bridge. Only the processes started here are ever signalled, by PID.
 */
final class KeepalivedCluster implements VipSystem {

  static final String BINARY = "/usr/sbin/keepalived";
  static final long SETTLE_MAX_MS = 60_000;
  static final long STOP_WAIT_MS = 10_000;

  private final TestLan lan;
  private final KernelView kernel;
  private final Path dir;
  private final String vip;
  private final int vipCount;
  private final boolean fast;
  private final Map<Integer, Process> parents = new LinkedHashMap<>();
  private final Map<Integer, Long> startedNanos = new LinkedHashMap<>();

  KeepalivedCluster(
      TestLan lan, KernelView kernel, Path dir, String vip, int vipCount, boolean fast) {
    this.lan = lan;
    this.kernel = kernel;
    this.dir = dir;
    this.vip = vip;
    this.vipCount = vipCount;
    this.fast = fast;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String label() {
    return fast ? "keepalived-fast" : "keepalived-default";
  }

  private long advertMs() {
    return fast ? 100 : 1000;
  }

  private Path file(int i, String suffix) {
    return dir.resolve("n" + i + suffix);
  }

  private void writeConfig(int i) {
    StringBuilder c = new StringBuilder();
    c.append("global_defs {\n  router_id rvbench-n").append(i).append('\n');
    if (fast) {
      c.append("  vrrp_version 3\n");
    }
    c.append("}\n");
    c.append("vrrp_instance VI_BENCH {\n  state BACKUP\n  interface eth0\n");
    c.append("  virtual_router_id 51\n  priority ").append(i == 1 ? 150 : 100).append('\n');
    c.append("  advert_int ").append(fast ? "0.1" : "1").append('\n');
    c.append("  nopreempt\n  virtual_ipaddress {\n    ").append(vip).append("/32 dev eth0\n  }\n");
    if (vipCount > 1) {
      // More addresses than an advert carries: keepalived moves them with the instance but does
      // not list them in adverts.
      c.append("  virtual_ipaddress_excluded {\n");
      for (int v = 1; v < vipCount; v++) {
        c.append("    ").append(RaftvipCluster.extraVip(v)).append("/128 dev eth0\n");
      }
      c.append("  }\n");
    }
    c.append("}\n");
    try {
      Files.writeString(file(i, ".conf"), c.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void start(int i) {
    writeConfig(i);
    for (String s : List.of(".pid", ".vrrp.pid", ".checkers.pid")) {
      try {
        Files.deleteIfExists(file(i, s));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    List<String> cmd =
        List.of(
            BINARY,
            "--dont-fork",
            "--log-console",
            "--log-detail",
            "--vrrp",
            "--use-file=" + file(i, ".conf"),
            "--pid=" + file(i, ".pid"),
            "--vrrp_pid=" + file(i, ".vrrp.pid"),
            "--checkers_pid=" + file(i, ".checkers.pid"));
    parents.put(i, lan.node(i).start(cmd, file(i, ".log")));
    startedNanos.put(i, System.nanoTime());
  }

  /** The VRRP child's PID, when its PID file names a live process. */
  private long child(int i) {
    try {
      Path f = file(i, ".vrrp.pid");
      if (!Files.exists(f)) {
        return -1;
      }
      long pid = Long.parseLong(Files.readString(f).trim());
      return ProcessHandle.of(pid).map(h -> h.isAlive() ? pid : -1L).orElse(-1L);
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public void startAll() {
    for (Host h : lan.nodes()) {
      if (!running(h.index())) {
        start(h.index());
      }
    }
  }

  @Override
  public boolean running(int node) {
    Process p = parents.get(node);
    return p != null && p.isAlive();
  }

  @Override
  public List<Long> pids(int node) {
    List<Long> out = new ArrayList<>();
    if (running(node)) {
      out.add(parents.get(node).pid());
      long c = child(node);
      if (c > 0) {
        out.add(c);
      }
    }
    return out;
  }

  @Override
  public void signal(int node, String signal) {
    if (!running(node)) {
      return;
    }
    long parent = parents.get(node).pid();
    long c = child(node);
    switch (signal) {
      case "TERM" -> Host.signal(parent, "TERM"); // the parent stops its child gracefully
      case "CONT" -> {
        Host.signal(parent, "CONT");
        if (c > 0) {
          Host.signal(c, "CONT");
        }
      }
      default -> {
        if (c < 0) {
          System.err.println(
              "failover: "
                  + label()
                  + " n"
                  + node
                  + ": no VRRP child PID; "
                  + signal
                  + " hits the parent only");
        }
        // KILL and STOP hit the VRRP child (the process that holds the VIP state) and the parent
        // (which would otherwise respawn the child), child first.
        if (c > 0) {
          Host.signal(c, signal);
        }
        Host.signal(parent, signal);
      }
    }
  }

  @Override
  public int settle() throws InterruptedException {
    startAll();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MAX_MS);
    long quietNanos = TimeUnit.MILLISECONDS.toNanos(3 * advertMs() + 1_500);
    long stableSince = -1;
    int holder = -1;
    String last = "";
    while (System.nanoTime() < deadline) {
      boolean allUp = true;
      long youngest = 0;
      for (Host h : lan.nodes()) {
        allUp &= running(h.index()) && child(h.index()) > 0;
        youngest = Math.max(youngest, startedNanos.getOrDefault(h.index(), 0L));
      }
      KernelView.Round k = kernel.latest();
      int now =
          k != null && k.liveCount() == 1 ? Integer.numberOfTrailingZeros(k.liveMask()) + 1 : -1;
      last = "allUp=" + allUp + " kernel=" + k;
      if (allUp && now > 0 && now == holder) {
        if (System.nanoTime() - stableSince > TimeUnit.MILLISECONDS.toNanos(2 * advertMs())
            && System.nanoTime() - youngest > quietNanos) {
          return holder;
        }
      } else {
        holder = now;
        stableSince = System.nanoTime();
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(
        label() + " not settled within " + SETTLE_MAX_MS + " ms: " + last + logs());
  }

  /** keepalived has no move command: its graceful handover is stopping the master (SIGTERM). */
  @Override
  public int moveAway(int owner) {
    signal(owner, "TERM");
    return -1;
  }

  @Override
  public OptionalInt ownerAsLeader() {
    return OptionalInt.empty();
  }

  /**
   * Restarts a daemon the fault ended. A node whose keepalived was killed still has the VIP (a
   * killed keepalived never removes it); the harness removes it first, as the reboot of a crashed
   * node would.
   */
  @Override
  public void recover(int oldOwner) throws InterruptedException {
    Process p = parents.get(oldOwner);
    if (p != null) {
      p.waitFor(STOP_WAIT_MS, TimeUnit.MILLISECONDS);
    }
    if (!running(oldOwner)) {
      Leftovers.removeVips(lan.node(oldOwner), vip, vipCount);
    }
    startAll();
  }

  @Override
  public void stopAll() throws InterruptedException {
    for (Host h : lan.nodes()) {
      signal(h.index(), "TERM");
    }
    for (Process p : parents.values()) {
      if (!p.waitFor(STOP_WAIT_MS, TimeUnit.MILLISECONDS)) {
        Host.signal(p, "KILL");
        p.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  @Override
  public String logs() {
    StringBuilder sb = new StringBuilder();
    for (Host h : lan.nodes()) {
      sb.append(Logs.tail(file(h.index(), ".log"), 20, label() + " n" + h.index()));
    }
    return sb.toString();
  }

  @Override
  public void close() {
    try {
      stopAll();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
