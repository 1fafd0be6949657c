package io.raftvip.netio;

import io.raftvip.netio.nl.Attribute;
import io.raftvip.netio.nl.Attributes;
import io.raftvip.netio.nl.IfAddrMsg;
import io.raftvip.netio.nl.IfaCacheInfo;
import io.raftvip.netio.nl.NetlinkMessage;
import io.raftvip.netio.nl.Rtnl;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;

/**
 * Pure encoding of RTM_NEWADDR/DELADDR/GETADDR requests and decoding of address messages. No IO;
 * {@link AddressTable} sends what this builds.
 */
final class AddressCodec {
  private AddressCodec() {}

  static int family(InetAddress a) {
    return a instanceof Inet6Address ? Rtnl.AF_INET6 : Rtnl.AF_INET;
  }

  /**
   * RTM_NEWADDR for {@code spec} on {@code ifindex}, tagged with raftvip's IFA_PROTO.
   *
   * @param label the IPv4 label to send, null for IPv6
   * @param nlFlags NLM_F_CREATE|NLM_F_EXCL (add) or NLM_F_CREATE|NLM_F_REPLACE (replace)
   */
  static NetlinkMessage newAddress(int ifindex, AddressSpec spec, String label, int nlFlags) {
    int ifaFlags =
        (spec.noDad() ? Rtnl.IFA_F_NODAD : 0)
            | (spec.noPrefixRoute() ? Rtnl.IFA_F_NOPREFIXROUTE : 0);
    byte[] addr = spec.address().getAddress();
    NetlinkMessage.Builder b =
        NetlinkMessage.builder(Rtnl.RTM_NEWADDR, nlFlags)
            .struct(
                new IfAddrMsg(
                        family(spec.address()),
                        spec.prefixLength(),
                        ifaFlags & 0xff,
                        Rtnl.RT_SCOPE_UNIVERSE,
                        ifindex)
                    .toBytes())
            .attr(Rtnl.IFA_LOCAL, addr)
            .attr(Rtnl.IFA_ADDRESS, addr);
    Optional<InetAddress> brd = spec.broadcast();
    brd.ifPresent(a -> b.attr(Rtnl.IFA_BROADCAST, a.getAddress()));
    if (label != null) {
      b.attrString(Rtnl.IFA_LABEL, label);
    }
    b.attrU32(Rtnl.IFA_FLAGS, ifaFlags)
        .attr(
            Rtnl.IFA_CACHEINFO,
            IfaCacheInfo.lifetimes(spec.preferredLifetimeSec(), spec.validLifetimeSec()).toBytes())
        .attrU8(Rtnl.IFA_PROTO, Ownership.ADDRESS_PROTO);
    return b.build();
  }

  /** RTM_DELADDR naming exactly {@code a} (address and prefix length) on its interface. */
  static NetlinkMessage deleteAddress(InterfaceAddress a) {
    byte[] addr = a.address().getAddress();
    return NetlinkMessage.builder(Rtnl.RTM_DELADDR, 0)
        .struct(new IfAddrMsg(family(a.address()), a.prefixLength(), 0, 0, a.ifindex()).toBytes())
        .attr(Rtnl.IFA_LOCAL, addr)
        .attr(Rtnl.IFA_ADDRESS, addr)
        .build();
  }

  /**
   * RTM_GETADDR dump of one family (AF_UNSPEC for both) on one interface (0 for all); with
   * NETLINK_GET_STRICT_CHK the kernel filters by ifindex itself.
   */
  static NetlinkMessage dumpRequest(int family, int ifindex) {
    return NetlinkMessage.builder(Rtnl.RTM_GETADDR, 0)
        .struct(new IfAddrMsg(family, 0, 0, 0, ifindex).toBytes())
        .build();
  }

  /**
   * RTM_GETADDR for one IPv6 address on one interface (a "doit" request, not a dump; the kernel
   * answers with the address or EADDRNOTAVAIL). IPv4 has no such request; it must be dumped.
   */
  static NetlinkMessage getIpv6Request(InetAddress address, int ifindex) {
    return NetlinkMessage.builder(Rtnl.RTM_GETADDR, 0)
        .struct(new IfAddrMsg(Rtnl.AF_INET6, 0, 0, 0, ifindex).toBytes())
        .attr(Rtnl.IFA_ADDRESS, address.getAddress())
        .build();
  }

  /** Decodes an RTM_NEWADDR/RTM_DELADDR message; empty for families other than IPv4/IPv6. */
  static Optional<InterfaceAddress> decode(NetlinkMessage m) {
    IfAddrMsg h = IfAddrMsg.parse(m);
    if (h.family() != Rtnl.AF_INET && h.family() != Rtnl.AF_INET6) {
      return Optional.empty();
    }
    Attributes attrs = m.attributes(IfAddrMsg.BYTES);
    Optional<Attribute> local = attrs.first(Rtnl.IFA_LOCAL);
    Optional<Attribute> address = attrs.first(Rtnl.IFA_ADDRESS);
    Optional<Attribute> chosen = local.isPresent() ? local : address;
    if (chosen.isEmpty()) {
      return Optional.empty();
    }
    int flags = attrs.first(Rtnl.IFA_FLAGS).map(Attribute::u32).orElse(h.flags());
    long valid = InterfaceAddress.FOREVER;
    long preferred = InterfaceAddress.FOREVER;
    Optional<Attribute> ci = attrs.first(Rtnl.IFA_CACHEINFO);
    if (ci.isPresent()) {
      IfaCacheInfo info = IfaCacheInfo.parse(ci.get());
      valid = info.validLifetimeSec();
      preferred = info.preferredLifetimeSec();
    }
    return Optional.of(
        new InterfaceAddress(
            h.index(),
            chosen.get().inetAddress(),
            h.prefixLength(),
            attrs.first(Rtnl.IFA_LABEL).map(Attribute::string).orElse(""),
            flags,
            h.scope(),
            valid,
            preferred,
            attrs.first(Rtnl.IFA_PROTO).map(Attribute::u8).orElse(Rtnl.IFAPROT_UNSPEC)));
  }
}
