package io.raftvip.cli.lan;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.raftvip.netio.NetioException;
import io.raftvip.netio.Netlink;
import io.raftvip.testlan.Host;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The kernels' view of one VIP on every node, sampled from this JVM (the demo, the agent tests): is
 * the address on the node's eth0 (rtnetlink) and is its fence open (the VIP is a live element of
 * the agent's nftables {@code lease4} set, or the fence table does not exist at all, which lets
 * everything through). Sockets are opened in each node's namespace, so no {@code ip}/{@code nft}
 * process is forked.
 *
 * <p>A round reads every node twice in mirrored order: addr(1) fence(1) addr(2) fence(2) ...
 * fence(n) addr(n) ... fence(1) addr(1). A node counts as <em>live</em> in a round only when all
 * four of its reads said configured and open. A node's liveness does not blink off and on within a
 * few milliseconds, so when two nodes are live in one round, the outer one was live during the
 * whole span of the inner one's reads: both were live at the same instant. A handover between the
 * reads of a round (the old owner read before, the new one after) never counts, so the check cannot
 * fire on a clean move however slow the sampling; an overlap longer than a round always fires.
 *
 * <p>One daemon thread ({@code kernel-view}); rounds kept are bounded by {@link #ROUNDS_MAX}.
 */
public final class KernelView implements AutoCloseable {

  static final long PERIOD_MS = 20;
  static final int ROUNDS_MAX = 200_000;

  /** The fence's table and set for IPv4 leases (netio NftCommands). */
  static final String LIST_LEASES = "list set inet raftvip_fence lease4\n";

  /** One sampling round: its time span and, per node (bit i-1 for node i), the verdicts. */
  public record Round(
      long startMicros, long endMicros, int liveMask, int configuredMask, int openMask) {
    public int liveCount() {
      return Integer.bitCount(liveMask);
    }

    public boolean live(int node) {
      return (liveMask & (1 << (node - 1))) != 0;
    }

    /** Whether node (1-based) had the VIP on its eth0 in all four reads of the round. */
    public boolean configured(int node) {
      return (configuredMask & (1 << (node - 1))) != 0;
    }

    /** Whether node's fence let the VIP through in both of the round's fence reads. */
    public boolean open(int node) {
      return (openMask & (1 << (node - 1))) != 0;
    }
  }

  /** libnftables, the part used here. */
  interface Nft extends Library {
    Pointer nft_ctx_new(int flags);

    int nft_ctx_buffer_output(Pointer ctx);

    int nft_ctx_buffer_error(Pointer ctx);

    int nft_run_cmd_from_buffer(Pointer ctx, String buf);

    String nft_ctx_get_output_buffer(Pointer ctx);

    String nft_ctx_get_error_buffer(Pointer ctx);

    void nft_ctx_free(Pointer ctx);
  }

  private static volatile Nft nft;

  private final InetAddress vip;
  private final String vipText;
  private final int prefixLength;
  private final List<Netlink> links = new ArrayList<>();
  private final List<Pointer> contexts = new ArrayList<>();
  private final List<Round> rounds = new ArrayList<>();
  private final Thread thread;
  private volatile boolean stopped;
  private int errors;
  private String lastError = "";

  private KernelView(String vip, int prefixLength) {
    try {
      this.vip = InetAddress.getByName(vip);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(vip, e);
    }
    this.vipText = vip;
    this.prefixLength = prefixLength;
    this.thread = new Thread(this::loop, "kernel-view");
    this.thread.setDaemon(true);
  }

  /** Opens the sockets in every node's namespace and starts sampling. */
  public static KernelView start(List<Host> nodes, String vip, int prefixLength) {
    KernelView v = new KernelView(vip, prefixLength);
    try {
      for (Host h : nodes) {
        v.links.add(h.inNetns(Netlink::open));
        v.contexts.add(h.inNetns(KernelView::newContext));
      }
    } catch (RuntimeException e) {
      v.close();
      throw e;
    }
    v.thread.start();
    return v;
  }

  private static synchronized Nft nft() {
    if (nft == null) {
      nft = Native.load("nftables", Nft.class);
    }
    return nft;
  }

  private static Pointer newContext() {
    Nft lib = nft();
    Pointer ctx = lib.nft_ctx_new(0);
    if (ctx == null) {
      throw new IllegalStateException("nft_ctx_new failed");
    }
    lib.nft_ctx_buffer_output(ctx);
    lib.nft_ctx_buffer_error(ctx);
    return ctx;
  }

  private void loop() {
    int n = links.size();
    while (!stopped) {
      long started = System.nanoTime();
      long startMicros = nowMicros();
      boolean[] addr1 = new boolean[n];
      boolean[] fence1 = new boolean[n];
      boolean[] addr2 = new boolean[n];
      boolean[] fence2 = new boolean[n];
      try {
        for (int i = 0; i < n; i++) {
          addr1[i] = configured(i);
          fence1[i] = open(i);
        }
        for (int i = n - 1; i >= 0; i--) {
          fence2[i] = open(i);
          addr2[i] = configured(i);
        }
      } catch (NetioException | IllegalStateException e) {
        synchronized (this) {
          errors++;
          lastError = e.toString();
        }
        if (stopped) {
          return;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(PERIOD_MS));
        continue;
      }
      int live = 0;
      int conf = 0;
      int open = 0;
      for (int i = 0; i < n; i++) {
        if (fence1[i] && fence2[i]) {
          open |= 1 << i;
        }
        if (addr1[i] && addr2[i]) {
          conf |= 1 << i;
          if (fence1[i] && fence2[i]) {
            live |= 1 << i;
          }
        }
      }
      synchronized (this) {
        if (rounds.size() < ROUNDS_MAX) {
          rounds.add(new Round(startMicros, nowMicros(), live, conf, open));
        }
      }
      long sleep = TimeUnit.MILLISECONDS.toNanos(PERIOD_MS) - (System.nanoTime() - started);
      if (sleep > 0) {
        LockSupport.parkNanos(sleep);
      }
    }
  }

  private boolean configured(int i) {
    return links.get(i).addresses().find("eth0", vip, prefixLength).isPresent();
  }

  /** Whether node i's fence lets the VIP through now. */
  private boolean open(int i) {
    Nft lib = nft();
    Pointer ctx = contexts.get(i);
    int rc = lib.nft_run_cmd_from_buffer(ctx, LIST_LEASES);
    String out = lib.nft_ctx_get_output_buffer(ctx);
    String err = lib.nft_ctx_get_error_buffer(ctx);
    if (rc != 0) {
      if (err != null && err.contains("No such file or directory")) {
        return true; // no fence table: nothing drops the VIP's traffic
      }
      throw new IllegalStateException("nft list failed: " + err);
    }
    return out != null && leaseListed(out, vipText);
  }

  /** Whether {@code listing} (nft's text for the lease set) has {@code vip} as an element. */
  static boolean leaseListed(String listing, String vip) {
    int at = listing.indexOf("elements = {");
    if (at < 0) {
      return false;
    }
    int end = listing.indexOf('}', at);
    String elements =
        listing.substring(at + "elements = {".length(), end < 0 ? listing.length() : end);
    for (String element : elements.split(",")) {
      String[] words = element.trim().split("\\s+");
      if (words.length > 0 && words[0].equals(vip)) {
        return true;
      }
    }
    return false;
  }

  public static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000L;
  }

  /** Rounds that started in {@code [fromMicros, toMicros]}. */
  public synchronized List<Round> rounds(long fromMicros, long toMicros) {
    List<Round> out = new ArrayList<>();
    for (Round r : rounds) {
      if (r.startMicros() >= fromMicros && r.startMicros() <= toMicros) {
        out.add(r);
      }
    }
    return out;
  }

  /** The latest round, if any. */
  public synchronized Round latest() {
    return rounds.isEmpty() ? null : rounds.get(rounds.size() - 1);
  }

  /** Live nodes (1-based) in the latest round completed after {@code afterMicros}, or null. */
  public synchronized Round firstRoundAfter(long afterMicros) {
    for (int i = rounds.size() - 1; i >= 0; i--) {
      if (rounds.get(i).startMicros() < afterMicros) {
        return i + 1 < rounds.size() ? rounds.get(i + 1) : null;
      }
    }
    return rounds.isEmpty() ? null : rounds.get(0);
  }

  /** Drops rounds that started before {@code micros} (long runs keep memory bounded). */
  public synchronized void forgetBefore(long micros) {
    rounds.removeIf(r -> r.startMicros() < micros);
  }

  public synchronized int errors() {
    return errors;
  }

  public synchronized String lastError() {
    return lastError;
  }

  @Override
  public void close() {
    stopped = true;
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    links.forEach(Netlink::close);
    if (!thread.isAlive()) {
      contexts.forEach(c -> nft().nft_ctx_free(c));
    }
  }
}
