package io.raftvip.netio;

import io.raftvip.netio.nl.Rtnl;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * An address as the kernel reports it in a dump or notification.
 *
 * @param ifindex the interface it is on
 * @param address the local address (IFA_LOCAL for IPv4, IFA_ADDRESS for IPv6)
 * @param prefixLength 0..32 or 0..128
 * @param label the IPv4 label (e.g. "eth0:rv"), "" for IPv6
 * @param flags all IFA_F_* flags (from IFA_FLAGS when present)
 * @param scope RT_SCOPE_* (0 universe, 253 link, 254 host)
 * @param validLifetimeSec <b>remaining</b> valid lifetime in seconds, {@link #FOREVER} if none
 * @param preferredLifetimeSec <b>remaining</b> preferred lifetime in seconds, {@link #FOREVER} if
 *     none
 * @param proto IFA_PROTO; {@link Ownership#ADDRESS_PROTO} for addresses raftvip added, 0 when unset
 */
public record InterfaceAddress(
    int ifindex,
    InetAddress address,
    int prefixLength,
    String label,
    int flags,
    int scope,
    long validLifetimeSec,
    long preferredLifetimeSec,
    int proto) {

  /** The lifetime value meaning "never expires" (0xFFFFFFFF). */
  public static final long FOREVER = Rtnl.INFINITY_LIFE_TIME;

  public InterfaceAddress {
    if (address == null) {
      throw new IllegalArgumentException("address must not be null");
    }
    label = label == null ? "" : label;
  }

  public boolean isIpv6() {
    return address instanceof Inet6Address;
  }

  /** Whether raftvip added this address (its IFA_PROTO is raftvip's). */
  public boolean ownedByRaftvip() {
    return proto == Ownership.ADDRESS_PROTO;
  }

  public boolean hasFlag(int ifaFlag) {
    return (flags & ifaFlag) == ifaFlag;
  }

  /** True when the address never expires (IFA_F_PERMANENT). */
  public boolean isPermanent() {
    return hasFlag(Rtnl.IFA_F_PERMANENT);
  }

  /** "198.18.0.200/32" or "2001:db8::200/128". */
  public String cidr() {
    return AddressSpec.cidr(address, prefixLength);
  }

  @Override
  public String toString() {
    return cidr()
        + " ifindex "
        + ifindex
        + (label.isEmpty() ? "" : " label " + label)
        + " proto "
        + proto
        + " flags 0x"
        + Integer.toHexString(flags)
        + " valid "
        + (validLifetimeSec == FOREVER ? "forever" : validLifetimeSec + "s")
        + " preferred "
        + (preferredLifetimeSec == FOREVER ? "forever" : preferredLifetimeSec + "s");
  }
}
