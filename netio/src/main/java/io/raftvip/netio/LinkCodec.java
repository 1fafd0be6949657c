package io.raftvip.netio;

import io.raftvip.netio.nl.Attribute;
import io.raftvip.netio.nl.Attributes;
import io.raftvip.netio.nl.IfInfoMsg;
import io.raftvip.netio.nl.NetlinkMessage;
import io.raftvip.netio.nl.Nlmsg;
import io.raftvip.netio.nl.Rtnl;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** Pure encoding of RTM_*LINK requests and decoding of link messages. No IO. */
final class LinkCodec {
  private LinkCodec() {}

  /** RTM_GETLINK for one link by name; statistics left out. */
  static NetlinkMessage getByName(String name) {
    return NetlinkMessage.builder(Rtnl.RTM_GETLINK, 0)
        .struct(IfInfoMsg.ofIndex(0).toBytes())
        .attrU32(Rtnl.IFLA_EXT_MASK, Rtnl.RTEXT_FILTER_SKIP_STATS)
        .attrString(Rtnl.IFLA_IFNAME, name)
        .build();
  }

  /** RTM_GETLINK for one link by index; statistics left out. */
  static NetlinkMessage getByIndex(int index) {
    return NetlinkMessage.builder(Rtnl.RTM_GETLINK, 0)
        .struct(IfInfoMsg.ofIndex(index).toBytes())
        .attrU32(Rtnl.IFLA_EXT_MASK, Rtnl.RTEXT_FILTER_SKIP_STATS)
        .build();
  }

  /** RTM_GETLINK dump of all links; statistics left out. */
  static NetlinkMessage dumpRequest() {
    return getByIndex(0);
  }

  /**
   * RTM_NEWLINK creating a macvlan {@code name} on {@code parentIndex} with a fixed MAC, the given
   * mode and alias. Created down; the caller brings it up.
   */
  static NetlinkMessage newMacvlan(
      String name, int parentIndex, MacAddress mac, MacvlanMode mode, String alias) {
    NetlinkMessage.Builder b =
        NetlinkMessage.builder(Rtnl.RTM_NEWLINK, Nlmsg.NLM_F_CREATE | Nlmsg.NLM_F_EXCL)
            .struct(IfInfoMsg.ofIndex(0).toBytes())
            .attrString(Rtnl.IFLA_IFNAME, name)
            .attrU32(Rtnl.IFLA_LINK, parentIndex)
            .attr(Rtnl.IFLA_ADDRESS, mac.bytes())
            .attrString(Rtnl.IFLA_IFALIAS, alias);
    int linkInfo = b.beginNested(Rtnl.IFLA_LINKINFO);
    b.attrString(Rtnl.IFLA_INFO_KIND, "macvlan");
    int data = b.beginNested(Rtnl.IFLA_INFO_DATA);
    b.attrU32(Rtnl.IFLA_MACVLAN_MODE, mode.value());
    b.endNested(data);
    b.endNested(linkInfo);
    return b.build();
  }

  /** RTM_NEWLINK setting or clearing IFF_UP on {@code index} and nothing else. */
  static NetlinkMessage setUp(int index, boolean up) {
    return NetlinkMessage.builder(Rtnl.RTM_NEWLINK, 0)
        .struct(
            new IfInfoMsg(Rtnl.AF_UNSPEC, 0, index, up ? Rtnl.IFF_UP : 0, Rtnl.IFF_UP).toBytes())
        .build();
  }

  /** RTM_NEWLINK setting IFLA_IFALIAS on {@code index}. */
  static NetlinkMessage setAlias(int index, String alias) {
    return NetlinkMessage.builder(Rtnl.RTM_NEWLINK, 0)
        .struct(IfInfoMsg.ofIndex(index).toBytes())
        .attrString(Rtnl.IFLA_IFALIAS, alias)
        .build();
  }

  /**
   * RTM_NEWLINK with IFLA_AF_SPEC { AF_INET { IFLA_INET_CONF { IPV4_DEVCONF_x: u32 ... } } }: the
   * netlink equivalent of writing net.ipv4.conf.[if].[name] (what keepalived does).
   */
  static NetlinkMessage setIpv4Conf(int index, Map<Ipv4DevConf, Integer> values) {
    NetlinkMessage.Builder b =
        NetlinkMessage.builder(Rtnl.RTM_NEWLINK, 0).struct(IfInfoMsg.ofIndex(index).toBytes());
    int afSpec = b.beginNested(Rtnl.IFLA_AF_SPEC);
    int inet = b.beginNested(Rtnl.AF_INET);
    int conf = b.beginNested(Rtnl.IFLA_INET_CONF);
    for (Map.Entry<Ipv4DevConf, Integer> e : new EnumMap<>(values).entrySet()) {
      b.attrU32(e.getKey().index(), e.getValue());
    }
    b.endNested(conf);
    b.endNested(inet);
    b.endNested(afSpec);
    return b.build();
  }

  /** RTM_DELLINK for {@code index}. */
  static NetlinkMessage delete(int index) {
    return NetlinkMessage.builder(Rtnl.RTM_DELLINK, 0)
        .struct(IfInfoMsg.ofIndex(index).toBytes())
        .build();
  }

  /** Decodes an RTM_NEWLINK/RTM_DELLINK message. */
  static Link decode(NetlinkMessage m) {
    IfInfoMsg h = IfInfoMsg.parse(m);
    Attributes attrs = m.attributes(IfInfoMsg.BYTES);
    Optional<MacAddress> mac =
        attrs
            .first(Rtnl.IFLA_ADDRESS)
            .filter(a -> a.length() == MacAddress.BYTES)
            .map(a -> MacAddress.of(a.value()));
    Optional<String> kind = Optional.empty();
    Optional<MacvlanMode> mode = Optional.empty();
    Optional<Attribute> linkInfo = attrs.first(Rtnl.IFLA_LINKINFO);
    if (linkInfo.isPresent()) {
      Attributes info = linkInfo.get().nested();
      kind = info.first(Rtnl.IFLA_INFO_KIND).map(Attribute::string);
      if (kind.filter("macvlan"::equals).isPresent()) {
        mode =
            info.first(Rtnl.IFLA_INFO_DATA)
                .flatMap(d -> d.nested().first(Rtnl.IFLA_MACVLAN_MODE))
                .flatMap(a -> MacvlanMode.of(a.u32()));
      }
    }
    return new Link(
        h.index(),
        attrs.first(Rtnl.IFLA_IFNAME).map(Attribute::string).orElse(""),
        mac,
        attrs.first(Rtnl.IFLA_MTU).map(Attribute::u32).orElse(0),
        OperState.of(attrs.first(Rtnl.IFLA_OPERSTATE).map(Attribute::u8).orElse(0)),
        h.flags(),
        kind,
        attrs.first(Rtnl.IFLA_IFALIAS).map(Attribute::string).filter(s -> !s.isEmpty()),
        attrs.first(Rtnl.IFLA_LINK).map(Attribute::u32).orElse(0),
        mode,
        ipv4Conf(attrs));
  }

  /**
   * Reads IFLA_AF_SPEC/AF_INET/IFLA_INET_CONF. In replies it is not nested attributes but a raw
   * array of u32, element i-1 holding IPV4_DEVCONF i (net/ipv4/devinet.c inet_fill_link_af).
   */
  private static Map<Ipv4DevConf, Integer> ipv4Conf(Attributes attrs) {
    Map<Ipv4DevConf, Integer> out = new EnumMap<>(Ipv4DevConf.class);
    Optional<Attribute> conf =
        attrs
            .first(Rtnl.IFLA_AF_SPEC)
            .flatMap(a -> a.nested().first(Rtnl.AF_INET))
            .flatMap(a -> a.nested().first(Rtnl.IFLA_INET_CONF));
    if (conf.isEmpty()) {
      return out;
    }
    ByteBuffer b = ByteBuffer.wrap(conf.get().value()).order(ByteOrder.nativeOrder());
    int count = b.remaining() / 4;
    for (Ipv4DevConf c : Ipv4DevConf.values()) {
      if (c.index() <= count) {
        out.put(c, b.getInt((c.index() - 1) * 4));
      }
    }
    return out;
  }
}
