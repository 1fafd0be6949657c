package io.raftvip.netio.announce.frames;

import io.raftvip.netio.MacAddress;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Optional;

/**
 * An Ethernet frame carrying an ARP packet for IPv4 over Ethernet (RFC 826): 14 bytes of Ethernet
 * header, 28 bytes of ARP, zero padding to the 60-byte Ethernet minimum (without FCS).
 *
 * <p>The three forms raftvip sends (linux-dataplane.md B.4):
 *
 * <ul>
 *   <li>{@link #gratuitousRequest}: op 1, SPA = TPA = VIP, THA zero — RFC 5227 "ARP Announcement",
 *       what Linux {@code arp_notify} and {@code arping -U} send;
 *   <li>{@link #gratuitousReply}: op 2, SPA = TPA = VIP, <b>THA = SHA</b> — RFC 5944 section 4.6;
 *       Linux only treats a reply as gratuitous when THA equals SHA ({@code arp_is_garp}), and a
 *       reply with a zero THA is subject to {@code locktime} (measured: ignored within 1 s);
 *   <li>{@link #probe}: op 1, SPA 0.0.0.0, THA zero, TPA = candidate — RFC 5227 section 2.1.1.
 * </ul>
 *
 * <p>Immutable and pure; no IO.
 *
 * @param ethDestination Ethernet destination
 * @param ethSource Ethernet source (the VMAC when one is used)
 * @param operation {@link #REQUEST} or {@link #REPLY}
 * @param senderMac SHA
 * @param senderIp SPA
 * @param targetMac THA
 * @param targetIp TPA
 */
public record ArpFrame(
    MacAddress ethDestination,
    MacAddress ethSource,
    int operation,
    MacAddress senderMac,
    Inet4Address senderIp,
    MacAddress targetMac,
    Inet4Address targetIp) {

  public static final int ETHERTYPE_ARP = 0x0806;
  public static final int ETHERTYPE_IPV4 = 0x0800;
  public static final int REQUEST = 1;
  public static final int REPLY = 2;

  /** Ethernet header (14) + ARP for IPv4 over Ethernet (28). */
  public static final int UNPADDED_LENGTH = 42;

  /** The minimum Ethernet frame without FCS; shorter frames are padded with zeros. */
  public static final int FRAME_LENGTH = 60;

  private static final Inet4Address UNSPECIFIED = ipv4(new byte[4]);

  public ArpFrame {
    Objects.requireNonNull(ethDestination, "ethDestination");
    Objects.requireNonNull(ethSource, "ethSource");
    Objects.requireNonNull(senderMac, "senderMac");
    Objects.requireNonNull(senderIp, "senderIp");
    Objects.requireNonNull(targetMac, "targetMac");
    Objects.requireNonNull(targetIp, "targetIp");
    if (operation != REQUEST && operation != REPLY) {
      throw new IllegalArgumentException("ARP operation must be 1 or 2, got " + operation);
    }
  }

  /** Broadcast op-1 announcement: SHA = owner, SPA = TPA = VIP, THA zero. */
  public static ArpFrame gratuitousRequest(MacAddress owner, Inet4Address vip) {
    return new ArpFrame(MacAddress.BROADCAST, owner, REQUEST, owner, vip, MacAddress.ZERO, vip);
  }

  /** Broadcast op-2 announcement: SHA = THA = owner, SPA = TPA = VIP. */
  public static ArpFrame gratuitousReply(MacAddress owner, Inet4Address vip) {
    return new ArpFrame(MacAddress.BROADCAST, owner, REPLY, owner, vip, owner, vip);
  }

  /** RFC 5227 probe: SPA 0.0.0.0, THA zero, TPA = the address we want to use. */
  public static ArpFrame probe(MacAddress prober, Inet4Address candidate) {
    return new ArpFrame(
        MacAddress.BROADCAST, prober, REQUEST, prober, UNSPECIFIED, MacAddress.ZERO, candidate);
  }

  /** True for an RFC 5227 probe: a request whose sender IP is 0.0.0.0. */
  public boolean isProbe() {
    return operation == REQUEST && senderIp.equals(UNSPECIFIED);
  }

  /** The 60-byte frame. */
  public byte[] encode() {
    byte[] b = new byte[FRAME_LENGTH];
    ethDestination.writeTo(b, 0);
    ethSource.writeTo(b, 6);
    putShort(b, 12, ETHERTYPE_ARP);
    putShort(b, 14, 1); // hardware type: Ethernet
    putShort(b, 16, ETHERTYPE_IPV4);
    b[18] = 6;
    b[19] = 4;
    putShort(b, 20, operation);
    senderMac.writeTo(b, 22);
    System.arraycopy(senderIp.getAddress(), 0, b, 28, 4);
    targetMac.writeTo(b, 32);
    System.arraycopy(targetIp.getAddress(), 0, b, 38, 4);
    return b;
  }

  /**
   * Decodes {@code frame[0..length)}; empty when it is not ARP for IPv4 over Ethernet (other
   * ethertype, hardware or protocol type, or too short). Padding is ignored.
   */
  public static Optional<ArpFrame> decode(byte[] frame, int length) {
    if (length < UNPADDED_LENGTH || length > frame.length) {
      return Optional.empty();
    }
    if (getShort(frame, 12) != ETHERTYPE_ARP
        || getShort(frame, 14) != 1
        || getShort(frame, 16) != ETHERTYPE_IPV4
        || frame[18] != 6
        || frame[19] != 4) {
      return Optional.empty();
    }
    int op = getShort(frame, 20);
    if (op != REQUEST && op != REPLY) {
      return Optional.empty();
    }
    return Optional.of(
        new ArpFrame(
            MacAddress.of(frame, 0),
            MacAddress.of(frame, 6),
            op,
            MacAddress.of(frame, 22),
            ipv4(java.util.Arrays.copyOfRange(frame, 28, 32)),
            MacAddress.of(frame, 32),
            ipv4(java.util.Arrays.copyOfRange(frame, 38, 42))));
  }

  static void putShort(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 8);
    b[off + 1] = (byte) v;
  }

  static int getShort(byte[] b, int off) {
    return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
  }

  static Inet4Address ipv4(byte[] four) {
    try {
      return (Inet4Address) InetAddress.getByAddress(four);
    } catch (UnknownHostException e) {
      throw new AssertionError("4 bytes are always an IPv4 address", e);
    }
  }
}
