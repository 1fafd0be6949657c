package io.raftvip.testlan;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One Ethernet frame captured on the test LAN's bridge, possibly truncated to the capture's snap
 * length (256 bytes).
 *
 * @param epochMicros capture time in microseconds since the epoch (kernel timestamp)
 * @param bytes the frame from the destination MAC on; the array is the caller's to keep and must
 *     not be modified
 */
public record Frame(long epochMicros, byte[] bytes) {

  /** Ethernet header: destination MAC, source MAC, EtherType. */
  private static final int ETHERNET_HEADER_BYTES = 14;

  /** EtherType of ARP. */
  public static final int ETHER_TYPE_ARP = 0x0806;

  /** EtherType of IPv4. */
  public static final int ETHER_TYPE_IPV4 = 0x0800;

  /** EtherType of IPv6. */
  public static final int ETHER_TYPE_IPV6 = 0x86dd;

  /** Validates that the frame is present. */
  public Frame {
    if (bytes == null) {
      throw new IllegalArgumentException("bytes must not be null");
    }
  }

  /** Destination MAC, 6 bytes, or an IllegalStateException if the frame is shorter. */
  public byte[] destinationMac() {
    requireHeader();
    return Arrays.copyOfRange(bytes, 0, 6);
  }

  /** Source MAC, 6 bytes, or an IllegalStateException if the frame is shorter. */
  public byte[] sourceMac() {
    requireHeader();
    return Arrays.copyOfRange(bytes, 6, 12);
  }

  /** EtherType (e.g. {@link #ETHER_TYPE_ARP}); VLAN tags are not interpreted. */
  public int etherType() {
    requireHeader();
    return ((bytes[12] & 0xff) << 8) | (bytes[13] & 0xff);
  }

  /** The bytes after the 14-byte Ethernet header. */
  public byte[] payload() {
    requireHeader();
    return Arrays.copyOfRange(bytes, ETHERNET_HEADER_BYTES, bytes.length);
  }

  /** Formats a MAC as {@code 02:00:00:00:00:0b}. */
  public static String formatMac(byte[] mac) {
    return HexFormat.ofDelimiter(":").formatHex(mac);
  }

  private void requireHeader() {
    if (bytes.length < ETHERNET_HEADER_BYTES) {
      throw new IllegalStateException(
          "frame of " + bytes.length + " bytes has no complete Ethernet header");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Frame f && f.epochMicros == epochMicros && Arrays.equals(f.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(epochMicros) * 31 + Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    String head =
        bytes.length >= ETHERNET_HEADER_BYTES
            ? formatMac(sourceMac())
                + " > "
                + formatMac(destinationMac())
                + String.format(" type 0x%04x", etherType())
            : "runt";
    return "Frame[" + epochMicros + " us, " + bytes.length + " bytes, " + head + "]";
  }
}
