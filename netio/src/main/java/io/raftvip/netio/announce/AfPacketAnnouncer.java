package io.raftvip.netio.announce;

import com.sun.jna.LastErrorException;
import io.raftvip.netio.MacAddress;
import io.raftvip.netio.NetioException;
import io.raftvip.netio.NoSuchInterface;
import io.raftvip.netio.announce.frames.ArpFrame;
import io.raftvip.netio.announce.frames.NeighborAdvertisementFrame;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Announcer} over one AF_PACKET socket (JNA; frames built by {@code frames}).
 *
 * <p>Frames go to the interface by ifindex ({@code sockaddr_ll}), through the normal transmit path
 * so that the fence's netdev egress chain sees them (no {@code PACKET_QDISC_BYPASS}); a frame the
 * fence drops fails with ENOBUFS, reported as {@link AnnouncementBlocked}.
 *
 * <p>Threads: {@link #open} opens the socket and starts two named threads, {@value #THREAD_NAME}
 * (bursts and refreshes) and {@value #PROBE_THREAD_NAME} (probes, which block while listening), all
 * in the network namespace of the thread calling {@code open} (a thread inherits its creator's
 * namespace; sockets keep theirs). Bounded: at most {@value #MAX_REFRESHES} refreshes, {@value
 * #MAX_PENDING_BURSTS} bursts in flight and {@value #MAX_PENDING_PROBES} queued probes.
 */
public final class AfPacketAnnouncer implements Announcer {
  private static final Logger log = LoggerFactory.getLogger(AfPacketAnnouncer.class);

  static final String THREAD_NAME = "raftvip-announcer";
  static final String PROBE_THREAD_NAME = "raftvip-arp-probe";

  public static final int MAX_REFRESHES = 1024;
  public static final int MAX_PENDING_BURSTS = 1024;
  public static final int MAX_PENDING_PROBES = 16;

  /** Refresh periods: faster than 100 ms is a storm, slower than an hour is pointless. */
  public static final long MIN_REFRESH_PERIOD_MS = 100;

  public static final long MAX_REFRESH_PERIOD_MS = 3_600_000;

  /** Frames read per probe at most: bounds the loop on a LAN flooded with ARP. */
  static final int MAX_FRAMES_PER_PROBE = 100_000;

  private static final int ENOBUFS = 105;
  private static final int ENODEV = 19;
  private static final int ENXIO = 6;

  private final PacketSocket socket;
  private final AnnouncerListener listener;
  private final ScheduledThreadPoolExecutor scheduler;
  private final ThreadPoolExecutor prober;
  private final Map<InetAddress, ScheduledFuture<?>> refreshes = new ConcurrentHashMap<>();
  private final AtomicInteger pendingBursts = new AtomicInteger();

  /** Futures of bursts and probes not yet completed; close() cancels them. */
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();

  private volatile boolean closed;

  private AfPacketAnnouncer(PacketSocket socket, AnnouncerListener listener) {
    this.socket = socket;
    this.listener = listener;
    this.scheduler = new ScheduledThreadPoolExecutor(1, new OneThreadFactory(THREAD_NAME));
    scheduler.setRemoveOnCancelPolicy(true);
    scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    scheduler.prestartAllCoreThreads();
    this.prober =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(MAX_PENDING_PROBES),
            new OneThreadFactory(PROBE_THREAD_NAME));
    prober.prestartAllCoreThreads();
  }

  /**
   * Opens the socket and threads in the calling thread's network namespace.
   *
   * @throws PacketSocketFailed without CAP_NET_RAW
   */
  public static AfPacketAnnouncer open(AnnouncerListener listener) {
    Objects.requireNonNull(listener, "listener");
    return new AfPacketAnnouncer(PacketSocket.openForSending(), listener);
  }

  @Override
  public void sendOnce(Announcement a) {
    requireOpen();
    int ifindex = socket.interfaceIndex(a.ifname());
    MacAddress mac = a.sourceMac() != null ? a.sourceMac() : socket.hardwareAddress(a.ifname());
    for (Frame f : frames(a, mac)) {
      try {
        socket.send(f.bytes(), ifindex, f.ethertype(), f.destination());
      } catch (LastErrorException e) {
        throw sendError(a, ifindex, e);
      }
    }
  }

  private record Frame(byte[] bytes, int ethertype, MacAddress destination) {}

  private static List<Frame> frames(Announcement a, MacAddress mac) {
    List<Frame> frames = new ArrayList<>(2);
    if (a.vip() instanceof Inet4Address v4) {
      for (ArpForm form : ArpForm.values()) {
        if (a.arpForms().contains(form)) {
          ArpFrame arp =
              form == ArpForm.REQUEST
                  ? ArpFrame.gratuitousRequest(mac, v4)
                  : ArpFrame.gratuitousReply(mac, v4);
          frames.add(new Frame(arp.encode(), PacketSocket.ETH_P_ARP, arp.ethDestination()));
        }
      }
    } else {
      NeighborAdvertisementFrame na =
          NeighborAdvertisementFrame.unsolicited(mac, (Inet6Address) a.vip(), a.router());
      frames.add(new Frame(na.encode(), PacketSocket.ETH_P_IPV6, na.ethDestination()));
    }
    return frames;
  }

  private static NetioException sendError(Announcement a, int ifindex, LastErrorException e) {
    int errno = e.getErrorCode();
    String object = a.describe() + " (ifindex " + ifindex + ")";
    if (errno == ENOBUFS) {
      return new AnnouncementBlocked(object, errno);
    }
    if (errno == ENODEV || errno == ENXIO) {
      return new NoSuchInterface("send announcement", object, errno);
    }
    return new AnnouncementFailed(object, errno, e);
  }

  @Override
  public CompletableFuture<AnnounceReport> announce(Announcement a) {
    requireOpen();
    CompletableFuture<AnnounceReport> result = new CompletableFuture<>();
    if (pendingBursts.incrementAndGet() > MAX_PENDING_BURSTS) {
      pendingBursts.decrementAndGet();
      result.completeExceptionally(
          new RejectedExecutionException(
              "more than " + MAX_PENDING_BURSTS + " announcement bursts in flight"));
      return result;
    }
    inFlight.add(result);
    result.whenComplete(
        (r, e) -> {
          pendingBursts.decrementAndGet();
          inFlight.remove(result);
        });
    Burst burst = new Burst(a, result);
    try {
      scheduler.execute(burst);
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(e);
    }
    return result;
  }

  /** One burst: a round per run, rescheduling itself until done. Runs on the scheduler only. */
  private final class Burst implements Runnable {
    private final Announcement a;
    private final CompletableFuture<AnnounceReport> result;
    private int sent;

    Burst(Announcement a, CompletableFuture<AnnounceReport> result) {
      this.a = a;
      this.result = result;
    }

    @Override
    public void run() {
      if (result.isDone()) {
        return;
      }
      if (!a.stillOwned().getAsBoolean()) {
        result.complete(new AnnounceReport(a.vip(), sent, true));
        return;
      }
      try {
        sendOnce(a);
      } catch (NetioException e) {
        listener.onSendFailed(a, e);
        result.completeExceptionally(e);
        return;
      } catch (Throwable e) {
        result.completeExceptionally(e);
        return;
      }
      sent++;
      if (sent >= a.count()) {
        result.complete(new AnnounceReport(a.vip(), sent, false));
        return;
      }
      try {
        scheduler.schedule(this, a.intervalMs(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        result.completeExceptionally(e);
      }
    }
  }

  @Override
  public void startRefresh(Announcement a, long periodMs) {
    requireOpen();
    if (periodMs < MIN_REFRESH_PERIOD_MS || periodMs > MAX_REFRESH_PERIOD_MS) {
      throw new IllegalArgumentException(
          "refresh period must be in "
              + MIN_REFRESH_PERIOD_MS
              + ".."
              + MAX_REFRESH_PERIOD_MS
              + " ms, got "
              + periodMs);
    }
    if (!refreshes.containsKey(a.vip()) && refreshes.size() >= MAX_REFRESHES) {
      throw new IllegalStateException(
          "already refreshing " + MAX_REFRESHES + " VIPs, cannot add " + a.vip());
    }
    Runnable round =
        () -> {
          if (!a.stillOwned().getAsBoolean()) {
            return;
          }
          try {
            sendOnce(a);
          } catch (NetioException e) {
            listener.onSendFailed(a, e);
          } catch (RuntimeException e) {
            // Keep the periodic task alive: an exception would cancel it silently.
            log.warn("refresh of {} failed", a.describe(), e);
          }
        };
    ScheduledFuture<?> next =
        scheduler.scheduleWithFixedDelay(round, periodMs, periodMs, TimeUnit.MILLISECONDS);
    ScheduledFuture<?> previous = refreshes.put(a.vip(), next);
    if (previous != null) {
      previous.cancel(false);
    }
  }

  @Override
  public boolean stopRefresh(InetAddress vip) {
    ScheduledFuture<?> f = refreshes.remove(vip);
    if (f == null) {
      return false;
    }
    f.cancel(false);
    return true;
  }

  @Override
  public Set<InetAddress> refreshing() {
    return Set.copyOf(refreshes.keySet());
  }

  @Override
  public CompletableFuture<ProbeResult> probe(ArpProbe p) {
    requireOpen();
    CompletableFuture<ProbeResult> result = new CompletableFuture<>();
    inFlight.add(result);
    result.whenComplete((r, e) -> inFlight.remove(result));
    try {
      prober.execute(
          () -> {
            try {
              result.complete(runProbe(p));
            } catch (Throwable e) {
              // Also Errors: the future must complete, and the one probe thread must survive
              // (it is never replaced, see OneThreadFactory).
              result.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(e);
    }
    return result;
  }

  /** Runs on the probe thread; the listening socket is opened here, in the announcer's netns. */
  private ProbeResult runProbe(ArpProbe p) {
    int ifindex = socket.interfaceIndex(p.ifname());
    MacAddress own = p.ownMac() != null ? p.ownMac() : socket.hardwareAddress(p.ifname());
    byte[] probeFrame = ArpFrame.probe(own, p.candidate()).encode();
    try (PacketSocket rx =
        PacketSocket.openListening(ifindex, PacketSocket.ETH_P_ARP, p.ifname())) {
      byte[] buf = new byte[2048];
      byte[] from = PacketSocket.newAddressBuffer();
      long start = System.nanoTime();
      long nextProbeAt = start;
      long endAt = Long.MAX_VALUE;
      int sent = 0;
      for (int frames = 0; frames < MAX_FRAMES_PER_PROBE; ) {
        long now = System.nanoTime();
        if (sent < p.probeCount() && now - nextProbeAt >= 0) {
          try {
            socket.send(probeFrame, ifindex, PacketSocket.ETH_P_ARP, MacAddress.BROADCAST);
          } catch (LastErrorException e) {
            throw sendError(
                Announcement.of(p.candidate(), p.ifname()).withSourceMac(own), ifindex, e);
          }
          sent++;
          nextProbeAt += p.probeIntervalMs() * 1_000_000L;
          if (sent == p.probeCount()) {
            endAt = now + p.listenMs() * 1_000_000L;
          }
          continue;
        }
        if (sent == p.probeCount() && now - endAt >= 0) {
          return new ProbeResult.NoConflict(p.candidate(), sent, (now - start) / 1_000_000L);
        }
        long wakeAt = sent < p.probeCount() ? nextProbeAt : endAt;
        int timeoutMs = (int) Math.max(1, (wakeAt - now + 999_999) / 1_000_000L);
        int n = rx.receive(buf, timeoutMs, from, p.ifname());
        if (n < 0) {
          continue;
        }
        frames++;
        if (PacketSocket.packetType(from) == PacketSocket.PACKET_OUTGOING) {
          continue; // our own probes, seen by the tap on the way out
        }
        Optional<ProbeResult> conflict =
            conflict(p, own, buf, n, (System.nanoTime() - start) / 1_000_000L);
        if (conflict.isPresent()) {
          return conflict.get();
        }
      }
      return new ProbeResult.NoConflict(
          p.candidate(), sent, (System.nanoTime() - start) / 1_000_000L);
    }
  }

  /** RFC 5227 section 2.1.1 conflict rules applied to one received frame. Pure. */
  static Optional<ProbeResult> conflict(
      ArpProbe p, MacAddress own, byte[] frame, int length, long afterMs) {
    Optional<ArpFrame> decoded = ArpFrame.decode(frame, length);
    if (decoded.isEmpty()) {
      return Optional.empty();
    }
    ArpFrame arp = decoded.get();
    if (arp.senderMac().equals(own)) {
      return Optional.empty();
    }
    if (arp.senderIp().equals(p.candidate())) {
      return Optional.of(
          new ProbeResult.ConflictDetected(
              p.candidate(), arp.senderMac(), arp.operation(), false, afterMs));
    }
    if (arp.isProbe() && arp.targetIp().equals(p.candidate())) {
      return Optional.of(
          new ProbeResult.ConflictDetected(
              p.candidate(), arp.senderMac(), arp.operation(), true, afterMs));
    }
    return Optional.empty();
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("announcer is closed");
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    refreshes.values().forEach(f -> f.cancel(false));
    refreshes.clear();
    scheduler.shutdownNow();
    prober.shutdownNow();
    for (CompletableFuture<?> f : List.copyOf(inFlight)) {
      f.cancel(false);
    }
    try {
      // A probe polls with timeouts of at most its interval or listen time; 2 s covers both.
      if (!scheduler.awaitTermination(2, TimeUnit.SECONDS)
          || !prober.awaitTermination(2, TimeUnit.SECONDS)) {
        log.warn("announcer threads did not stop within 2 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    socket.close();
  }

  /** See NftablesFence: exactly one thread, so none is ever created in a foreign namespace. */
  private static final class OneThreadFactory implements ThreadFactory {
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
