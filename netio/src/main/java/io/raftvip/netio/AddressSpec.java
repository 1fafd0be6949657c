package io.raftvip.netio;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * An address raftvip wants on an interface: address, prefix, lifetimes and options. Immutable;
 * build with {@link #builder}. Every setter validates its value on the spot and throws {@link
 * InvalidArgument} (errno 0) naming the bad value.
 *
 * <p>Defaults: lifetimes forever; IPv6 addresses skip duplicate address detection (IFA_F_NODAD),
 * because a tentative address cannot be used as a source and would delay a failover by about a
 * second; IPv4 label "{@code <ifname>:rv}" (chosen by {@link AddressTable} from the interface name
 * when none is set); no IFA_F_NOPREFIXROUTE. IPv4 subnet VIPs (prefix below 31) carry the subnet
 * broadcast address, as {@code ip addr add ... brd +} does.
 *
 * @param address the address; IPv4 or IPv6
 * @param prefixLength 0..32 for IPv4, 0..128 for IPv6
 * @param label the IPv4 label; empty to let {@link AddressTable} use "{@code <ifname>:rv}"
 * @param validLifetimeSec 1..0xFFFFFFFE seconds, or {@link InterfaceAddress#FOREVER}
 * @param preferredLifetimeSec 0..validLifetimeSec seconds (0 = deprecated at once), or FOREVER
 * @param noDad IFA_F_NODAD for IPv6
 * @param noPrefixRoute IFA_F_NOPREFIXROUTE: no connected route for the prefix
 */
public record AddressSpec(
    InetAddress address,
    int prefixLength,
    Optional<String> label,
    long validLifetimeSec,
    long preferredLifetimeSec,
    boolean noDad,
    boolean noPrefixRoute) {

  static final String SPEC = "address spec";

  /** A spec for {@code address/prefixLength} with all defaults. */
  public static AddressSpec of(InetAddress address, int prefixLength) {
    return builder(address, prefixLength).build();
  }

  /** A spec for "198.18.0.200/32" or "2001:db8::200/128" (literal addresses only, no DNS). */
  public static AddressSpec of(String cidr) {
    return builder(cidr).build();
  }

  public static Builder builder(InetAddress address, int prefixLength) {
    return new Builder(address, prefixLength);
  }

  /** A builder for "198.18.0.200/32" or "2001:db8::200/128" (literal addresses only, no DNS). */
  public static Builder builder(String cidr) {
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      throw new InvalidArgument(SPEC, cidr, "expected address/prefix, e.g. 198.18.0.200/32");
    }
    int prefix;
    try {
      prefix = Integer.parseInt(cidr.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new InvalidArgument(SPEC, cidr, "prefix length is not a number");
    }
    return new Builder(literal(cidr.substring(0, slash), cidr), prefix);
  }

  /** Parses an IP literal without ever asking DNS. */
  static InetAddress literal(String text, String context) {
    if (text.isEmpty() || !text.matches("[0-9a-fA-F:.]+")) {
      throw new InvalidArgument(SPEC, context, "'" + text + "' is not an IP address literal");
    }
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      throw new InvalidArgument(SPEC, context, "'" + text + "' is not an IP address literal");
    }
  }

  public boolean isIpv6() {
    return address instanceof Inet6Address;
  }

  /** "198.18.0.200/32". */
  public String cidr() {
    return cidr(address, prefixLength);
  }

  static String cidr(InetAddress address, int prefixLength) {
    return text(address) + "/" + prefixLength;
  }

  /**
   * The address as people write it: dotted quad, or IPv6 in RFC 5952 form ("2001:db8::200", not
   * Java's "2001:db8:0:0:0:0:0:200").
   */
  public static String text(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address.getHostAddress();
    }
    byte[] b = address.getAddress();
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    // The longest run of two or more zero groups (the first one on a tie) becomes "::".
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLength - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(groups[i]));
    }
    return sb.toString();
  }

  /**
   * The IPv4 broadcast address for a subnet VIP (prefix below 31), as {@code ip addr add ... brd +}
   * computes it; empty for /31, /32 and IPv6.
   */
  public Optional<InetAddress> broadcast() {
    if (!(address instanceof Inet4Address) || prefixLength >= 31) {
      return Optional.empty();
    }
    byte[] b = address.getAddress();
    int v = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    int hostMask = prefixLength == 0 ? -1 : (1 << (32 - prefixLength)) - 1;
    int bc = v | hostMask;
    try {
      return Optional.of(
          InetAddress.getByAddress(
              new byte[] {(byte) (bc >>> 24), (byte) (bc >>> 16), (byte) (bc >>> 8), (byte) bc}));
    } catch (UnknownHostException e) {
      throw new AssertionError("4 bytes always form an address", e);
    }
  }

  /** Builder; each setter validates on the spot. */
  public static final class Builder {
    private final InetAddress address;
    private final int prefixLength;
    private Optional<String> label = Optional.empty();
    private long validLifetimeSec = InterfaceAddress.FOREVER;
    private long preferredLifetimeSec = InterfaceAddress.FOREVER;
    private boolean noDad;
    private boolean noPrefixRoute;

    private Builder(InetAddress address, int prefixLength) {
      if (address == null) {
        throw new InvalidArgument(SPEC, "null", "address must not be null");
      }
      int max = address instanceof Inet6Address ? 128 : 32;
      if (prefixLength < 0 || prefixLength > max) {
        throw new InvalidArgument(
            SPEC,
            cidr(address, prefixLength),
            "prefix length "
                + prefixLength
                + " is out of range 0.."
                + max
                + " for an "
                + (max == 32 ? "IPv4" : "IPv6")
                + " address");
      }
      this.address = address;
      this.prefixLength = prefixLength;
      this.noDad = address instanceof Inet6Address;
    }

    /**
     * The IPv4 label: "{@code <ifname>}" or "{@code <ifname>:<suffix>}", at most 15 characters
     * ({@link AddressTable} checks the interface name part). IPv6 addresses have no label.
     */
    public Builder label(String value) {
      String object = cidr(address, prefixLength);
      if (address instanceof Inet6Address) {
        throw new InvalidArgument(SPEC, object, "IPv6 addresses have no label");
      }
      if (value == null || value.isEmpty() || value.length() > 15) {
        throw new InvalidArgument(
            SPEC, object, "label '" + value + "' must be 1..15 characters (IFNAMSIZ - 1)");
      }
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c <= ' ' || c > '~' || c == '/') {
          throw new InvalidArgument(
              SPEC, object, "label '" + value + "' may only hold printable ASCII without '/'");
        }
      }
      this.label = Optional.of(value);
      return this;
    }

    /**
     * Both lifetimes at once, in seconds (1..0xFFFFFFFE, or FOREVER). The kernel deletes the
     * address when the valid lifetime runs out; a later replace restarts the clock.
     */
    public Builder lifetimeSec(long seconds) {
      validLifetimeSec(seconds);
      return preferredLifetimeSec(seconds);
    }

    /** Valid lifetime in seconds: 1..0xFFFFFFFE, or FOREVER. The kernel rejects 0. */
    public Builder validLifetimeSec(long seconds) {
      if (seconds < 1 || seconds > InterfaceAddress.FOREVER) {
        throw new InvalidArgument(
            SPEC,
            cidr(address, prefixLength),
            "valid lifetime " + seconds + " s is out of range 1..4294967295 (forever)");
      }
      this.validLifetimeSec = seconds;
      return this;
    }

    /** Preferred lifetime in seconds: 0..valid (0 = deprecated at once), or FOREVER. */
    public Builder preferredLifetimeSec(long seconds) {
      if (seconds < 0 || seconds > InterfaceAddress.FOREVER) {
        throw new InvalidArgument(
            SPEC,
            cidr(address, prefixLength),
            "preferred lifetime " + seconds + " s is out of range 0..4294967295 (forever)");
      }
      this.preferredLifetimeSec = seconds;
      return this;
    }

    /**
     * Whether IPv6 duplicate address detection runs (default off: the address is usable at once).
     * Has no meaning for IPv4, which the kernel never runs DAD for.
     */
    public Builder duplicateAddressDetection(boolean enabled) {
      this.noDad = !enabled && address instanceof Inet6Address;
      return this;
    }

    /** IFA_F_NOPREFIXROUTE: do not add the connected route for the prefix (default false). */
    public Builder noPrefixRoute(boolean value) {
      this.noPrefixRoute = value;
      return this;
    }

    /** Checks preferred <= valid (the kernel would answer EINVAL) and builds the spec. */
    public AddressSpec build() {
      if (preferredLifetimeSec > validLifetimeSec) {
        throw new InvalidArgument(
            SPEC,
            cidr(address, prefixLength),
            "preferred lifetime "
                + preferredLifetimeSec
                + " s exceeds valid lifetime "
                + validLifetimeSec
                + " s");
      }
      return new AddressSpec(
          address,
          prefixLength,
          label,
          validLifetimeSec,
          preferredLifetimeSec,
          noDad,
          noPrefixRoute);
    }
  }
}
