package io.raftvip.coordinator.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A VIP's address with the prefix length of its subnet, e.g. {@code 198.18.0.200/24}: the address
 * keeps its host bits (it is a host address, not a network), and the prefix tells the kernel which
 * subnet the address is on-link for.
 *
 * <p>Parsing is literal-only (no name resolution, no IO) and the stored text is canonical (IPv4
 * dotted quad without leading zeros; IPv6 per RFC 5952), so two specs of the same address compare
 * equal whatever the user typed. Addresses that cannot float are refused: unspecified, loopback,
 * link-local, multicast, reserved, IPv4-mapped, and the network, broadcast or subnet-router anycast
 * address of the subnet.
 *
 * @param family IPv4 or IPv6
 * @param address canonical text of the address, without prefix
 * @param prefixLength 1..32 for IPv4, 1..128 for IPv6
 */
public record VipAddress(Family family, String address, int prefixLength) {

  /** The address family of a VIP. */
  public enum Family {
    IPV4,
    IPV6
  }

  public VipAddress {
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(address, "address");
    byte[] octets = family == Family.IPV4 ? parseIpv4(address) : parseIpv6(address);
    String canonical = format(octets);
    if (!canonical.equals(address)) {
      throw new IllegalArgumentException(
          "address \"" + address + "\" is not in canonical form \"" + canonical + "\"");
    }
    int maxPrefix = octets.length * 8;
    if (prefixLength < 1 || prefixLength > maxPrefix) {
      throw new IllegalArgumentException(
          "prefix length "
              + prefixLength
              + " of "
              + address
              + " must be between 1 and "
              + maxPrefix);
    }
    checkFloatable(octets, prefixLength, address);
  }

  /**
   * Parses {@code "198.18.0.200/24"} or {@code "2001:db8::200/64"}.
   *
   * @throws IllegalArgumentException naming the bad part
   */
  public static VipAddress parse(String cidr) {
    Objects.requireNonNull(cidr, "cidr");
    int slash = cidr.indexOf('/');
    if (slash < 0 || slash != cidr.lastIndexOf('/')) {
      throw new IllegalArgumentException(
          "VIP \"" + cidr + "\" must be address/prefix, e.g. 198.18.0.200/24");
    }
    String text = cidr.substring(0, slash);
    String prefix = cidr.substring(slash + 1);
    if (prefix.isEmpty() || prefix.length() > 3 || !prefix.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException(
          "prefix \"" + prefix + "\" of \"" + cidr + "\" is not a number");
    }
    byte[] octets = text.indexOf(':') >= 0 ? parseIpv6(text) : parseIpv4(text);
    Family family = octets.length == 4 ? Family.IPV4 : Family.IPV6;
    return new VipAddress(family, format(octets), Integer.parseInt(prefix));
  }

  /** The address as network-order bytes (4 or 16), a fresh copy. */
  public byte[] octets() {
    return family == Family.IPV4 ? parseIpv4(address) : parseIpv6(address);
  }

  /** {@code address/prefixLength}. */
  public String cidr() {
    return address + "/" + prefixLength;
  }

  @Override
  public String toString() {
    return cidr();
  }

  private static byte[] parseIpv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("\"" + text + "\" is not an IPv4 address (a.b.c.d)");
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty()
          || p.length() > 3
          || !p.chars().allMatch(c -> c >= '0' && c <= '9')
          || (p.length() > 1 && p.charAt(0) == '0')) {
        throw new IllegalArgumentException(
            "\"" + text + "\" is not an IPv4 address: bad octet \"" + p + "\"");
      }
      int v = Integer.parseInt(p);
      if (v > 255) {
        throw new IllegalArgumentException(
            "\"" + text + "\" is not an IPv4 address: octet " + v + " is above 255");
      }
      out[i] = (byte) v;
    }
    return out;
  }

  private static byte[] parseIpv6(String text) {
    if (text.isEmpty() || text.length() > 45 || text.indexOf('%') >= 0) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not an IPv6 address (zone ids are not allowed)");
    }
    int gap = text.indexOf("::");
    if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
      throw new IllegalArgumentException("\"" + text + "\" has more than one \"::\"");
    }
    List<Integer> head = gap >= 0 ? groups(text.substring(0, gap), text) : groups(text, text);
    List<Integer> tail = gap >= 0 ? groups(text.substring(gap + 2), text) : List.of();
    int count = head.size() + tail.size();
    if ((gap < 0 && count != 8) || (gap >= 0 && count > 7)) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not an IPv6 address: it has " + count + " 16-bit groups");
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

  private static List<Integer> groups(String part, String whole) {
    List<Integer> out = new ArrayList<>();
    if (part.isEmpty()) {
      return out;
    }
    String[] items = part.split(":", -1);
    for (int i = 0; i < items.length; i++) {
      String g = items[i];
      if (i == items.length - 1 && g.indexOf('.') >= 0) {
        byte[] v4 = parseIpv4(g);
        out.add(((v4[0] & 0xff) << 8) | (v4[1] & 0xff));
        out.add(((v4[2] & 0xff) << 8) | (v4[3] & 0xff));
        continue;
      }
      if (g.isEmpty() || g.length() > 4 || !g.chars().allMatch(VipAddress::isHex)) {
        throw new IllegalArgumentException(
            "\"" + whole + "\" is not an IPv6 address: bad group \"" + g + "\"");
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

  /**
   * Canonical text of 4 or 16 bytes: dotted quad, or RFC 5952 (lower case, longest zero run of 2+
   * as "::", the first if tied). Public so that the config parser prints addresses exactly as the
   * replicated state does.
   */
  public static String format(byte[] octets) {
    if (octets.length == 4) {
      return (octets[0] & 0xff)
          + "."
          + (octets[1] & 0xff)
          + "."
          + (octets[2] & 0xff)
          + "."
          + (octets[3] & 0xff);
    }
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((octets[2 * i] & 0xff) << 8) | (octets[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLength - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }

  private static void checkFloatable(byte[] o, int prefix, String text) {
    if (o.length == 4) {
      int a = o[0] & 0xff;
      int b = o[1] & 0xff;
      if (a == 0 || a == 127 || a >= 224 || (a == 169 && b == 254)) {
        throw new IllegalArgumentException(
            text
                + " cannot be a VIP: it is in a this-network, loopback, link-local, multicast or"
                + " reserved range");
      }
      if (prefix <= 30) {
        checkHostBits(o, prefix, text, true);
      }
    } else {
      int first = o[0] & 0xff;
      int second = o[1] & 0xff;
      boolean zeroUpTo10 = true;
      for (int i = 0; i < 10; i++) {
        zeroUpTo10 &= o[i] == 0;
      }
      boolean mapped = zeroUpTo10 && (o[10] & 0xff) == 0xff && (o[11] & 0xff) == 0xff;
      boolean allZeroButLast =
          zeroUpTo10 && o[10] == 0 && o[11] == 0 && o[12] == 0 && o[13] == 0 && o[14] == 0;
      boolean unspecifiedOrLoopback = allZeroButLast && (o[15] == 0 || o[15] == 1);
      if (first == 0xff
          || (first == 0xfe && (second & 0xc0) == 0x80)
          || mapped
          || unspecifiedOrLoopback) {
        throw new IllegalArgumentException(
            text
                + " cannot be a VIP: it is unspecified, loopback, link-local, multicast or"
                + " IPv4-mapped");
      }
      if (prefix <= 126) {
        checkHostBits(o, prefix, text, false);
      }
    }
  }

  private static void checkHostBits(byte[] o, int prefix, String text, boolean ipv4) {
    boolean allZero = true;
    boolean allOne = true;
    for (int bit = prefix; bit < o.length * 8; bit++) {
      boolean set = (o[bit / 8] & (0x80 >>> (bit % 8))) != 0;
      allZero &= !set;
      allOne &= set;
    }
    if (allZero) {
      throw new IllegalArgumentException(
          text
              + "/"
              + prefix
              + " has no host bits set: it is the "
              + (ipv4 ? "network" : "subnet-router anycast")
              + " address of its subnet, not a host address");
    }
    if (ipv4 && allOne) {
      throw new IllegalArgumentException(
          text + "/" + prefix + " is the broadcast address of its subnet, not a host address");
    }
  }
}
