package io.raftvip.netio;

import static io.raftvip.netio.nl.Fixtures.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.netio.nl.Fixtures;
import io.raftvip.netio.nl.NetlinkMessage;
import io.raftvip.netio.nl.Nlmsg;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinkCodecTest {

  @Test
  void createMacvlanWithVirtualMacModeAndAlias() {
    NetlinkMessage m =
        LinkCodec.newMacvlan("vip1", 2, VirtualMac.ipv4(7), MacvlanMode.PRIVATE, "raftvip:vmac");
    assertThat(m.flags()).isEqualTo(Nlmsg.NLM_F_CREATE | Nlmsg.NLM_F_EXCL);
    assertThat(m.body())
        .isEqualTo(
            hex(
                "00 00 0000 00000000 00000000 00000000" // ifinfomsg, AF_UNSPEC, no index
                    + " 0900 0300 7669703100000000" // IFLA_IFNAME "vip1\0"
                    + " 0800 0500 02000000" // IFLA_LINK parent ifindex 2
                    + " 0a00 0100 00005e000107 0000" // IFLA_ADDRESS 00:00:5e:00:01:07
                    + " 1100 1400 726166747669703a766d6163 00000000" // IFLA_IFALIAS
                    + " 1c00 1280" // IFLA_LINKINFO | NLA_F_NESTED, 28 bytes
                    + "   0c00 0100 6d6163766c616e00" // IFLA_INFO_KIND "macvlan\0"
                    + "   0c00 0280" // IFLA_INFO_DATA | NLA_F_NESTED
                    + "     0800 0100 01000000")); // IFLA_MACVLAN_MODE PRIVATE
  }

  @Test
  void ipv4SettingsNestThreeDeepWithDevconfIndexAsType() {
    NetlinkMessage m =
        LinkCodec.setIpv4Conf(3, Map.of(Ipv4DevConf.ARP_IGNORE, 1, Ipv4DevConf.ARP_ANNOUNCE, 2));
    assertThat(m.body())
        .isEqualTo(
            hex(
                "00 00 0000 03000000 00000000 00000000"
                    + " 1c00 1a80" // IFLA_AF_SPEC | NESTED
                    + "   1800 0280" // AF_INET | NESTED
                    + "     1400 0180" // IFLA_INET_CONF | NESTED
                    + "       0800 1200 02000000" // IPV4_DEVCONF_ARP_ANNOUNCE (18) = 2
                    + "       0800 1300 01000000")); // IPV4_DEVCONF_ARP_IGNORE (19) = 1
  }

  @Test
  void setUpChangesOnlyIffUp() {
    assertThat(LinkCodec.setUp(3, true).body())
        .isEqualTo(hex("00 00 0000 03000000 01000000 01000000"));
    assertThat(LinkCodec.setUp(3, false).body())
        .isEqualTo(hex("00 00 0000 03000000 00000000 01000000"));
  }

  @Test
  void getByNameAsksToSkipStatistics() {
    assertThat(LinkCodec.getByName("eth0").body())
        .isEqualTo(
            hex(
                "00 00 0000 00000000 00000000 00000000"
                    + " 0800 1d00 08000000" // IFLA_EXT_MASK = RTEXT_FILTER_SKIP_STATS
                    + " 0900 0300 6574683000000000")); // IFLA_IFNAME "eth0\0"
  }

  @Test
  void decodesRecordedMacvlanWithSettings() {
    Link l = LinkCodec.decode(Fixtures.message("link-vip1.hex"));
    assertThat(l.index()).isEqualTo(3);
    assertThat(l.name()).isEqualTo("vip1");
    assertThat(l.mac()).contains(MacAddress.parse("00:00:5e:00:01:07"));
    assertThat(l.mtu()).isEqualTo(1500);
    assertThat(l.operState()).isEqualTo(OperState.DOWN);
    assertThat(l.isUp()).isFalse();
    assertThat(l.kind()).contains("macvlan");
    assertThat(l.macvlanMode()).contains(MacvlanMode.PRIVATE);
    assertThat(l.alias()).contains("raftvip:vmac");
    assertThat(l.ownedByRaftvip()).isTrue();
    assertThat(l.parentIndex()).isEqualTo(2);
    assertThat(l.ipv4Conf(Ipv4DevConf.ARP_IGNORE)).hasValue(1);
    assertThat(l.ipv4Conf(Ipv4DevConf.ARP_ANNOUNCE)).hasValue(2);
    assertThat(l.ipv4Conf(Ipv4DevConf.ACCEPT_LOCAL)).hasValue(1);
    assertThat(l.ipv4Conf(Ipv4DevConf.PROMOTE_SECONDARIES)).hasValue(1);
    assertThat(l.ipv4Conf(Ipv4DevConf.RP_FILTER)).hasValue(0);
    assertThat(l.ipv4Conf(Ipv4DevConf.ARP_EVICT_NOCARRIER)).hasValue(1);
  }
}
