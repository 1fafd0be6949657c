package io.raftvip.netio;

import java.util.Arrays;

/** An immutable 6-byte Ethernet MAC address, printed as {@code 00:00:5e:00:01:07}. */
public final class MacAddress {
  public static final int BYTES = 6;

  private final byte[] bytes;

  private MacAddress(byte[] bytes) {
    this.bytes = bytes;
  }

  /** The address in {@code bytes}, which must hold exactly 6 bytes; copied. */
  public static MacAddress of(byte[] bytes) {
    if (bytes.length != BYTES) {
      throw new IllegalArgumentException("a MAC address has 6 bytes, got " + bytes.length);
    }
    return new MacAddress(bytes.clone());
  }

  /** Parses {@code aa:bb:cc:dd:ee:ff} (hex, case-insensitive, ':' or '-' separators). */
  public static MacAddress parse(String text) {
    String[] parts = text.split("[:-]", -1);
    if (parts.length != BYTES) {
      throw new IllegalArgumentException("not a MAC address: '" + text + "'");
    }
    byte[] b = new byte[BYTES];
    for (int i = 0; i < BYTES; i++) {
      if (parts[i].length() != 2) {
        throw new IllegalArgumentException("not a MAC address: '" + text + "'");
      }
      try {
        b[i] = (byte) Integer.parseInt(parts[i], 16);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a MAC address: '" + text + "'", e);
      }
    }
    return new MacAddress(b);
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  /** True for a multicast/broadcast address (I/G bit set), which no interface may use. */
  public boolean isMulticast() {
    return (bytes[0] & 0x01) != 0;
  }

  public boolean isZero() {
    for (byte x : bytes) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MacAddress m && Arrays.equals(bytes, m.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(17);
    for (int i = 0; i < BYTES; i++) {
      if (i > 0) {
        sb.append(':');
      }
      sb.append(Character.forDigit((bytes[i] >> 4) & 0xf, 16));
      sb.append(Character.forDigit(bytes[i] & 0xf, 16));
    }
    return sb.toString();
  }
}
