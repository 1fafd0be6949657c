package io.raftvip.netio;

import static io.raftvip.netio.nl.Fixtures.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.netio.nl.Fixtures;
import io.raftvip.netio.nl.NetlinkMessage;
import io.raftvip.netio.nl.Nlmsg;
import io.raftvip.netio.nl.Rtnl;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressCodecTest {

  /** What the socket sends: the codec's message with REQUEST|ACK added and a sequence number. */
  private static byte[] onTheWire(NetlinkMessage m, int seq) {
    return new NetlinkMessage(
            m.type(), m.flags() | Nlmsg.NLM_F_REQUEST | Nlmsg.NLM_F_ACK, seq, 0, m.body())
        .toBytes();
  }

  @Test
  void addIpv4HostVipWithLabelLifetimesAndProto() {
    AddressSpec spec = AddressSpec.builder("198.18.0.200/32").lifetimeSec(3).build();
    NetlinkMessage m =
        AddressCodec.newAddress(2, spec, "eth0:rv", Nlmsg.NLM_F_CREATE | Nlmsg.NLM_F_EXCL);

    assertThat(onTheWire(m, 7))
        .isEqualTo(
            hex(
                "58000000 1400 0506 07000000 00000000" // len 88, RTM_NEWADDR, REQ|ACK|EXCL|CREATE
                    + " 02 20 00 00 02000000" // ifaddrmsg: AF_INET, /32, flags 0, scope 0, ifindex
                    // 2
                    + " 0800 0200 c61200c8" // IFA_LOCAL 198.18.0.200
                    + " 0800 0100 c61200c8" // IFA_ADDRESS 198.18.0.200
                    + " 0c00 0300 657468303a727600" // IFA_LABEL "eth0:rv\0"
                    + " 0800 0800 00000000" // IFA_FLAGS 0
                    + " 1400 0600 03000000 03000000 00000000 00000000" // cacheinfo pref 3, valid 3
                    + " 0500 0b00 c8000000")); // IFA_PROTO 200, padded
  }

  @Test
  void ipv4SubnetVipCarriesBroadcastAndNoPrefixRoute() {
    AddressSpec spec = AddressSpec.builder("198.18.0.200/24").noPrefixRoute(true).build();
    NetlinkMessage m =
        AddressCodec.newAddress(2, spec, "eth0:rv", Nlmsg.NLM_F_CREATE | Nlmsg.NLM_F_REPLACE);

    assertThat(m.flags()).isEqualTo(Nlmsg.NLM_F_CREATE | Nlmsg.NLM_F_REPLACE);
    assertThat(m.body())
        .isEqualTo(
            hex(
                "02 18 00 00 02000000" // /24; NOPREFIXROUTE (0x200) does not fit the u8 flags
                    + " 0800 0200 c61200c8"
                    + " 0800 0100 c61200c8"
                    + " 0800 0400 c61200ff" // IFA_BROADCAST 198.18.0.255
                    + " 0c00 0300 657468303a727600"
                    + " 0800 0800 00020000" // IFA_FLAGS = IFA_F_NOPREFIXROUTE
                    + " 1400 0600 ffffffff ffffffff 00000000 00000000" // forever
                    + " 0500 0b00 c8000000"));
  }

  @Test
  void ipv6VipHasNoLabelAndSkipsDad() {
    AddressSpec spec = AddressSpec.of("2001:db8::200/128");
    NetlinkMessage m =
        AddressCodec.newAddress(2, spec, null, Nlmsg.NLM_F_CREATE | Nlmsg.NLM_F_EXCL);

    assertThat(m.body())
        .isEqualTo(
            hex(
                "0a 80 02 00 02000000" // AF_INET6, /128, IFA_F_NODAD in the u8 flags too
                    + " 1400 0200 20010db8000000000000000000000200"
                    + " 1400 0100 20010db8000000000000000000000200"
                    + " 0800 0800 02000000" // IFA_FLAGS = IFA_F_NODAD
                    + " 1400 0600 ffffffff ffffffff 00000000 00000000"
                    + " 0500 0b00 c8000000"));
  }

  @Test
  void deleteNamesAddressAndPrefix() {
    InterfaceAddress a =
        new InterfaceAddress(
            2,
            addr("198.18.0.200"),
            32,
            "eth0:rv",
            0x80,
            0,
            InterfaceAddress.FOREVER,
            InterfaceAddress.FOREVER,
            200);
    assertThat(AddressCodec.deleteAddress(a).toBytes())
        .isEqualTo(
            hex(
                "28000000 1500 0000 00000000 00000000"
                    + " 02 20 00 00 02000000"
                    + " 0800 0200 c61200c8"
                    + " 0800 0100 c61200c8"));
  }

  @Test
  void dumpRequestFiltersByFamilyAndIndex() {
    assertThat(AddressCodec.dumpRequest(Rtnl.AF_INET6, 5).body())
        .isEqualTo(hex("0a 00 00 00 05000000"));
  }

  @Test
  void decodesRecordedDumpOfRaftvipVip() {
    InterfaceAddress a = AddressCodec.decode(Fixtures.message("addr-dump-vip.hex")).orElseThrow();
    assertThat(a.ifindex()).isEqualTo(2);
    assertThat(a.cidr()).isEqualTo("198.18.0.200/32");
    assertThat(a.label()).isEqualTo("eth0:rv");
    assertThat(a.proto()).isEqualTo(Ownership.ADDRESS_PROTO);
    assertThat(a.ownedByRaftvip()).isTrue();
    assertThat(a.validLifetimeSec()).isEqualTo(3);
    assertThat(a.preferredLifetimeSec()).isEqualTo(3);
    assertThat(a.isPermanent()).isFalse();
  }

  @Test
  void decodesRecordedDumpOfForeignPrimaryAsNotOurs() {
    InterfaceAddress a =
        AddressCodec.decode(Fixtures.message("addr-dump-primary.hex")).orElseThrow();
    assertThat(a.cidr()).isEqualTo("198.18.0.11/24");
    assertThat(a.label()).isEqualTo("eth0");
    assertThat(a.proto()).isZero();
    assertThat(a.ownedByRaftvip()).isFalse();
    assertThat(a.isPermanent()).isTrue();
    assertThat(a.validLifetimeSec()).isEqualTo(InterfaceAddress.FOREVER);
  }

  @Test
  void decodesRecordedIpv6NotificationWithFullFlags() {
    InterfaceAddress a =
        AddressCodec.decode(Fixtures.message("event-newaddr-v6.hex")).orElseThrow();
    assertThat(a.address()).isEqualTo(addr("2001:db8::200"));
    assertThat(a.prefixLength()).isEqualTo(128);
    assertThat(a.isIpv6()).isTrue();
    assertThat(a.label()).isEmpty();
    assertThat(a.hasFlag(Rtnl.IFA_F_NODAD)).isTrue();
    assertThat(a.isPermanent()).isTrue();
    assertThat(a.ownedByRaftvip()).isTrue();
  }

  @Test
  void decodesRecordedSecondaryIpv4Notification() {
    InterfaceAddress a =
        AddressCodec.decode(Fixtures.message("event-newaddr-v4-secondary.hex")).orElseThrow();
    assertThat(a.cidr()).isEqualTo("198.18.0.200/24");
    assertThat(a.hasFlag(Rtnl.IFA_F_SECONDARY)).isTrue();
    assertThat(a.label()).isEqualTo("eth0:rv");
  }

  static InetAddress addr(String literal) {
    return AddressSpec.literal(literal, literal);
  }
}
