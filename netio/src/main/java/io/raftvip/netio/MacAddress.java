package io.raftvip.netio;

/**
 * An immutable 6-byte Ethernet MAC address, printed as {@code 00:00:5e:00:01:07}. The one MAC type
 * of netio: rtnetlink (links, neighbours, macvlans) and the frame codecs in {@code announce.frames}
 * share it.
 *
 * <p>Held in the low 48 bits of a long, so equality and hashing are those of a value, copies are
 * free and the frame encoders write it without allocating.
 */
public final class MacAddress {
  public static final int BYTES = 6;

  /** ff:ff:ff:ff:ff:ff. */
  public static final MacAddress BROADCAST = new MacAddress(0xffff_ffff_ffffL);

  /** 00:00:00:00:00:00, the "unknown" hardware address in ARP probes and announcements. */
  public static final MacAddress ZERO = new MacAddress(0L);

  /** 33:33:00:00:00:01, the Ethernet group of ff02::1 (RFC 2464 section 7). */
  public static final MacAddress IPV6_ALL_NODES = new MacAddress(0x3333_0000_0001L);

  /** Most significant octet first, in bits 47..0; bits 63..48 are zero. */
  private final long bits;

  private MacAddress(long bits) {
    this.bits = bits;
  }

  /** The address whose octets are bits 47..0 of {@code bits}, most significant first. */
  public static MacAddress ofBits(long bits) {
    if ((bits >>> 48) != 0) {
      throw new IllegalArgumentException(
          "a MAC address has 48 bits, got 0x" + Long.toHexString(bits));
    }
    return new MacAddress(bits);
  }

  /** The address in {@code bytes}, which must hold exactly 6 bytes. */
  public static MacAddress of(byte[] bytes) {
    if (bytes.length != BYTES) {
      throw new IllegalArgumentException("a MAC address has 6 bytes, got " + bytes.length);
    }
    return of(bytes, 0);
  }

  /** The address in {@code bytes[offset..offset+5]}, e.g. a field of a received frame. */
  public static MacAddress of(byte[] bytes, int offset) {
    if (offset < 0 || bytes.length - offset < BYTES) {
      throw new IllegalArgumentException(
          "need 6 bytes at offset " + offset + " of a " + bytes.length + "-byte array");
    }
    long v = 0;
    for (int i = 0; i < BYTES; i++) {
      v = (v << 8) | (bytes[offset + i] & 0xff);
    }
    return new MacAddress(v);
  }

  /** Parses {@code aa:bb:cc:dd:ee:ff} (hex, case-insensitive, ':' or '-' separators). */
  public static MacAddress parse(String text) {
    String[] parts = text.split("[:-]", -1);
    if (parts.length != BYTES) {
      throw new IllegalArgumentException("not a MAC address (need 6 octets): '" + text + "'");
    }
    long v = 0;
    for (String p : parts) {
      // Character.digit rather than Integer.parseInt, which would also accept a sign ("+f").
      int high = p.length() == 2 ? Character.digit(p.charAt(0), 16) : -1;
      int low = p.length() == 2 ? Character.digit(p.charAt(1), 16) : -1;
      if (high < 0 || low < 0) {
        throw new IllegalArgumentException("not a MAC address (bad octet): '" + text + "'");
      }
      v = (v << 8) | (high << 4) | low;
    }
    return new MacAddress(v);
  }

  /** A fresh 6-byte copy. */
  public byte[] bytes() {
    byte[] b = new byte[BYTES];
    writeTo(b, 0);
    return b;
  }

  /** Writes the 6 octets at {@code buf[offset..offset+5]}. */
  public void writeTo(byte[] buf, int offset) {
    for (int i = BYTES - 1; i >= 0; i--) {
      buf[offset + i] = (byte) (bits >>> (8 * (BYTES - 1 - i)));
    }
  }

  /** The address in bits 47..0, most significant octet first. */
  public long bits() {
    return bits;
  }

  /** True for a multicast/broadcast address (I/G bit set), which no interface may use. */
  public boolean isMulticast() {
    return ((bits >>> 40) & 1) != 0;
  }

  public boolean isZero() {
    return bits == 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MacAddress m && bits == m.bits;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(bits);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(17);
    for (int i = BYTES - 1; i >= 0; i--) {
      int octet = (int) (bits >>> (8 * i)) & 0xff;
      sb.append(Character.forDigit(octet >> 4, 16)).append(Character.forDigit(octet & 0xf, 16));
      if (i > 0) {
        sb.append(':');
      }
    }
    return sb.toString();
  }
}
