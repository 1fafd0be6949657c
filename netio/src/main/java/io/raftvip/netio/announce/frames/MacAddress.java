package io.raftvip.netio.announce.frames;

import java.util.Locale;

/**
 * A 48-bit Ethernet address, held in the low 48 bits of a long so that equality and hashing are
 * those of a value (a record over {@code byte[]} would compare identities).
 *
 * @param bits the address, most significant octet first, in bits 47..0
 */
public record MacAddress(long bits) {
  /** ff:ff:ff:ff:ff:ff. */
  public static final MacAddress BROADCAST = new MacAddress(0xffff_ffff_ffffL);

  /** 00:00:00:00:00:00, the "unknown" hardware address in ARP probes and announcements. */
  public static final MacAddress ZERO = new MacAddress(0L);

  /** 33:33:00:00:00:01, the Ethernet group of ff02::1 (RFC 2464 section 7). */
  public static final MacAddress IPV6_ALL_NODES = new MacAddress(0x3333_0000_0001L);

  public MacAddress {
    if ((bits >>> 48) != 0) {
      throw new IllegalArgumentException(
          "a MAC address has 48 bits, got 0x" + Long.toHexString(bits));
    }
  }

  /** The address in {@code bytes[offset..offset+5]}. */
  public static MacAddress of(byte[] bytes, int offset) {
    if (offset < 0 || bytes.length - offset < 6) {
      throw new IllegalArgumentException(
          "need 6 bytes at offset " + offset + " of a " + bytes.length + "-byte array");
    }
    long v = 0;
    for (int i = 0; i < 6; i++) {
      v = (v << 8) | (bytes[offset + i] & 0xff);
    }
    return new MacAddress(v);
  }

  /** The address of a 6-byte array. */
  public static MacAddress of(byte[] bytes) {
    if (bytes.length != 6) {
      throw new IllegalArgumentException("a MAC address has 6 bytes, got " + bytes.length);
    }
    return of(bytes, 0);
  }

  /** Parses "02:00:00:00:00:0a" (colons or dashes, either case). */
  public static MacAddress parse(String text) {
    String[] parts = text.split("[:-]", -1);
    if (parts.length != 6) {
      throw new IllegalArgumentException("not a MAC address (need 6 octets): \"" + text + "\"");
    }
    long v = 0;
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 2) {
        throw new IllegalArgumentException("not a MAC address (bad octet): \"" + text + "\"");
      }
      int octet;
      try {
        octet = Integer.parseInt(p, 16);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a MAC address (bad octet): \"" + text + "\"", e);
      }
      v = (v << 8) | octet;
    }
    return new MacAddress(v);
  }

  /** A fresh 6-byte copy. */
  public byte[] bytes() {
    byte[] b = new byte[6];
    writeTo(b, 0);
    return b;
  }

  /** Writes the 6 octets at {@code offset}. */
  public void writeTo(byte[] buf, int offset) {
    for (int i = 5; i >= 0; i--) {
      buf[offset + i] = (byte) (bits >>> (8 * (5 - i)));
    }
  }

  /** True for group (multicast/broadcast) addresses: the I/G bit of the first octet. */
  public boolean isMulticast() {
    return ((bits >>> 40) & 1) != 0;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(17);
    for (int i = 5; i >= 0; i--) {
      sb.append(String.format(Locale.ROOT, "%02x", (bits >>> (8 * i)) & 0xff));
      if (i > 0) {
        sb.append(':');
      }
    }
    return sb.toString();
  }
}
