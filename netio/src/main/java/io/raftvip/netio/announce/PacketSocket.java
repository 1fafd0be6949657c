package io.raftvip.netio.announce;

import com.sun.jna.LastErrorException;
import io.raftvip.netio.MacAddress;
import io.raftvip.netio.NoSuchInterface;
import io.raftvip.netio.sys.LibC;
import java.nio.charset.StandardCharsets;

/**
 * One AF_PACKET raw socket (frames include the Ethernet header). The socket belongs to the network
 * namespace of the thread that opened it; interface lookups go through {@code ioctl} on this very
 * socket, so they resolve in that namespace too, whatever thread calls.
 *
 * <p>We never set {@code PACKET_QDISC_BYPASS}: it would skip {@code dev_queue_xmit} and with it the
 * netdev egress hook, so the fence could no longer stop our own announcements (measured: 20/20
 * frames passed a dropping egress chain with bypass on).
 *
 * <p>Sending is thread-safe (one syscall). Receiving is for one thread at a time.
 */
final class PacketSocket implements AutoCloseable {
  static final int ETH_P_ARP = 0x0806;
  static final int ETH_P_IPV6 = 0x86dd;

  /** {@code sll_pkttype} of a frame this host sent (seen by taps on the same interface). */
  static final int PACKET_OUTGOING = 4;

  private static final int SOCKADDR_LL_SIZE = 20;
  private static final int ARPHRD_ETHER = 1;
  private static final int ENODEV = 19;
  private static final int ENXIO = 6;

  private final int fd;
  private volatile boolean closed;

  private PacketSocket(int fd) {
    this.fd = fd;
  }

  /** A socket that only sends: protocol 0 subscribes to no frames, so nothing queues up on it. */
  static PacketSocket openForSending() {
    try {
      return new PacketSocket(LibC.socket(LibC.AF_PACKET, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, 0));
    } catch (LastErrorException e) {
      throw new PacketSocketFailed("open packet socket", "AF_PACKET", e.getErrorCode(), e);
    }
  }

  /**
   * A socket receiving frames of {@code ethertype} on {@code ifindex} only. It is created with
   * protocol 0 and bound afterwards, so no frame of another interface slips in between.
   */
  static PacketSocket openListening(int ifindex, int ethertype, String ifname) {
    PacketSocket s = openForSending();
    try {
      LibC.bind(s.fd, sockaddrLl(ethertype, ifindex, MacAddress.ZERO), SOCKADDR_LL_SIZE);
    } catch (LastErrorException e) {
      s.close();
      throw new PacketSocketFailed("bind packet socket", ifname, e.getErrorCode(), e);
    }
    return s;
  }

  /** The index of {@code ifname} in this socket's namespace. */
  int interfaceIndex(String ifname) {
    byte[] ifreq = ifreq(ifname);
    try {
      LibC.ioctl(fd, LibC.SIOCGIFINDEX, ifreq);
    } catch (LastErrorException e) {
      throw noSuchInterface("look up interface", ifname, e);
    }
    return (ifreq[16] & 0xff)
        | (ifreq[17] & 0xff) << 8
        | (ifreq[18] & 0xff) << 16
        | (ifreq[19] & 0xff) << 24;
  }

  /** The hardware address of {@code ifname} in this socket's namespace. */
  MacAddress hardwareAddress(String ifname) {
    byte[] ifreq = ifreq(ifname);
    try {
      LibC.ioctl(fd, LibC.SIOCGIFHWADDR, ifreq);
    } catch (LastErrorException e) {
      throw noSuchInterface("read hardware address", ifname, e);
    }
    // ifr_hwaddr is a struct sockaddr: u16 sa_family, then the address in sa_data.
    return MacAddress.of(ifreq, 18);
  }

  private static RuntimeException noSuchInterface(String op, String ifname, LastErrorException e) {
    if (e.getErrorCode() == ENODEV || e.getErrorCode() == ENXIO) {
      return new NoSuchInterface(op, ifname, e.getErrorCode());
    }
    return new PacketSocketFailed(op, ifname, e.getErrorCode(), e);
  }

  /**
   * Sends one complete Ethernet frame out of {@code ifindex}.
   *
   * @throws LastErrorException with the errno of {@code sendto}; the caller knows which VIP it was
   */
  void send(byte[] frame, int ifindex, int ethertype, MacAddress destination) {
    LibC.sendto(
        fd, frame, frame.length, 0, sockaddrLl(ethertype, ifindex, destination), SOCKADDR_LL_SIZE);
  }

  /**
   * Waits up to {@code timeoutMs} for a frame and reads it into {@code buf}; returns its length, or
   * -1 when none arrived in time. {@code from} (20 bytes) receives the sockaddr_ll of the frame.
   */
  int receive(byte[] buf, int timeoutMs, byte[] from, String ifname) {
    byte[] pollfd = new byte[8];
    pollfd[0] = (byte) fd;
    pollfd[1] = (byte) (fd >>> 8);
    pollfd[2] = (byte) (fd >>> 16);
    pollfd[3] = (byte) (fd >>> 24);
    pollfd[4] = (byte) LibC.POLLIN;
    try {
      int ready = LibC.poll(pollfd, 1, Math.max(0, timeoutMs));
      if (ready <= 0) {
        return -1;
      }
      int[] fromLen = {from.length};
      return (int) LibC.recvfrom(fd, buf, buf.length, LibC.MSG_DONTWAIT, from, fromLen);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == LibC.EINTR || e.getErrorCode() == LibC.EAGAIN) {
        return -1;
      }
      throw new PacketSocketFailed("receive frame", ifname, e.getErrorCode(), e);
    }
  }

  /** The {@code sll_pkttype} of a sockaddr_ll filled by {@link #receive}. */
  static int packetType(byte[] from) {
    return from[10] & 0xff;
  }

  static byte[] newAddressBuffer() {
    return new byte[SOCKADDR_LL_SIZE];
  }

  /**
   * {@code struct sockaddr_ll {u16 family; be16 protocol; s32 ifindex; u16 hatype; u8 pkttype; u8
   * halen; u8 addr[8]}}, 20 bytes, host order except the protocol (keepalived vrrp_arp.c does the
   * same).
   */
  static byte[] sockaddrLl(int ethertype, int ifindex, MacAddress destination) {
    byte[] a = new byte[SOCKADDR_LL_SIZE];
    a[0] = (byte) LibC.AF_PACKET;
    a[1] = (byte) (LibC.AF_PACKET >>> 8);
    a[2] = (byte) (ethertype >>> 8); // network byte order
    a[3] = (byte) ethertype;
    a[4] = (byte) ifindex;
    a[5] = (byte) (ifindex >>> 8);
    a[6] = (byte) (ifindex >>> 16);
    a[7] = (byte) (ifindex >>> 24);
    a[8] = (byte) ARPHRD_ETHER;
    a[9] = 0;
    a[10] = 0; // pkttype: ignored on send
    a[11] = 6;
    destination.writeTo(a, 12);
    return a;
  }

  private static byte[] ifreq(String ifname) {
    byte[] name = ifname.getBytes(StandardCharsets.US_ASCII);
    if (name.length == 0 || name.length > 15) {
      throw new IllegalArgumentException(
          "interface name must have 1..15 bytes: \"" + ifname + "\"");
    }
    byte[] ifreq = new byte[LibC.IFREQ_SIZE];
    System.arraycopy(name, 0, ifreq, 0, name.length);
    return ifreq;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      try {
        LibC.close(fd);
      } catch (LastErrorException e) {
        // Nothing to do: the descriptor is gone either way (close(2) never leaves it open).
      }
    }
  }
}
