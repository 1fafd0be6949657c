package io.raftvip.netio.nl;

import static io.raftvip.netio.nl.Fixtures.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StructsTest {

  @Test
  void ifaddrmsgLayout() {
    assertThat(
            new IfAddrMsg(Rtnl.AF_INET6, 128, Rtnl.IFA_F_NODAD, Rtnl.RT_SCOPE_LINK, 0x0102)
                .toBytes())
        .isEqualTo(hex("0a 80 02 fd 02010000"));
    assertThatThrownBy(() -> new IfAddrMsg(2, 256, 0, 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ifinfomsgLayout() {
    assertThat(new IfInfoMsg(0, 1, 7, Rtnl.IFF_UP, Rtnl.IFF_UP).toBytes())
        .isEqualTo(hex("00 00 0100 07000000 01000000 01000000"));
  }

  @Test
  void ndmsgLayout() {
    assertThat(new NdMsg(Rtnl.AF_INET, 2, Rtnl.NUD_REACHABLE, 0, 1).toBytes())
        .isEqualTo(hex("02 00 0000 02000000 0200 00 01"));
  }

  @Test
  void cacheinfoPutsPreferredBeforeValid() {
    assertThat(IfaCacheInfo.lifetimes(2, 3).toBytes())
        .isEqualTo(hex("02000000 03000000 00000000 00000000"));
    assertThat(IfaCacheInfo.lifetimes(0xFFFFFFFFL, 0xFFFFFFFFL).toBytes())
        .isEqualTo(hex("ffffffff ffffffff 00000000 00000000"));
    assertThatThrownBy(() -> IfaCacheInfo.lifetimes(-1, 3))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void recordedAddressDumpParsesIntoStructAndCacheinfo() {
    NetlinkMessage m = Fixtures.message("addr-dump-vip.hex");
    IfAddrMsg h = IfAddrMsg.parse(m);
    assertThat(h).isEqualTo(new IfAddrMsg(Rtnl.AF_INET, 32, 0, 0, 2));
    IfaCacheInfo ci =
        IfaCacheInfo.parse(m.attributes(IfAddrMsg.BYTES).first(Rtnl.IFA_CACHEINFO).orElseThrow());
    assertThat(ci.preferredLifetimeSec()).isEqualTo(3);
    assertThat(ci.validLifetimeSec()).isEqualTo(3);
    assertThat(ci.createdCentis()).isPositive();
  }
}
