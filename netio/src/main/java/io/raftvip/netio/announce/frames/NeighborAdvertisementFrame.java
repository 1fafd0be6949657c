package io.raftvip.netio.announce.frames;

import io.raftvip.netio.MacAddress;
import java.net.Inet6Address;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * An Ethernet frame carrying an IPv6 Neighbor Advertisement (RFC 4861 section 4.4) with one Target
 * Link-Layer Address option: 14 (Ethernet) + 40 (IPv6) + 32 (ICMPv6) = 86 bytes.
 *
 * <p>{@link #unsolicited} builds the form of RFC 4861 section 7.2.6, byte for byte what Linux's
 * {@code ndisc_send_unsol_na} sends (captured and compared in the tests): Ethernet destination
 * 33:33:00:00:00:01, IPv6 source = the VIP, destination ff02::1, hop limit 255, type 136 code 0,
 * Override set, Solicited clear, Router as configured, target = VIP, option type 2 length 1 = the
 * owner's MAC. Receivers update an existing neighbour entry because of the O flag; they do not
 * create one unless {@code accept_untracked_na} is set. Immutable and pure.
 *
 * @param ethDestination Ethernet destination
 * @param ethSource Ethernet source (the VMAC when one is used)
 * @param ipSource IPv6 source address
 * @param ipDestination IPv6 destination address
 * @param hopLimit IPv6 hop limit (receivers drop NAs whose hop limit is not 255)
 * @param router R flag
 * @param solicited S flag
 * @param override O flag
 * @param target the advertised address
 * @param targetLinkLayer the Target Link-Layer Address option's MAC
 */
public record NeighborAdvertisementFrame(
    MacAddress ethDestination,
    MacAddress ethSource,
    Inet6Address ipSource,
    Inet6Address ipDestination,
    int hopLimit,
    boolean router,
    boolean solicited,
    boolean override,
    Inet6Address target,
    MacAddress targetLinkLayer) {

  public static final int ETHERTYPE_IPV6 = 0x86dd;
  public static final int ICMPV6_NEIGHBOR_ADVERTISEMENT = 136;
  public static final int OPTION_TARGET_LINK_LAYER_ADDRESS = 2;
  public static final int FRAME_LENGTH = 86;

  private static final int ETH_HEADER = 14;
  private static final int IPV6_HEADER = 40;
  private static final int ICMP_LENGTH = 32;

  /** ff02::1. */
  public static final Inet6Address ALL_NODES = ipv6(allNodesBytes());

  public NeighborAdvertisementFrame {
    Objects.requireNonNull(ethDestination, "ethDestination");
    Objects.requireNonNull(ethSource, "ethSource");
    Objects.requireNonNull(ipSource, "ipSource");
    Objects.requireNonNull(ipDestination, "ipDestination");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(targetLinkLayer, "targetLinkLayer");
    if (hopLimit < 0 || hopLimit > 255) {
      throw new IllegalArgumentException("hop limit must be in 0..255, got " + hopLimit);
    }
  }

  /** The RFC 4861 section 7.2.6 unsolicited advertisement of {@code vip} at {@code owner}. */
  public static NeighborAdvertisementFrame unsolicited(
      MacAddress owner, Inet6Address vip, boolean router) {
    return new NeighborAdvertisementFrame(
        MacAddress.IPV6_ALL_NODES, owner, vip, ALL_NODES, 255, router, false, true, vip, owner);
  }

  /** The 86-byte frame with a correct ICMPv6 checksum. */
  public byte[] encode() {
    byte[] b = new byte[FRAME_LENGTH];
    ethDestination.writeTo(b, 0);
    ethSource.writeTo(b, 6);
    ArpFrame.putShort(b, 12, ETHERTYPE_IPV6);
    int ip = ETH_HEADER;
    b[ip] = 0x60; // version 6, traffic class 0, flow label 0
    ArpFrame.putShort(b, ip + 4, ICMP_LENGTH);
    b[ip + 6] = (byte) InternetChecksum.NEXT_HEADER_ICMPV6;
    b[ip + 7] = (byte) hopLimit;
    System.arraycopy(ipSource.getAddress(), 0, b, ip + 8, 16);
    System.arraycopy(ipDestination.getAddress(), 0, b, ip + 24, 16);
    int icmp = ETH_HEADER + IPV6_HEADER;
    b[icmp] = (byte) ICMPV6_NEIGHBOR_ADVERTISEMENT;
    b[icmp + 1] = 0; // code
    // checksum at icmp+2..3 stays zero until computed below
    b[icmp + 4] = (byte) ((router ? 0x80 : 0) | (solicited ? 0x40 : 0) | (override ? 0x20 : 0));
    System.arraycopy(target.getAddress(), 0, b, icmp + 8, 16);
    b[icmp + 24] = (byte) OPTION_TARGET_LINK_LAYER_ADDRESS;
    b[icmp + 25] = 1; // option length in units of 8 bytes
    targetLinkLayer.writeTo(b, icmp + 26);
    int sum = InternetChecksum.icmpv6(ipSource, ipDestination, b, icmp, ICMP_LENGTH);
    ArpFrame.putShort(b, icmp + 2, sum);
    return b;
  }

  /**
   * Decodes {@code frame[0..length)}; empty unless it is an IPv6 NA with exactly the Target
   * Link-Layer Address option for Ethernet and a correct checksum.
   */
  public static Optional<NeighborAdvertisementFrame> decode(byte[] frame, int length) {
    if (length < FRAME_LENGTH || length > frame.length) {
      return Optional.empty();
    }
    int ip = ETH_HEADER;
    int icmp = ETH_HEADER + IPV6_HEADER;
    if (ArpFrame.getShort(frame, 12) != ETHERTYPE_IPV6
        || (frame[ip] & 0xf0) != 0x60
        || ArpFrame.getShort(frame, ip + 4) != ICMP_LENGTH
        || (frame[ip + 6] & 0xff) != InternetChecksum.NEXT_HEADER_ICMPV6
        || (frame[icmp] & 0xff) != ICMPV6_NEIGHBOR_ADVERTISEMENT
        || frame[icmp + 1] != 0
        || frame[icmp + 24] != OPTION_TARGET_LINK_LAYER_ADDRESS
        || frame[icmp + 25] != 1) {
      return Optional.empty();
    }
    Inet6Address src = ipv6(Arrays.copyOfRange(frame, ip + 8, ip + 24));
    Inet6Address dst = ipv6(Arrays.copyOfRange(frame, ip + 24, ip + 40));
    if (InternetChecksum.icmpv6(src, dst, frame, icmp, ICMP_LENGTH) != 0) {
      return Optional.empty(); // a correct checksum sums (with itself included) to 0xffff
    }
    int flags = frame[icmp + 4] & 0xff;
    return Optional.of(
        new NeighborAdvertisementFrame(
            MacAddress.of(frame, 0),
            MacAddress.of(frame, 6),
            src,
            dst,
            frame[ip + 7] & 0xff,
            (flags & 0x80) != 0,
            (flags & 0x40) != 0,
            (flags & 0x20) != 0,
            ipv6(Arrays.copyOfRange(frame, icmp + 8, icmp + 24)),
            MacAddress.of(frame, icmp + 26)));
  }

  private static byte[] allNodesBytes() {
    byte[] b = new byte[16];
    b[0] = (byte) 0xff;
    b[1] = 0x02;
    b[15] = 1;
    return b;
  }

  /** An Inet6Address for 16 bytes, never converted to IPv4 (unlike InetAddress.getByAddress). */
  static Inet6Address ipv6(byte[] sixteen) {
    try {
      return Inet6Address.getByAddress(null, sixteen, -1);
    } catch (UnknownHostException e) {
      throw new AssertionError("16 bytes are always an IPv6 address", e);
    }
  }
}
