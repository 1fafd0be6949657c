package io.raftvip.netio.announce.frames;

import java.net.Inet6Address;

/**
 * The 16-bit one's complement Internet checksum (RFC 1071) and its ICMPv6 form over the IPv6
 * pseudo-header (RFC 8200 section 8.1, RFC 4443 section 2.3). Pure.
 */
public final class InternetChecksum {
  /** IPv6 next-header value of ICMPv6. */
  public static final int NEXT_HEADER_ICMPV6 = 58;

  private InternetChecksum() {}

  /**
   * The ICMPv6 checksum of {@code message[offset..offset+length)} (whose checksum field must be
   * zero, or the result is the value that makes the sum verify) sent from {@code source} to {@code
   * destination}.
   */
  public static int icmpv6(
      Inet6Address source, Inet6Address destination, byte[] message, int offset, int length) {
    long sum = 0;
    sum = add(sum, source.getAddress(), 0, 16);
    sum = add(sum, destination.getAddress(), 0, 16);
    // Upper-layer packet length (32 bits) and 24 zero bits + next header (32 bits).
    sum += (length >>> 16) & 0xffff;
    sum += length & 0xffff;
    sum += NEXT_HEADER_ICMPV6;
    sum = add(sum, message, offset, length);
    return finish(sum);
  }

  /** The plain RFC 1071 checksum of {@code data[offset..offset+length)}. */
  public static int of(byte[] data, int offset, int length) {
    return finish(add(0, data, offset, length));
  }

  private static long add(long sum, byte[] data, int offset, int length) {
    int end = offset + length;
    int i = offset;
    for (; i + 1 < end; i += 2) {
      sum += ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
    }
    if (i < end) {
      sum += (data[i] & 0xff) << 8; // an odd trailing byte is padded with a zero byte
    }
    return sum;
  }

  private static int finish(long sum) {
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return (int) (~sum & 0xffff);
  }
}
