package io.raftvip.cli.config;

import io.raftvip.coordinator.core.VipAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An IPv4 or IPv6 address in canonical text: a dotted quad without leading zeros, or RFC 5952 IPv6
 * (lower case, the longest run of two or more zero groups as "::"). Two spellings of one address
 * parse to equal values, which is what duplicate and overlap checks compare.
 *
 * <p>Parsing is literal-only: no name resolution, no IO ({@link java.net.InetAddress#getByName}
 * would resolve host names and silently turn IPv4-mapped IPv6 into IPv4).
 *
 * @param family IPv4 or IPv6
 * @param text canonical text
 */
public record IpAddress(Family family, String text) {

  /** An address family. */
  public enum Family {
    IPV4(32),
    IPV6(128);

    private final int bitCount;

    Family(int bitCount) {
      this.bitCount = bitCount;
    }

    /** 32 or 128. */
    public int bitCount() {
      return bitCount;
    }

    /** "IPv4" or "IPv6". */
    public String label() {
      return this == IPV4 ? "IPv4" : "IPv6";
    }
  }

  /** Longest IPv6 text: eight groups of four hex digits and seven colons, or the IPv4 tail form. */
  private static final int IPV6_TEXT_LENGTH_MAX = 45;

  public IpAddress {
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(text, "text");
    byte[] octets = parseOctets(text, text);
    if ((octets.length == 4) != (family == Family.IPV4)) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not an " + family.label() + " address");
    }
    String canonical = format(octets);
    if (!canonical.equals(text)) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not in canonical form \"" + canonical + "\"");
    }
  }

  /**
   * Parses an IPv4 or IPv6 literal in any valid spelling.
   *
   * @throws IllegalArgumentException naming the value and what is wrong with it
   */
  public static IpAddress parse(String text) {
    return parse(text, text);
  }

  /** Like {@link #parse(String)}, quoting {@code shown} (the whole user value) in errors. */
  static IpAddress parse(String text, String shown) {
    byte[] octets = parseOctets(text, shown);
    return new IpAddress(octets.length == 4 ? Family.IPV4 : Family.IPV6, format(octets));
  }

  /** The address with these 4 or 16 bytes, network order. */
  public static IpAddress of(byte[] octets) {
    if (octets.length != 4 && octets.length != 16) {
      throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + octets.length);
    }
    return new IpAddress(octets.length == 4 ? Family.IPV4 : Family.IPV6, format(octets));
  }

  /** True when {@code text} is an IPv4 or IPv6 literal. */
  public static boolean isLiteral(String text) {
    try {
      parseOctets(text, text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The address in network byte order (4 or 16 bytes), a fresh copy. */
  public byte[] octets() {
    return parseOctets(text, text);
  }

  /** True for 0.0.0.0 and ::, the addresses that mean "every address of this host". */
  public boolean isWildcard() {
    for (byte b : octets()) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return text;
  }

  private static byte[] parseOctets(String text, String shown) {
    Objects.requireNonNull(text, "address");
    if (text.indexOf(':') >= 0) {
      return parseIpv6(text, shown);
    }
    if (!text.isEmpty() && text.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.')) {
      return parseIpv4(text, shown, "IPv4 address");
    }
    throw new IllegalArgumentException(
        quote(shown) + " is not an IP address (expected a.b.c.d or an IPv6 address)");
  }

  private static byte[] parseIpv4(String text, String shown, String what) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException(
          quote(shown)
              + " is not a valid "
              + what
              + ": it has "
              + parts.length
              + " parts, expected 4 (a.b.c.d)");
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty()) {
        throw new IllegalArgumentException(
            quote(shown) + " is not a valid " + what + ": part " + (i + 1) + " is empty");
      }
      if (p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IllegalArgumentException(
            quote(shown) + " is not a valid " + what + ": bad octet \"" + p + "\"");
      }
      // A leading zero means octal to inet_aton ("010" = 8); refuse rather than guess.
      if (p.length() > 1 && p.charAt(0) == '0') {
        throw new IllegalArgumentException(
            quote(shown) + " is not a valid " + what + ": octet \"" + p + "\" has a leading zero");
      }
      int v = Integer.parseInt(p);
      if (v > 255) {
        throw new IllegalArgumentException(
            quote(shown) + " is not a valid " + what + ": octet " + v + " is above 255");
      }
      out[i] = (byte) v;
    }
    return out;
  }

  private static byte[] parseIpv6(String text, String shown) {
    if (text.indexOf('%') >= 0) {
      throw new IllegalArgumentException(
          quote(shown) + " is not a valid IPv6 address: zone ids (\"%eth0\") are not allowed");
    }
    if (text.length() > IPV6_TEXT_LENGTH_MAX) {
      throw new IllegalArgumentException(quote(shown) + " is not a valid IPv6 address: too long");
    }
    if (text.contains(":::")) {
      throw new IllegalArgumentException(
          quote(shown)
              + " is not a valid IPv6 address: it contains \":::\" (use \"::\" for a run of zeros)");
    }
    int gap = text.indexOf("::");
    if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
      throw new IllegalArgumentException(
          quote(shown) + " is not a valid IPv6 address: \"::\" may appear only once");
    }
    List<Integer> head =
        gap >= 0 ? groups(text.substring(0, gap), shown, false) : groups(text, shown, true);
    List<Integer> tail = gap >= 0 ? groups(text.substring(gap + 2), shown, true) : List.of();
    int count = head.size() + tail.size();
    if (gap < 0 && count != 8) {
      throw new IllegalArgumentException(
          quote(shown)
              + " is not a valid IPv6 address: it has "
              + count
              + " groups, expected 8 (or \"::\" for a run of zeros)");
    }
    if (gap >= 0 && count > 7) {
      throw new IllegalArgumentException(
          quote(shown)
              + " is not a valid IPv6 address: it has "
              + count
              + " groups besides \"::\", at most 7 fit");
    }
    byte[] out = new byte[16];
    for (int i = 0; i < head.size(); i++) {
      putGroup(out, i, head.get(i));
    }
    for (int i = 0; i < tail.size(); i++) {
      putGroup(out, 8 - tail.size() + i, tail.get(i));
    }
    return out;
  }

  private static List<Integer> groups(String part, String shown, boolean mayEndInIpv4) {
    List<Integer> out = new ArrayList<>();
    if (part.isEmpty()) {
      return out;
    }
    String[] items = part.split(":", -1);
    for (int i = 0; i < items.length; i++) {
      String g = items[i];
      if (mayEndInIpv4 && i == items.length - 1 && g.indexOf('.') >= 0) {
        byte[] v4 = parseIpv4(g, shown, "IPv6 address with an IPv4 tail");
        out.add(((v4[0] & 0xff) << 8) | (v4[1] & 0xff));
        out.add(((v4[2] & 0xff) << 8) | (v4[3] & 0xff));
        continue;
      }
      if (g.isEmpty()) {
        throw new IllegalArgumentException(
            quote(shown) + " is not a valid IPv6 address: empty group (a single ':' too many?)");
      }
      if (g.length() > 4 || !g.chars().allMatch(IpAddress::isHex)) {
        throw new IllegalArgumentException(
            quote(shown) + " is not a valid IPv6 address: bad group \"" + g + "\"");
      }
      out.add(Integer.parseInt(g, 16));
    }
    return out;
  }

  private static boolean isHex(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static void putGroup(byte[] out, int index, int value) {
    out[2 * index] = (byte) (value >>> 8);
    out[2 * index + 1] = (byte) value;
  }

  private static String quote(String shown) {
    return Texts.quote(shown);
  }

  /** Canonical text of 4 or 16 bytes, as the replicated state writes it (RFC 5952 for IPv6). */
  static String format(byte[] octets) {
    return VipAddress.format(octets);
  }
}
