package io.raftvip.cli.config;

import java.util.Objects;
import java.util.Optional;

/**
 * An address with the prefix length of its subnet, e.g. {@code 198.18.0.200/24}. The address keeps
 * its host bits: it is a host address, and the prefix tells the kernel which subnet it is on-link
 * for (a /32 or /128 adds no connected route).
 *
 * @param address the host address
 * @param prefixLength 1..32 for IPv4, 1..128 for IPv6
 */
public record IpPrefix(IpAddress address, int prefixLength) {

  public IpPrefix {
    Objects.requireNonNull(address, "address");
    int max = address.family().bitCount();
    if (prefixLength < 1 || prefixLength > max) {
      throw new IllegalArgumentException(
          "prefix length " + prefixLength + " of " + address + " must be between 1 and " + max);
    }
  }

  /**
   * Parses {@code "198.18.0.200/24"} or {@code "2001:db8::200/64"}.
   *
   * @throws IllegalArgumentException quoting the whole value and naming the bad part
   */
  public static IpPrefix parse(String cidr) {
    Objects.requireNonNull(cidr, "cidr");
    String shown = Texts.quote(cidr);
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException(
          shown
              + " has no prefix length; write it as address/prefix, e.g. \"198.18.0.200/24\""
              + " (/32 or /128 for no connected route)");
    }
    if (slash != cidr.lastIndexOf('/')) {
      throw new IllegalArgumentException(shown + " has more than one '/'");
    }
    IpAddress address = IpAddress.parse(cidr.substring(0, slash), cidr);
    String prefix = cidr.substring(slash + 1);
    if (prefix.isEmpty()
        || prefix.length() > 3
        || !prefix.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(
          shown + ": prefix length \"" + prefix + "\" is not a number");
    }
    int length = Integer.parseInt(prefix);
    int max = address.family().bitCount();
    if (length > max) {
      throw new IllegalArgumentException(
          shown
              + ": prefix length "
              + length
              + " is above "
              + max
              + ", the maximum for "
              + address.family().label());
    }
    if (length < 1) {
      throw new IllegalArgumentException(shown + ": prefix length must be at least 1");
    }
    return new IpPrefix(address, length);
  }

  /**
   * Why this address cannot float between hosts, or empty when it can. Mirrors the coordinator's
   * rules for a VIP: unspecified, loopback, link-local, multicast, reserved and IPv4-mapped
   * addresses are refused, and so are the network, broadcast and subnet-router anycast addresses of
   * the subnet.
   */
  public Optional<String> floatingProblem() {
    byte[] o = address.octets();
    if (o.length == 4) {
      int a = o[0] & 0xff;
      int b = o[1] & 0xff;
      if (a == 0) {
        return Optional.of(address + " is in 0.0.0.0/8 (this network)");
      }
      if (a == 127) {
        return Optional.of(address + " is a loopback address");
      }
      if (a == 169 && b == 254) {
        return Optional.of(address + " is a link-local address");
      }
      if (a >= 224 && a < 240) {
        return Optional.of(address + " is a multicast address");
      }
      if (a >= 240) {
        return Optional.of(address + " is in the reserved range 240.0.0.0/4");
      }
      // /31 and /32 have no network or broadcast address (RFC 3021).
      return prefixLength <= 30 ? hostBitsProblem(o, true) : Optional.empty();
    }
    int first = o[0] & 0xff;
    int second = o[1] & 0xff;
    boolean zeroUpTo10 = true;
    for (int i = 0; i < 10; i++) {
      zeroUpTo10 &= o[i] == 0;
    }
    boolean zeroUpTo15 = zeroUpTo10 && o[10] == 0 && o[11] == 0;
    for (int i = 12; i < 15; i++) {
      zeroUpTo15 &= o[i] == 0;
    }
    if (zeroUpTo15 && o[15] == 0) {
      return Optional.of(address + " is the unspecified address");
    }
    if (zeroUpTo15 && o[15] == 1) {
      return Optional.of(address + " is the loopback address");
    }
    if (zeroUpTo10 && (o[10] & 0xff) == 0xff && (o[11] & 0xff) == 0xff) {
      return Optional.of(address + " is IPv4-mapped; use the IPv4 address itself");
    }
    if (first == 0xfe && (second & 0xc0) == 0x80) {
      return Optional.of(address + " is a link-local address");
    }
    if (first == 0xff) {
      return Optional.of(address + " is a multicast address");
    }
    // /127 and /128 have no subnet-router anycast address (RFC 6164).
    return prefixLength <= 126 ? hostBitsProblem(o, false) : Optional.empty();
  }

  private Optional<String> hostBitsProblem(byte[] o, boolean ipv4) {
    boolean allZero = true;
    boolean allOne = true;
    for (int bit = prefixLength; bit < o.length * 8; bit++) {
      boolean set = (o[bit / 8] & (0x80 >>> (bit % 8))) != 0;
      allZero &= !set;
      allOne &= set;
    }
    if (allZero) {
      return Optional.of(
          this
              + " is the "
              + (ipv4 ? "network" : "subnet-router anycast")
              + " address of its subnet, not a host address");
    }
    if (ipv4 && allOne) {
      return Optional.of(this + " is the broadcast address of its subnet, not a host address");
    }
    return Optional.empty();
  }

  /** {@code address/prefixLength}. */
  @Override
  public String toString() {
    return address + "/" + prefixLength;
  }
}
