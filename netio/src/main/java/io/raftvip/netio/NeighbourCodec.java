package io.raftvip.netio;

import io.raftvip.netio.nl.Attribute;
import io.raftvip.netio.nl.Attributes;
import io.raftvip.netio.nl.NdMsg;
import io.raftvip.netio.nl.NetlinkMessage;
import io.raftvip.netio.nl.Rtnl;
import java.util.Optional;

/** Pure encoding of RTM_GETNEIGH dumps and decoding of neighbour messages. No IO. */
final class NeighbourCodec {
  private NeighbourCodec() {}

  /** NDA_IFINDEX: the dump filter attribute honoured under NETLINK_GET_STRICT_CHK. */
  static final int NDA_IFINDEX = 8;

  /** RTM_GETNEIGH dump of one family, filtered by the kernel to {@code ifindex} (0 for all). */
  static NetlinkMessage dumpRequest(int family, int ifindex) {
    NetlinkMessage.Builder b =
        NetlinkMessage.builder(Rtnl.RTM_GETNEIGH, 0)
            .struct(new NdMsg(family, 0, 0, 0, 0).toBytes());
    if (ifindex != 0) {
      b.attrU32(NDA_IFINDEX, ifindex);
    }
    return b.build();
  }

  /** Decodes RTM_NEWNEIGH/RTM_DELNEIGH; empty for entries without an IP (e.g. bridge FDB). */
  static Optional<Neighbour> decode(NetlinkMessage m) {
    NdMsg h = NdMsg.parse(m);
    if (h.family() != Rtnl.AF_INET && h.family() != Rtnl.AF_INET6) {
      return Optional.empty();
    }
    Attributes attrs = m.attributes(NdMsg.BYTES);
    Optional<Attribute> dst = attrs.first(Rtnl.NDA_DST);
    if (dst.isEmpty()) {
      return Optional.empty();
    }
    Optional<MacAddress> mac =
        attrs
            .first(Rtnl.NDA_LLADDR)
            .filter(a -> a.length() == MacAddress.BYTES)
            .map(a -> MacAddress.of(a.value()));
    return Optional.of(new Neighbour(h.ifindex(), dst.get().inetAddress(), mac, h.state()));
  }
}
