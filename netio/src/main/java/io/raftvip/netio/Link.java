package io.raftvip.netio;

import io.raftvip.netio.nl.Rtnl;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A network interface as the kernel reports it (RTM_NEWLINK reply or notification).
 *
 * @param index the ifindex
 * @param name the interface name, e.g. "eth0"
 * @param mac the link-layer address, if the link has a 6-byte one
 * @param mtu bytes
 * @param operState RFC 2863 operational state
 * @param flags IFF_* flags (IFF_UP = administratively up, IFF_LOWER_UP = carrier)
 * @param kind the IFLA_INFO_KIND, e.g. "veth", "macvlan"; empty for physical devices
 * @param alias IFLA_IFALIAS, if set
 * @param parentIndex IFLA_LINK (a macvlan's parent), 0 when none
 * @param macvlanMode the macvlan mode when kind is "macvlan"
 * @param ipv4Conf the IPv4 per-interface settings (from IFLA_AF_SPEC/AF_INET/IFLA_INET_CONF); empty
 *     when the link has no IPv4 configuration
 */
public record Link(
    int index,
    String name,
    Optional<MacAddress> mac,
    int mtu,
    OperState operState,
    int flags,
    Optional<String> kind,
    Optional<String> alias,
    int parentIndex,
    Optional<MacvlanMode> macvlanMode,
    Map<Ipv4DevConf, Integer> ipv4Conf) {

  public Link {
    ipv4Conf = Map.copyOf(ipv4Conf);
  }

  /** Administratively up (IFF_UP). */
  public boolean isUp() {
    return (flags & Rtnl.IFF_UP) != 0;
  }

  /** Carrier present (IFF_LOWER_UP). */
  public boolean isLowerUp() {
    return (flags & Rtnl.IFF_LOWER_UP) != 0;
  }

  /** Whether raftvip created this link (its alias carries raftvip's mark). */
  public boolean ownedByRaftvip() {
    return alias.map(a -> a.startsWith(Ownership.LINK_ALIAS_PREFIX)).orElse(false);
  }

  /** One IPv4 setting, if the kernel reported it. */
  public OptionalInt ipv4Conf(Ipv4DevConf conf) {
    Integer v = ipv4Conf.get(conf);
    return v == null ? OptionalInt.empty() : OptionalInt.of(v);
  }

  /** "eth0 (ifindex 2)", the form used in error messages. */
  public String describe() {
    return name + " (ifindex " + index + ")";
  }
}
