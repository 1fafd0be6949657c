package io.raftvip.coordinator.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class VipAddressTest {

  @ParameterizedTest
  @CsvSource({
    "198.18.0.200/24, 198.18.0.200, 24, IPV4",
    "10.1.2.3/32, 10.1.2.3, 32, IPV4",
    "198.18.0.1/31, 198.18.0.1, 31, IPV4",
    "2001:DB8:0:0:0:0:0:200/64, 2001:db8::200, 64, IPV6",
    "2001:db8::0200/64, 2001:db8::200, 64, IPV6",
    "2001:db8:0:0:1:0:0:1/64, 2001:db8::1:0:0:1, 64, IPV6",
    "2001:0:0:1:0:0:0:1/64, 2001:0:0:1::1, 64, IPV6",
    "2001:db8::198.18.0.1/64, 2001:db8::c612:1, 64, IPV6",
    "2001:db8:1:2:3:4:5:6/128, 2001:db8:1:2:3:4:5:6, 128, IPV6"
  })
  void parsesAndCanonicalises(String cidr, String address, int prefix, VipAddress.Family family) {
    VipAddress a = VipAddress.parse(cidr);
    assertThat(a.address()).isEqualTo(address);
    assertThat(a.prefixLength()).isEqualTo(prefix);
    assertThat(a.family()).isEqualTo(family);
    assertThat(a.cidr()).isEqualTo(address + "/" + prefix);
    assertThat(VipAddress.parse(a.cidr())).isEqualTo(a);
  }

  @Test
  void octetsRoundTrip() {
    assertThat(VipAddress.parse("198.18.0.200/24").octets())
        .containsExactly(198, 18, 0, (byte) 200);
    byte[] v6 = VipAddress.parse("2001:db8::200/64").octets();
    assertThat(v6).hasSize(16);
    assertThat(v6[0] & 0xff).isEqualTo(0x20);
    assertThat(v6[14] & 0xff).isEqualTo(0x02);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "198.18.0.0/24 | network address",
        "198.18.0.255/24 | broadcast address",
        "127.0.0.1/8 | loopback",
        "224.0.0.5/24 | multicast",
        "169.254.1.1/16 | link-local",
        "0.1.2.3/8 | this-network",
        "198.18.0.200/0 | between 1 and 32",
        "198.18.0.200/33 | between 1 and 32",
        "198.18.0.200 | address/prefix",
        "198.18.0.200/ | is not a number",
        "198.18.0.256/24 | above 255",
        "198.18.00.1/24 | bad octet",
        "198.18.0/24 | not an IPv4 address",
        "2001:db8::/64 | subnet-router anycast",
        "::1/128 | loopback",
        "::/128 | unspecified",
        "ff02::1/64 | multicast",
        "fe80::1/64 | link-local",
        "::ffff:198.18.0.1/96 | IPv4-mapped",
        "2001:db8::1::2/64 | more than one",
        "2001:db8:1:2:3:4:5:6:7/64 | 9 16-bit groups",
        "2001:db8::g/64 | bad group",
        "fe80::1%eth0/64 | zone ids",
        "2001:db8::200/129 | between 1 and 128"
      })
  void refusesWhatCannotFloat(String cidr, String message) {
    assertThatThrownBy(() -> VipAddress.parse(cidr))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"2001:DB8::200", "198.018.0.1"})
  void constructorInsistsOnCanonicalText(String text) {
    VipAddress.Family f = text.contains(":") ? VipAddress.Family.IPV6 : VipAddress.Family.IPV4;
    assertThatThrownBy(() -> new VipAddress(f, text, 24))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
