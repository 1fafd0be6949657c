package io.raftvip.netio.fence;

import com.sun.jna.LastErrorException;
import io.raftvip.netio.NetioException;
import io.raftvip.netio.NoSuchInterface;
import io.raftvip.netio.sys.LibC;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Fence} over nftables set-element timeouts. The ruleset (tables, sets, chains, rules)
 * is created, changed and read back through libnftables (JNA; no {@code nft} process); the lease
 * elements, written on every renewal and close, go straight to the kernel as raw nf_tables netlink
 * batches ({@link NftElementBatch} over {@link NftNetlinkSocket}), which skips nft's text parsing.
 * See {@link NftCommands} for the ruleset and the package documentation for the timing guarantees.
 *
 * <p>Namespace and threads: {@link Builder#open()} starts one named thread, {@value #THREAD_NAME},
 * which inherits the network namespace of the thread calling {@code open()}; the libnftables
 * context and the netfilter netlink socket are created on it and every command runs on it. So the
 * fence always acts on the namespace it was opened in, whatever thread later calls it (in
 * production the whole agent process lives in the node's namespace; in tests the fence is opened
 * inside {@code Host.inNetns}). Public methods are thread-safe; each blocks until its command ran,
 * at most the command timeout, then throws {@link FenceUnresponsive}.
 */
public final class NftablesFence implements Fence {
  private static final Logger log = LoggerFactory.getLogger(NftablesFence.class);

  static final String THREAD_NAME = "raftvip-fence";

  public static final long DEFAULT_COMMAND_TIMEOUT_MS = 2_000;

  /** Longest lease accepted; a longer one is a caller bug (e.g. a wall-clock deadline). */
  public static final long DEFAULT_MAX_LEASE_MS = 600_000;

  /** Bound on VIPs under management per fence (one element per set each). */
  public static final int MAX_MANAGED_VIPS = 1024;

  /**
   * VIPs per kernel batch. nf_tables element lists are one netlink attribute (at most 64 KiB); 256
   * elements stay far below that. Larger renewals are split into several batches.
   */
  static final int MAX_VIPS_PER_BATCH = 256;

  /**
   * A renewal whose clock-read-to-commit time exceeds the expected write time by more than this is
   * written again (see renewBatch), so a lease is stretched by at most this much. 2 ms: a warm
   * 1-VIP batch takes ~0.1 ms (measured), so only a pause or a cold code path triggers it.
   */
  static final long RENEW_SLACK_NANOS = 2_000_000L;

  /** Upper bound of the write-time estimate: a pause is not a write time to plan for. */
  static final long EXPECTED_WRITE_NANOS_MAX = 20_000_000L;

  /**
   * Recent clock-read-to-commit time of a renewal batch, an exponentially weighted mean (1/4 of
   * each new sample), capped at {@link #EXPECTED_WRITE_NANOS_MAX}. Only the fence thread touches
   * it.
   */
  private long expectedWriteNanos;

  static long nextExpectedWriteNanos(long expectedNanos, long tookNanos) {
    long next = expectedNanos + (Math.min(tookNanos, EXPECTED_WRITE_NANOS_MAX) - expectedNanos) / 4;
    return Math.max(0, next);
  }

  /** Bound on re-writes of one renewal batch. */
  static final int RENEW_ATTEMPTS_MAX = 3;

  /** Commands waiting for the fence thread; more means the thread is stuck. */
  private static final int QUEUE_CAPACITY = 64;

  private final ThreadPoolExecutor thread;
  private final NftCommands commands;
  private final LongSupplier nanoClock;
  private final long commandTimeoutMs;
  private final long maxLeaseMs;

  /**
   * How long a lease batch waits for the kernel's answers. They are queued before send() returns
   * (nfnetlink runs the batch synchronously), so this only bounds a broken kernel; it stays below
   * the default command timeout so the fence thread reports the failure itself.
   */
  static final long ACK_TIMEOUT_MS = 1_000;

  // Confined to the fence thread.
  private Libnftables nft;
  private NftNetlinkSocket netlink;
  private final Map<InetAddress, Set<String>> interfacesByVip = new LinkedHashMap<>();

  private volatile boolean closed;

  private NftablesFence(Builder b) {
    this.commands = new NftCommands(b.tableName);
    this.nanoClock = b.nanoClock;
    this.commandTimeoutMs = b.commandTimeoutMs;
    this.maxLeaseMs = b.maxLeaseMs;
    this.thread =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUE_CAPACITY),
            new OneThreadFactory(THREAD_NAME));
    // Start the thread now, on the caller's thread, so that it inherits the caller's netns.
    thread.prestartAllCoreThreads();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Settings of a fence; each setter validates on the spot. */
  public static final class Builder {
    private String tableName = NftCommands.DEFAULT_TABLE;
    private LongSupplier nanoClock = System::nanoTime;
    private long commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS;
    private long maxLeaseMs = DEFAULT_MAX_LEASE_MS;

    private Builder() {}

    /** Name of the three tables (arp, inet, netdev); default {@value NftCommands#DEFAULT_TABLE}. */
    public Builder tableName(String tableName) {
      this.tableName = NftCommands.checkTableName(tableName);
      return this;
    }

    /** The monotonic clock deadlines are read against; default {@link System#nanoTime}. */
    public Builder nanoClock(LongSupplier nanoClock) {
      this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
      return this;
    }

    /** How long a caller waits for the fence thread; 1..60000 ms, default 2000. */
    public Builder commandTimeoutMs(long commandTimeoutMs) {
      if (commandTimeoutMs < 1 || commandTimeoutMs > 60_000) {
        throw new IllegalArgumentException(
            "command timeout must be in 1..60000 ms, got " + commandTimeoutMs);
      }
      this.commandTimeoutMs = commandTimeoutMs;
      return this;
    }

    /** Longest lease a renewal may grant; 1..3600000 ms, default 600000. */
    public Builder maxLeaseMs(long maxLeaseMs) {
      if (maxLeaseMs < 1 || maxLeaseMs > 3_600_000) {
        throw new IllegalArgumentException("max lease must be in 1..3600000 ms, got " + maxLeaseMs);
      }
      this.maxLeaseMs = maxLeaseMs;
      return this;
    }

    /**
     * Creates (or re-adopts, keeping its elements) the ruleset in the calling thread's network
     * namespace.
     *
     * @throws NftablesUnavailable if libnftables or nf_tables is missing
     * @throws NftablesCommandFailed if the ruleset cannot be installed
     */
    public NftablesFence open() {
      NftablesFence fence = new NftablesFence(this);
      try {
        fence.call(
            "open nftables fence",
            fence.commands.table(),
            () -> {
              // The socket first: if the kernel has no nf_tables netlink, fail before libnftables
              // (which may exit() the process) and before creating anything.
              NftNetlinkSocket socket = NftNetlinkSocket.open(ACK_TIMEOUT_MS);
              Libnftables lib = null;
              try {
                lib = Libnftables.open();
                lib.run(
                    "create fence ruleset", fence.commands.table(), fence.commands.createRuleset());
              } catch (RuntimeException e) {
                if (lib != null) {
                  lib.close();
                }
                socket.close();
                throw e;
              }
              fence.nft = lib;
              fence.netlink = socket;
              fence.warmUp();
              return null;
            });
      } catch (RuntimeException e) {
        fence.shutdownThread();
        throw e;
      }
      log.info("nftables fence open: tables arp/inet/netdev {}", fence.commands.table());
      return fence;
    }
  }

  /**
   * Runs the renewal's Java path once without the kernel (class loading, string-concat bootstrap),
   * so the first real renewal is not slowed between its clock read and its commit.
   */
  private void warmUp() {
    try {
      InetAddress v4 = InetAddress.getByName("192.0.2.1");
      InetAddress v6 = InetAddress.getByName("2001:db8::1");
      long now = nanoClock.getAsLong();
      LeasePlan plan = LeasePlan.at(Map.of(v4, now + 1_000_000_000L, v6, now - 1), now, maxLeaseMs);
      NftElementBatch.encode(commands.table(), plan, 1);
      FenceRenewal.of(plan, 0, 1);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError("address literals never need a lookup", e);
    }
  }

  @Override
  public void manage(InetAddress vip, String ifname) {
    NftCommands.checkVip(vip);
    NftCommands.checkIfname(ifname);
    call(
        "manage VIP in fence",
        vip.getHostAddress() + " on " + ifname,
        () -> {
          Set<String> current = interfacesByVip.get(vip);
          if (current != null && current.contains(ifname)) {
            return null;
          }
          if (current == null && interfacesByVip.size() >= MAX_MANAGED_VIPS) {
            throw new IllegalStateException(
                "fence already manages " + MAX_MANAGED_VIPS + " VIPs, cannot add " + vip);
          }
          requireInterface(ifname, vip);
          String batch = "";
          if (!interfaceInUse(ifname)) {
            batch += commands.ensureInterface(ifname);
          }
          batch += commands.manage(vip);
          nft.run("manage VIP in fence", vip.getHostAddress() + " on " + ifname, batch);
          interfacesByVip.computeIfAbsent(vip, v -> new LinkedHashSet<>()).add(ifname);
          return null;
        });
  }

  private void requireInterface(String ifname, InetAddress vip) {
    try {
      // On the fence thread: resolved in the fence's namespace. Kernels since 6.16 accept egress
      // hooks on missing devices silently, so a typo would leave user-space frames unfenced.
      LibC.if_nametoindex(ifname);
    } catch (LastErrorException e) {
      throw new NoSuchInterface(
          "manage VIP in fence", vip.getHostAddress() + " on " + ifname, e.getErrorCode());
    }
  }

  private boolean interfaceInUse(String ifname) {
    for (Set<String> ifs : interfacesByVip.values()) {
      if (ifs.contains(ifname)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public FenceRenewal renew(InetAddress vip, long deadlineNanos) {
    return renewAll(Map.of(vip, deadlineNanos));
  }

  @Override
  public FenceRenewal renewAllRemaining(Map<InetAddress, Long> remainingMsByVip) {
    long now = nanoClock.getAsLong();
    Map<InetAddress, Long> deadlines = new LinkedHashMap<>();
    remainingMsByVip.forEach(
        (vip, ms) -> {
          if (ms > maxLeaseMs) {
            throw new IllegalArgumentException(
                "lease of " + ms + " ms for " + vip + " exceeds the maximum of " + maxLeaseMs);
          }
          deadlines.put(vip, now + Math.max(ms, 0) * 1_000_000L);
        });
    return renewAll(deadlines);
  }

  @Override
  public FenceRenewal renewAll(Map<InetAddress, Long> deadlineNanosByVip) {
    Objects.requireNonNull(deadlineNanosByVip, "deadlineNanosByVip");
    if (deadlineNanosByVip.isEmpty()) {
      return new FenceRenewal(Map.of(), Set.of(), 0, 0);
    }
    List<Map<InetAddress, Long>> chunks = new ArrayList<>();
    Map<InetAddress, Long> chunk = new LinkedHashMap<>();
    for (Map.Entry<InetAddress, Long> e : deadlineNanosByVip.entrySet()) {
      chunk.put(e.getKey(), e.getValue());
      if (chunk.size() == MAX_VIPS_PER_BATCH) {
        chunks.add(chunk);
        chunk = new LinkedHashMap<>();
      }
    }
    if (!chunk.isEmpty()) {
      chunks.add(chunk);
    }
    Map<InetAddress, Long> granted = new LinkedHashMap<>();
    Set<InetAddress> closedVips = new LinkedHashSet<>();
    long applyNanos = 0;
    int attempts = 0;
    for (Map<InetAddress, Long> part : chunks) {
      FenceRenewal r = renewBatch(part);
      granted.putAll(r.grantedMsByVip());
      closedVips.addAll(r.closed());
      applyNanos = Math.max(applyNanos, r.applyNanos());
      attempts += r.attempts();
    }
    return new FenceRenewal(granted, closedVips, applyNanos, attempts);
  }

  private FenceRenewal renewBatch(Map<InetAddress, Long> deadlineNanosByVip) {
    String object = describe(deadlineNanosByVip.keySet());
    return call(
        "renew fence lease",
        object,
        () -> {
          List<InetAddress> unmanaged = new ArrayList<>();
          for (InetAddress vip : deadlineNanosByVip.keySet()) {
            if (!interfacesByVip.containsKey(vip)) {
              unmanaged.add(vip);
            }
          }
          if (!unmanaged.isEmpty()) {
            throw new IllegalStateException("renewing VIPs that are not managed: " + unmanaged);
          }
          // The deadline becomes a timeout here, right before the batch: time spent queueing
          // shortens the lease instead of stretching it. The kernel counts the timeout from its
          // commit, so everything between reading the clock and the commit (encoding the batch,
          // a cold JIT or class load, a GC pause) would stretch the lease by as much; when that
          // took longer than the slack, the batch is written again with the shorter remainder.
          // To keep big batches (100 VIPs: ~2 ms through raw netlink, 3-8 ms through libnftables;
          // measured) from always being written again, each plan is computed as of the expected
          // commit time: the clock read plus the recent write time. Shortening a lease is always
          // safe; only the part of a write that exceeds
          // that estimate can stretch it, and only that part is held against the slack.
          for (int attempt = 1; ; attempt++) {
            long planAt = nanoClock.getAsLong();
            long expectedNanos = expectedWriteNanos;
            LeasePlan plan = LeasePlan.at(deadlineNanosByVip, planAt + expectedNanos, maxLeaseMs);
            netlink.commit(
                commands.table(), plan, "renew fence lease", object, () -> commands.apply(plan));
            long tookNanos = nanoClock.getAsLong() - planAt;
            expectedWriteNanos = nextExpectedWriteNanos(expectedNanos, tookNanos);
            if (tookNanos - expectedNanos <= RENEW_SLACK_NANOS
                || attempt == RENEW_ATTEMPTS_MAX
                || plan.grantMsByVip().isEmpty()) {
              return FenceRenewal.of(plan, tookNanos, attempt);
            }
            log.debug(
                "renewal of {} took {} us from clock read to commit; writing it again",
                object,
                tookNanos / 1_000);
          }
        });
  }

  @Override
  public void close(InetAddress vip) {
    NftCommands.checkVip(vip);
    call(
        "close fence gate",
        vip.getHostAddress(),
        () -> {
          if (interfacesByVip.containsKey(vip)) {
            LeasePlan plan = new LeasePlan(Map.of(), Set.of(vip));
            netlink.commit(
                commands.table(),
                plan,
                "close fence gate",
                vip.getHostAddress(),
                () -> commands.apply(plan));
          }
          return null;
        });
  }

  @Override
  public void release(InetAddress vip) {
    NftCommands.checkVip(vip);
    call(
        "release VIP from fence",
        vip.getHostAddress(),
        () -> {
          Set<String> ifs = interfacesByVip.get(vip);
          if (ifs == null) {
            return null;
          }
          String batch = commands.release(vip);
          interfacesByVip.remove(vip);
          List<String> unused = new ArrayList<>();
          for (String ifname : ifs) {
            if (!interfaceInUse(ifname)) {
              unused.add(ifname);
            }
          }
          if (!unused.isEmpty()) {
            // On 6.1 the kernel deletes a netdev chain whose only device went away; delete only
            // the chains that still exist so the batch cannot fail on ENOENT.
            Set<String> existing =
                NftCommands.parseEgressInterfaces(
                    nft.run("list fence chains", commands.table(), commands.listNetdevTable()));
            for (String ifname : unused) {
              if (existing.contains(ifname)) {
                batch += commands.deleteInterface(ifname);
              }
            }
          }
          try {
            nft.run("release VIP from fence", vip.getHostAddress(), batch);
          } catch (RuntimeException e) {
            interfacesByVip.put(vip, ifs);
            throw e;
          }
          return null;
        });
  }

  @Override
  public Map<InetAddress, Set<String>> managed() {
    return call(
        "list managed VIPs",
        commands.table(),
        () -> {
          Map<InetAddress, Set<String>> copy = new LinkedHashMap<>();
          interfacesByVip.forEach((vip, ifs) -> copy.put(vip, Set.copyOf(ifs)));
          return Collections.unmodifiableMap(copy);
        });
  }

  /**
   * Reads back from the kernel the milliseconds left on every live lease element (both families),
   * for diagnostics and tests. Expired elements are absent.
   */
  public Map<InetAddress, Long> leasesRemainingMs() {
    return call(
        "list fence leases",
        commands.table(),
        () -> {
          Map<InetAddress, Long> leases = new LinkedHashMap<>();
          // One list command per run: nft 1.0.6 fills its cache only for the last list command
          // of a buffer, so the others fail with ENOENT.
          for (String command : commands.listLeases()) {
            leases.putAll(
                NftCommands.parseLeases(nft.run("list fence leases", commands.table(), command)));
          }
          return leases;
        });
  }

  /** The three tables as nft lists them, with counters (diagnostics). */
  public String describe() {
    return call(
        "list fence ruleset",
        commands.table(),
        () -> {
          StringBuilder sb = new StringBuilder();
          for (String command : commands.listTables()) {
            sb.append(nft.run("list fence ruleset", commands.table(), command));
          }
          return sb.toString();
        });
  }

  /** The table name shared by the fence's three tables. */
  public String tableName() {
    return commands.table();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    RuntimeException failure = null;
    try {
      call(
          "close nftables fence",
          commands.table(),
          () -> {
            try {
              nft.run("remove fence ruleset", commands.table(), commands.teardown());
            } finally {
              nft.close();
              netlink.close();
              interfacesByVip.clear();
            }
            return null;
          });
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      closed = true;
      shutdownThread();
    }
    if (failure != null) {
      throw failure;
    }
    log.info("nftables fence closed: tables {} removed", commands.table());
  }

  private void shutdownThread() {
    thread.shutdown();
    try {
      if (!thread.awaitTermination(commandTimeoutMs, TimeUnit.MILLISECONDS)) {
        log.warn("fence thread did not stop within {} ms", commandTimeoutMs);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs {@code task} on the fence thread and waits at most the command timeout. */
  private <T> T call(String operation, String object, Callable<T> task) {
    if (closed) {
      throw new IllegalStateException("fence " + commands.table() + " is closed");
    }
    Future<T> future;
    try {
      future = thread.submit(task);
    } catch (RejectedExecutionException e) {
      throw new FenceUnresponsive(
          operation, object, "fence thread is not accepting commands (stopped or backlogged)", e);
    }
    try {
      return future.get(commandTimeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new FenceUnresponsive(
          operation, object, "no result within " + commandTimeoutMs + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FenceUnresponsive(operation, object, "interrupted while waiting", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof NetioException n) {
        throw n;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(operation + " " + object + " failed", cause);
    }
  }

  private static String describe(Set<InetAddress> vips) {
    if (vips.size() == 1) {
      return vips.iterator().next().getHostAddress();
    }
    return vips.size() + " VIPs";
  }

  /**
   * Makes exactly one thread. If it ever died, the executor would ask for another, which would be
   * created on whatever thread submits, possibly in another network namespace; returning null makes
   * the executor reject instead.
   */
  private static final class OneThreadFactory implements java.util.concurrent.ThreadFactory {
    private final String name;
    private boolean made;

    OneThreadFactory(String name) {
      this.name = name;
    }

    @Override
    public synchronized Thread newThread(Runnable r) {
      if (made) {
        return null;
      }
      made = true;
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    }
  }
}
