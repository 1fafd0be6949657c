package io.raftvip.netio.fence;

import com.sun.jna.LastErrorException;
import io.raftvip.netio.MacAddress;
import io.raftvip.netio.announce.frames.ArpFrame;
import io.raftvip.netio.sys.LibC;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Test prober on the client (shared with benchmarks/ through the netio test-jar): every {@code
 * periodMs} it broadcasts an ARP who-has for the VIP and sends a UDP datagram to VIP:port, and
 * records every ARP reply whose sender IP is the VIP and every UDP echo from it.
 *
 * <p>Answer times are the kernel's receive timestamps ({@code SIOCGSTAMPNS}, CLOCK_REALTIME),
 * converted to System.nanoTime (CLOCK_MONOTONIC, shared by every process on the host) with an
 * offset sampled at open. So a prober thread that the loaded CI box schedules late does not make an
 * answer look late. Its sockets are opened in the client's namespace ({@link #open} must run inside
 * {@code client.inNetns}); its two threads run for at most {@code maxRunMs}.
 */
public final class GateProber implements AutoCloseable {
  public static final int UDP_PORT = 7007;

  private static final long SIOCGSTAMPNS = 0x8907;
  private static final int ETH_P_ARP = 0x0806;
  private static final int PACKET_OUTGOING = 4;

  private final int arpFd;
  private final int udpFd;
  private final int ifindex;
  private final MacAddress clientMac;
  private final Inet4Address clientIp;
  private final Inet4Address vip;
  private final long realtimeMinusMonotonicNanos;
  private final List<Long> arpAnswers = new ArrayList<>();
  private final List<Long> udpAnswers = new ArrayList<>();
  private volatile boolean stop;
  private Thread arpThread;
  private Thread udpThread;

  private GateProber(
      int arpFd, int udpFd, int ifindex, MacAddress mac, Inet4Address clientIp, Inet4Address vip) {
    this.arpFd = arpFd;
    this.udpFd = udpFd;
    this.ifindex = ifindex;
    this.clientMac = mac;
    this.clientIp = clientIp;
    this.vip = vip;
    this.realtimeMinusMonotonicNanos = clockOffset();
  }

  /** Opens the sockets; call inside the client's namespace. */
  public static GateProber open(
      String ifname, MacAddress mac, Inet4Address clientIp, Inet4Address vip) {
    int ifindex = LibC.if_nametoindex(ifname);
    int arp = LibC.socket(LibC.AF_PACKET, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, 0);
    LibC.bind(arp, sockaddrLl(ETH_P_ARP, ifindex), 20);
    int udp = LibC.socket(LibC.AF_INET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
    LibC.bind(udp, sockaddrIn(clientIp, 0), 16);
    enableTimestamps(arp);
    enableTimestamps(udp);
    return new GateProber(arp, udp, ifindex, mac, clientIp, vip);
  }

  /** The first SIOCGSTAMPNS switches receive timestamping on (and fails: nothing received yet). */
  private static void enableTimestamps(int fd) {
    try {
      LibC.ioctl(fd, SIOCGSTAMPNS, new byte[16]);
    } catch (LastErrorException e) {
      // ENOENT: no packet yet; timestamping is on from now
    }
  }

  private static long clockOffset() {
    long best = Long.MAX_VALUE;
    long offset = 0;
    for (int i = 0; i < 20; i++) {
      long t1 = System.nanoTime();
      Instant now = Instant.now();
      long t2 = System.nanoTime();
      if (t2 - t1 < best) {
        best = t2 - t1;
        offset = now.getEpochSecond() * 1_000_000_000L + now.getNano() - (t1 + (t2 - t1) / 2);
      }
    }
    return offset;
  }

  /** Kernel receive time of the last datagram read from {@code fd}, as System.nanoTime. */
  private long receivedAt(int fd) {
    byte[] ts = new byte[16];
    try {
      LibC.ioctl(fd, SIOCGSTAMPNS, ts);
    } catch (LastErrorException e) {
      return System.nanoTime();
    }
    ByteBuffer b = ByteBuffer.wrap(ts).order(ByteOrder.LITTLE_ENDIAN);
    long realtime = b.getLong() * 1_000_000_000L + b.getLong();
    return realtime - realtimeMinusMonotonicNanos;
  }

  static byte[] sockaddrLl(int ethertype, int ifindex) {
    byte[] a = new byte[20];
    a[0] = (byte) LibC.AF_PACKET;
    a[2] = (byte) (ethertype >>> 8);
    a[3] = (byte) ethertype;
    a[4] = (byte) ifindex;
    a[5] = (byte) (ifindex >>> 8);
    a[8] = 1;
    a[11] = 6;
    for (int i = 12; i < 18; i++) {
      a[i] = (byte) 0xff;
    }
    return a;
  }

  static byte[] sockaddrIn(Inet4Address ip, int port) {
    byte[] a = new byte[16];
    a[0] = (byte) LibC.AF_INET;
    a[2] = (byte) (port >>> 8);
    a[3] = (byte) port;
    System.arraycopy(ip.getAddress(), 0, a, 4, 4);
    return a;
  }

  public void start(long periodMs, long maxRunMs) {
    long endAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxRunMs);
    long periodNanos = TimeUnit.MILLISECONDS.toNanos(periodMs);
    byte[] whoHas =
        new ArpFrame(
                MacAddress.BROADCAST,
                clientMac,
                ArpFrame.REQUEST,
                clientMac,
                clientIp,
                MacAddress.ZERO,
                vip)
            .encode();
    byte[] arpDest = sockaddrLl(ETH_P_ARP, ifindex);
    byte[] udpDest = sockaddrIn(vip, UDP_PORT);
    arpThread =
        new Thread(
            () ->
                loop(
                    arpFd,
                    periodNanos,
                    endAt,
                    seq -> LibC.sendto(arpFd, whoHas, whoHas.length, 0, arpDest, 20),
                    this::isArpAnswer,
                    arpAnswers),
            "prober-arp");
    udpThread =
        new Thread(
            () ->
                loop(
                    udpFd,
                    periodNanos,
                    endAt,
                    seq -> {
                      byte[] out = ByteBuffer.allocate(8).putLong(seq).array();
                      LibC.sendto(udpFd, out, out.length, 0, udpDest, 16);
                    },
                    (buf, n, from) -> n >= 8 && sameAddress(from, vip),
                    udpAnswers),
            "prober-udp");
    arpThread.setDaemon(true);
    udpThread.setDaemon(true);
    arpThread.start();
    udpThread.start();
  }

  private interface Sender {
    void send(long seq);
  }

  private interface Matcher {
    boolean matches(byte[] buf, int n, byte[] from);
  }

  private boolean isArpAnswer(byte[] buf, int n, byte[] from) {
    if ((from[10] & 0xff) == PACKET_OUTGOING) {
      return false;
    }
    Optional<ArpFrame> f = ArpFrame.decode(buf, n);
    return f.isPresent() && f.get().operation() == ArpFrame.REPLY && f.get().senderIp().equals(vip);
  }

  private static boolean sameAddress(byte[] sockaddrIn, Inet4Address ip) {
    byte[] want = ip.getAddress();
    for (int i = 0; i < 4; i++) {
      if (sockaddrIn[4 + i] != want[i]) {
        return false;
      }
    }
    return true;
  }

  private void loop(
      int fd, long periodNanos, long endAt, Sender sender, Matcher matcher, List<Long> answers) {
    byte[] buf = new byte[1600];
    byte[] from = new byte[20];
    byte[] pollfd = new byte[8];
    pollfd[0] = (byte) fd;
    pollfd[1] = (byte) (fd >>> 8);
    pollfd[4] = (byte) LibC.POLLIN;
    long next = System.nanoTime();
    long seq = 0;
    while (!stop && System.nanoTime() - endAt < 0) {
      try {
        sender.send(seq++);
      } catch (LastErrorException e) {
        // e.g. EHOSTUNREACH while the client cannot resolve the VIP: keep probing
      }
      next += periodNanos;
      long now;
      while (!stop && (now = System.nanoTime()) - next < 0) {
        int waitMs = (int) Math.max(1, (next - now) / 1_000_000L);
        pollfd[6] = 0;
        pollfd[7] = 0;
        try {
          if (LibC.poll(pollfd, 1, waitMs) <= 0) {
            continue;
          }
          int[] len = {from.length};
          int n = (int) LibC.recvfrom(fd, buf, buf.length, LibC.MSG_DONTWAIT, from, len);
          long at = receivedAt(fd);
          if (matcher.matches(buf, n, from)) {
            synchronized (answers) {
              answers.add(at);
            }
          }
        } catch (LastErrorException e) {
          // EINTR, EAGAIN, or ECONNREFUSED from an ICMP error: keep going until the tick
        }
      }
    }
  }

  /** Stops the threads and returns the answer timestamps. */
  public Answers stop() throws InterruptedException {
    stop = true;
    arpThread.join(2_000);
    udpThread.join(2_000);
    synchronized (arpAnswers) {
      synchronized (udpAnswers) {
        return new Answers(List.copyOf(arpAnswers), List.copyOf(udpAnswers));
      }
    }
  }

  @Override
  public void close() {
    stop = true;
    for (int fd : new int[] {arpFd, udpFd}) {
      try {
        LibC.close(fd);
      } catch (LastErrorException e) {
        // already closed
      }
    }
  }

  /** Answer timestamps (nanoTime) per kind. */
  public record Answers(List<Long> arp, List<Long> udp) {
    public long countIn(List<Long> list, long fromNanos, long toNanos) {
      return list.stream().filter(t -> t - fromNanos >= 0 && t - toNanos < 0).count();
    }

    public Optional<Long> last(List<Long> list) {
      return list.stream().reduce((x, y) -> y - x > 0 ? y : x);
    }

    /** Largest gap between consecutive answers inside [from, to). */
    public long maxGapNanos(List<Long> list, long fromNanos, long toNanos) {
      long prev = fromNanos;
      long max = 0;
      for (long t : list) {
        if (t - fromNanos < 0 || t - toNanos >= 0) {
          continue;
        }
        max = Math.max(max, t - prev);
        prev = t;
      }
      return Math.max(max, toNanos - prev);
    }
  }
}
