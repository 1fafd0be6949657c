package io.raftvip.testlan.probe;

import com.sun.jna.LastErrorException;
import io.raftvip.testlan.Libc;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One socket of the prober, through libc: an AF_PACKET raw socket (whole Ethernet frames) or an
 * AF_INET datagram socket, both with kernel receive timestamps ({@code SIOCGSTAMPNS}). The socket
 * lives in the network namespace of the thread that opened it.
 *
 * <p>Sending is thread-safe (one system call). Receiving, and {@link #lastReceiveEpochMicros} right
 * after it, is for one thread.
 */
final class RawSocket implements AutoCloseable {

  static final int SOCKADDR_LL_BYTES = 20;
  static final int SOCKADDR_IN_BYTES = 16;

  /** {@code sll_pkttype} of a frame this host sent, seen by a tap on the same interface. */
  static final int PACKET_OUTGOING = 4;

  /** A kernel timestamp further than this from the JVM clock is not trusted. */
  private static final long KERNEL_CLOCK_SANITY_MICROS = 1_000_000;

  private static final int ARPHRD_ETHER = 1;
  private static final int IFREQ_BYTES = 40;

  private final int fd;
  private final String what;
  private volatile boolean closed;

  private RawSocket(int fd, String what) {
    this.fd = fd;
    this.what = what;
  }

  /**
   * A packet socket on {@code ifname}: receives frames of {@code ethertype} (0 = none: send only).
   */
  static RawSocket packet(String ifname, int ethertype) {
    int fd =
        call(
            () -> Libc.Holder.LIBC.socket(Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0),
            "open packet socket on " + ifname);
    RawSocket s = new RawSocket(fd, "packet socket on " + ifname);
    if (ethertype != 0) {
      try {
        int ifindex = s.interfaceIndex(ifname);
        byte[] address = sockaddrLl(ethertype, ifindex, new byte[6]);
        call(
            () -> Libc.Holder.LIBC.bind(fd, address, SOCKADDR_LL_BYTES),
            "bind packet socket to " + ifname);
      } catch (RuntimeException e) {
        s.close();
        throw e;
      }
    }
    return s;
  }

  /** A UDP socket bound to {@code address:port}. */
  static RawSocket udp(Inet4Address address, int port) {
    int fd =
        call(
            () -> Libc.Holder.LIBC.socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0),
            "open UDP socket");
    RawSocket s = new RawSocket(fd, "UDP socket " + address.getHostAddress() + ":" + port);
    try {
      byte[] sa = sockaddrIn(address, port);
      call(() -> Libc.Holder.LIBC.bind(fd, sa, SOCKADDR_IN_BYTES), "bind " + s.what);
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
    return s;
  }

  /** The index of {@code ifname} in this socket's namespace. */
  int interfaceIndex(String ifname) {
    byte[] ifreq = ifreq(ifname);
    call(() -> Libc.Holder.LIBC.ioctl(fd, Libc.SIOCGIFINDEX, ifreq), "look up interface " + ifname);
    return ByteBuffer.wrap(ifreq, 16, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }

  /** The MAC of {@code ifname} in this socket's namespace. */
  byte[] hardwareAddress(String ifname) {
    byte[] ifreq = ifreq(ifname);
    call(() -> Libc.Holder.LIBC.ioctl(fd, Libc.SIOCGIFHWADDR, ifreq), "read the MAC of " + ifname);
    byte[] mac = new byte[6];
    // ifr_hwaddr is a struct sockaddr: u16 sa_family, then the address.
    System.arraycopy(ifreq, 18, mac, 0, 6);
    return mac;
  }

  /**
   * Receives frames sent to other MACs too (the spare identity's ARP replies): veth delivers them
   * anyway, a real NIC would filter them without promiscuous mode.
   */
  void promiscuous(int ifindex) {
    // struct packet_mreq { int mr_ifindex; unsigned short mr_type, mr_alen; unsigned char
    // mr_address[8]; }
    byte[] mreq = new byte[16];
    ByteBuffer.wrap(mreq).order(ByteOrder.LITTLE_ENDIAN).putInt(ifindex).putShort((short) 1);
    call(
        () ->
            Libc.Holder.LIBC.setsockopt(
                fd, Libc.SOL_PACKET, Libc.PACKET_ADD_MEMBERSHIP, mreq, mreq.length),
        "set " + what + " promiscuous");
  }

  /**
   * Switches kernel receive timestamps on: the first SIOCGSTAMPNS enables them (and fails or
   * returns the current time: nothing was received yet).
   */
  void enableTimestamps() {
    try {
      Libc.Holder.LIBC.ioctl(fd, Libc.SIOCGSTAMPNS, new byte[16]);
    } catch (LastErrorException e) {
      // ENOENT: no packet yet; timestamping is on from now
    }
  }

  /** Sends {@code buf} to {@code address} (a sockaddr_ll or sockaddr_in); returns errno or 0. */
  int sendTo(byte[] buf, byte[] address) {
    try {
      Libc.Holder.LIBC.sendto(fd, buf, buf.length, 0, address, address.length);
      return 0;
    } catch (LastErrorException e) {
      return e.getErrorCode();
    }
  }

  /**
   * Waits up to {@code timeoutMs} for a packet; returns its length, or -1 when none came (or the
   * socket was closed). {@code from} receives the sender's address.
   */
  int receive(byte[] buf, byte[] from, int timeoutMs) {
    if (closed) {
      return -1;
    }
    byte[] pollfd = new byte[8];
    ByteBuffer.wrap(pollfd).order(ByteOrder.LITTLE_ENDIAN).putInt(fd).putShort(Libc.POLLIN);
    try {
      if (Libc.Holder.LIBC.poll(pollfd, 1, Math.max(0, timeoutMs)) <= 0) {
        return -1;
      }
      int[] fromLength = {from.length};
      return (int)
          Libc.Holder.LIBC.recvfrom(fd, buf, buf.length, Libc.MSG_DONTWAIT, from, fromLength);
    } catch (LastErrorException e) {
      int errno = e.getErrorCode();
      if (errno == Libc.EINTR || errno == Libc.EAGAIN || closed) {
        return -1;
      }
      // e.g. ECONNREFUSED from an ICMP error on the UDP socket: not fatal for a prober
      return -1;
    }
  }

  /**
   * The kernel's receive time of the last packet read, in epoch microseconds, or -1 when the kernel
   * has none or it is implausibly far from the JVM's clock (then the caller uses its own).
   */
  long lastReceiveEpochMicros(long jvmNowMicros) {
    byte[] ts = new byte[16];
    try {
      Libc.Holder.LIBC.ioctl(fd, Libc.SIOCGSTAMPNS, ts);
    } catch (LastErrorException e) {
      return -1;
    }
    ByteBuffer b = ByteBuffer.wrap(ts).order(ByteOrder.LITTLE_ENDIAN);
    long micros = b.getLong() * 1_000_000L + b.getLong() / 1_000L;
    return Math.abs(micros - jvmNowMicros) <= KERNEL_CLOCK_SANITY_MICROS ? micros : -1;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Libc.Holder.LIBC.close(fd);
    } catch (LastErrorException e) {
      // close(2) releases the descriptor even when it reports an error
    }
  }

  /** Microseconds since the epoch from the JVM's clock (microsecond resolution on Linux). */
  static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000L;
  }

  /**
   * {@code struct sockaddr_ll {u16 family; be16 protocol; s32 ifindex; u16 hatype; u8 pkttype; u8
   * halen; u8 addr[8]}}: host order except the protocol.
   */
  static byte[] sockaddrLl(int ethertype, int ifindex, byte[] mac) {
    byte[] a = new byte[SOCKADDR_LL_BYTES];
    ByteBuffer b = ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort((short) Libc.AF_PACKET);
    a[2] = (byte) (ethertype >>> 8);
    a[3] = (byte) ethertype;
    b.position(4);
    b.putInt(ifindex);
    b.putShort((short) ARPHRD_ETHER);
    a[10] = 0;
    a[11] = 6;
    System.arraycopy(mac, 0, a, 12, 6);
    return a;
  }

  /** {@code struct sockaddr_in {u16 family; be16 port; be32 addr; u8 zero[8]}}. */
  static byte[] sockaddrIn(Inet4Address address, int port) {
    byte[] a = new byte[SOCKADDR_IN_BYTES];
    a[0] = (byte) Libc.AF_INET;
    a[1] = 0;
    a[2] = (byte) (port >>> 8);
    a[3] = (byte) port;
    System.arraycopy(address.getAddress(), 0, a, 4, 4);
    return a;
  }

  /** The {@code sll_pkttype} of a sockaddr_ll filled by {@link #receive}. */
  static int packetType(byte[] sockaddrLl) {
    return sockaddrLl[10] & 0xff;
  }

  private static byte[] ifreq(String ifname) {
    byte[] name = ifname.getBytes(StandardCharsets.US_ASCII);
    if (name.length == 0 || name.length > 15) {
      throw new IllegalArgumentException("interface name must have 1..15 bytes: '" + ifname + "'");
    }
    byte[] ifreq = new byte[IFREQ_BYTES];
    System.arraycopy(name, 0, ifreq, 0, name.length);
    return ifreq;
  }

  private interface Call {
    int run();
  }

  private static int call(Call c, String operation) {
    try {
      return c.run();
    } catch (LastErrorException e) {
      throw new ProbeException(operation + " failed: errno " + e.getErrorCode(), e);
    }
  }
}
