package io.raftvip.testlan.probe;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Byte layouts of the frames the prober sends and reads: an Ethernet+IPv4+UDP frame built by hand
 * (RFC 791, RFC 768, checksums per RFC 1071) and ARP requests and replies (RFC 826). Pure; no IO.
 * The same layouts live in netio's {@code frames} package; testsupport cannot depend on netio.
 */
public final class ProbeFrames {

  static final int ETHERNET_HEADER_BYTES = 14;
  static final int IPV4_HEADER_BYTES = 20;
  static final int UDP_HEADER_BYTES = 8;
  static final int ARP_BYTES = 28;

  /** Frames shorter than this are padded by the sender (802.3 minimum without FCS). */
  static final int ETHERNET_MIN_BYTES = 60;

  public static final int ETHER_TYPE_IPV4 = 0x0800;
  public static final int ETHER_TYPE_ARP = 0x0806;
  public static final int ARP_REQUEST = 1;
  public static final int ARP_REPLY = 2;

  private static final int PROTOCOL_UDP = 17;
  private static final int TTL = 64;
  private static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
  private static final HexFormat MAC_FORMAT = HexFormat.ofDelimiter(":");

  private ProbeFrames() {}

  /**
   * A complete Ethernet frame carrying one UDP datagram, with valid IPv4 header and UDP checksums,
   * "don't fragment" set.
   */
  public static byte[] udpFrame(
      byte[] destinationMac,
      byte[] sourceMac,
      Inet4Address sourceIp,
      Inet4Address destinationIp,
      int sourcePort,
      int destinationPort,
      int ipId,
      byte[] payload) {
    requireMac(destinationMac, "destination MAC");
    requireMac(sourceMac, "source MAC");
    requirePort(sourcePort, "source port");
    requirePort(destinationPort, "destination port");
    int udpLength = UDP_HEADER_BYTES + payload.length;
    int ipLength = IPV4_HEADER_BYTES + udpLength;
    if (ipLength > 1500) {
      throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds the MTU");
    }
    byte[] f = new byte[Math.max(ETHERNET_MIN_BYTES, ETHERNET_HEADER_BYTES + ipLength)];
    System.arraycopy(destinationMac, 0, f, 0, 6);
    System.arraycopy(sourceMac, 0, f, 6, 6);
    put16(f, 12, ETHER_TYPE_IPV4);

    int ip = ETHERNET_HEADER_BYTES;
    f[ip] = 0x45; // version 4, header 5 words
    f[ip + 1] = 0; // DSCP/ECN
    put16(f, ip + 2, ipLength);
    put16(f, ip + 4, ipId & 0xffff);
    put16(f, ip + 6, 0x4000); // DF, fragment offset 0
    f[ip + 8] = (byte) TTL;
    f[ip + 9] = (byte) PROTOCOL_UDP;
    System.arraycopy(sourceIp.getAddress(), 0, f, ip + 12, 4);
    System.arraycopy(destinationIp.getAddress(), 0, f, ip + 16, 4);
    put16(f, ip + 10, checksum(f, ip, IPV4_HEADER_BYTES, 0));

    int udp = ip + IPV4_HEADER_BYTES;
    put16(f, udp, sourcePort);
    put16(f, udp + 2, destinationPort);
    put16(f, udp + 4, udpLength);
    System.arraycopy(payload, 0, f, udp + UDP_HEADER_BYTES, payload.length);
    int sum = udpPseudoHeaderSum(sourceIp, destinationIp, udpLength);
    int udpChecksum = checksum(f, udp, udpLength, sum);
    // RFC 768: a computed checksum of zero is sent as all ones (zero means "no checksum").
    put16(f, udp + 6, udpChecksum == 0 ? 0xffff : udpChecksum);
    return f;
  }

  /** A broadcast ARP who-has {@code targetIp} from {@code senderMac}/{@code senderIp}. */
  public static byte[] arpRequest(byte[] senderMac, Inet4Address senderIp, Inet4Address targetIp) {
    requireMac(senderMac, "sender MAC");
    byte[] f = new byte[ETHERNET_MIN_BYTES];
    System.arraycopy(BROADCAST, 0, f, 0, 6);
    System.arraycopy(senderMac, 0, f, 6, 6);
    put16(f, 12, ETHER_TYPE_ARP);
    int a = ETHERNET_HEADER_BYTES;
    put16(f, a, 1); // hardware type Ethernet
    put16(f, a + 2, ETHER_TYPE_IPV4);
    f[a + 4] = 6;
    f[a + 5] = 4;
    put16(f, a + 6, ARP_REQUEST);
    System.arraycopy(senderMac, 0, f, a + 8, 6);
    System.arraycopy(senderIp.getAddress(), 0, f, a + 14, 4);
    // target hardware address stays zero
    System.arraycopy(targetIp.getAddress(), 0, f, a + 24, 4);
    return f;
  }

  /**
   * An Ethernet/IPv4 ARP packet as read from the wire.
   *
   * @param ethernetSource the frame's source MAC
   * @param operation {@link #ARP_REQUEST} or {@link #ARP_REPLY}
   */
  public record Arp(
      byte[] ethernetSource,
      int operation,
      byte[] senderMac,
      Inet4Address senderIp,
      byte[] targetMac,
      Inet4Address targetIp) {

    /** A gratuitous ARP (request or reply form): sender and target IP are the same. */
    public boolean gratuitous() {
      return senderIp.equals(targetIp);
    }
  }

  /** Decodes an ARP frame of {@code length} bytes; empty for anything else. */
  public static Optional<Arp> parseArp(byte[] frame, int length) {
    if (length < ETHERNET_HEADER_BYTES + ARP_BYTES || length > frame.length) {
      return Optional.empty();
    }
    if (get16(frame, 12) != ETHER_TYPE_ARP) {
      return Optional.empty();
    }
    int a = ETHERNET_HEADER_BYTES;
    if (get16(frame, a) != 1
        || get16(frame, a + 2) != ETHER_TYPE_IPV4
        || frame[a + 4] != 6
        || frame[a + 5] != 4) {
      return Optional.empty();
    }
    int op = get16(frame, a + 6);
    if (op != ARP_REQUEST && op != ARP_REPLY) {
      return Optional.empty();
    }
    return Optional.of(
        new Arp(
            Arrays.copyOfRange(frame, 6, 12),
            op,
            Arrays.copyOfRange(frame, a + 8, a + 14),
            ipv4(frame, a + 14),
            Arrays.copyOfRange(frame, a + 18, a + 24),
            ipv4(frame, a + 24)));
  }

  /**
   * The RFC 1071 Internet checksum of {@code length} bytes from {@code offset}, starting from the
   * 32-bit partial sum {@code initial} (a pseudo-header, or 0).
   */
  public static int checksum(byte[] b, int offset, int length, int initial) {
    long sum = initial & 0xffffffffL;
    int i = offset;
    int end = offset + length;
    for (; i + 1 < end; i += 2) {
      sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }
    if (i < end) {
      sum += (b[i] & 0xff) << 8;
    }
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return (int) (~sum & 0xffff);
  }

  /** The partial sum of the UDP pseudo-header (RFC 768). */
  static int udpPseudoHeaderSum(Inet4Address source, Inet4Address destination, int udpLength) {
    byte[] s = source.getAddress();
    byte[] d = destination.getAddress();
    int sum = 0;
    sum += ((s[0] & 0xff) << 8) | (s[1] & 0xff);
    sum += ((s[2] & 0xff) << 8) | (s[3] & 0xff);
    sum += ((d[0] & 0xff) << 8) | (d[1] & 0xff);
    sum += ((d[2] & 0xff) << 8) | (d[3] & 0xff);
    sum += PROTOCOL_UDP;
    sum += udpLength;
    return sum;
  }

  /** Parses "02:00:00:00:00:0b". */
  public static byte[] parseMac(String text) {
    byte[] mac;
    try {
      mac = MAC_FORMAT.parseHex(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a MAC address: '" + text + "'", e);
    }
    requireMac(mac, "MAC '" + text + "'");
    return mac;
  }

  /** Formats a MAC as "02:00:00:00:00:0b". */
  public static String formatMac(byte[] mac) {
    return MAC_FORMAT.formatHex(mac);
  }

  /** Parses a dotted-quad IPv4 literal without any name lookup. */
  public static Inet4Address parseIpv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
    }
    byte[] b = new byte[4];
    for (int i = 0; i < 4; i++) {
      if (parts[i].isEmpty()
          || parts[i].length() > 3
          || !parts[i].chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
      }
      int v = Integer.parseInt(parts[i]);
      if (v > 255) {
        throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
      }
      b[i] = (byte) v;
    }
    return ipv4(b, 0);
  }

  static Inet4Address ipv4(byte[] b, int offset) {
    try {
      return (Inet4Address) InetAddress.getByAddress(Arrays.copyOfRange(b, offset, offset + 4));
    } catch (UnknownHostException e) {
      throw new AssertionError("4 bytes always form an address", e);
    }
  }

  static int get16(byte[] b, int offset) {
    return ((b[offset] & 0xff) << 8) | (b[offset + 1] & 0xff);
  }

  private static void put16(byte[] b, int offset, int value) {
    b[offset] = (byte) (value >>> 8);
    b[offset + 1] = (byte) value;
  }

  private static void requireMac(byte[] mac, String what) {
    if (mac == null || mac.length != 6) {
      throw new IllegalArgumentException(what + " must be 6 bytes");
    }
  }

  private static void requirePort(int port, String what) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(what + " must be in 1..65535, was " + port);
    }
  }
}
