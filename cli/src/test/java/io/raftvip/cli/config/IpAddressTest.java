package io.raftvip.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpAddressTest {

  @ParameterizedTest
  @CsvSource({
    "198.18.0.11, 198.18.0.11, IPV4",
    "0.0.0.0, 0.0.0.0, IPV4",
    "255.255.255.255, 255.255.255.255, IPV4",
    "2001:DB8::1, 2001:db8::1, IPV6",
    "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1, IPV6",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1, IPV6",
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1, IPV6",
    "::, ::, IPV6",
    "::1, ::1, IPV6",
    "1::, 1::, IPV6",
    "::ffff:198.18.0.1, ::ffff:c612:1, IPV6",
    "64:ff9b::198.18.0.1, 64:ff9b::c612:1, IPV6",
  })
  void parsesToCanonicalText(String text, String canonical, IpAddress.Family family) {
    IpAddress ip = IpAddress.parse(text);

    assertThat(ip.text()).isEqualTo(canonical);
    assertThat(ip.family()).isEqualTo(family);
    assertThat(IpAddress.of(ip.octets())).isEqualTo(ip);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "198.18.0.300 | \"198.18.0.300\" is not a valid IPv4 address: octet 300 is above 255",
        "198.18.0 | \"198.18.0\" is not a valid IPv4 address: it has 3 parts, expected 4 (a.b.c.d)",
        "198.18..1 | \"198.18..1\" is not a valid IPv4 address: part 3 is empty",
        "198.018.0.1 | \"198.018.0.1\" is not a valid IPv4 address: octet \"018\" has a leading"
            + " zero",
        "web.example | \"web.example\" is not an IP address (expected a.b.c.d or an IPv6 address)",
        "2001:db8::1::2 | \"2001:db8::1::2\" is not a valid IPv6 address: \"::\" may appear only"
            + " once",
        "2001:db8:1 | \"2001:db8:1\" is not a valid IPv6 address: it has 3 groups, expected 8 (or"
            + " \"::\" for a run of zeros)",
        "1:2:3:4:5:6:7::8 | \"1:2:3:4:5:6:7::8\" is not a valid IPv6 address: it has 8 groups"
            + " besides \"::\", at most 7 fit",
        "2001:db8::g | \"2001:db8::g\" is not a valid IPv6 address: bad group \"g\"",
        "2001:db8:::1 | \"2001:db8:::1\" is not a valid IPv6 address: it contains \":::\" (use \"::\" for a"
            + " run of zeros)",
        "1:2:3:4:5:6:7: | \"1:2:3:4:5:6:7:\" is not a valid IPv6 address: empty group (a single"
            + " ':' too many?)",
        "fe80::1%eth0 | \"fe80::1%eth0\" is not a valid IPv6 address: zone ids (\"%eth0\") are not"
            + " allowed",
        "::198.18.0.300 | \"::198.18.0.300\" is not a valid IPv6 address with an IPv4 tail: octet"
            + " 300 is above 255",
      })
  void refusesWithTheReason(String text, String message) {
    assertThatThrownBy(() -> IpAddress.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void recordRequiresCanonicalText() {
    assertThatThrownBy(() -> new IpAddress(IpAddress.Family.IPV6, "2001:DB8::1"))
        .hasMessage("\"2001:DB8::1\" is not in canonical form \"2001:db8::1\"");
    assertThatThrownBy(() -> new IpAddress(IpAddress.Family.IPV6, "198.18.0.1"))
        .hasMessage("\"198.18.0.1\" is not an IPv6 address");
  }

  @Test
  void knowsWildcards() {
    assertThat(IpAddress.parse("0.0.0.0").isWildcard()).isTrue();
    assertThat(IpAddress.parse("::").isWildcard()).isTrue();
    assertThat(IpAddress.parse("198.18.0.1").isWildcard()).isFalse();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "198.18.0.200/24 |",
        "198.18.0.255/31 |",
        "198.18.0.0/32 |",
        "2001:db8::/127 |",
        "2001:db8::200/64 |",
        "198.18.0.255/24 | 198.18.0.255/24 is the broadcast address of its subnet, not a host"
            + " address",
        "2001:db8::/64 | 2001:db8::/64 is the subnet-router anycast address of its subnet, not a"
            + " host address",
        "127.0.0.2/8 | 127.0.0.2 is a loopback address",
        "0.1.2.3/8 | 0.1.2.3 is in 0.0.0.0/8 (this network)",
        "169.254.1.1/16 | 169.254.1.1 is a link-local address",
        "224.0.0.18/24 | 224.0.0.18 is a multicast address",
        "240.0.0.1/24 | 240.0.0.1 is in the reserved range 240.0.0.0/4",
        "::/64 | :: is the unspecified address",
        "::1/128 | ::1 is the loopback address",
        "::ffff:198.18.0.1/96 | ::ffff:c612:1 is IPv4-mapped; use the IPv4 address itself",
        "fe80::1/64 | fe80::1 is a link-local address",
        "ff02::1/64 | ff02::1 is a multicast address",
      })
  void knowsWhichAddressesCanFloat(String cidr, String problem) {
    assertThat(IpPrefix.parse(cidr).floatingProblem()).isEqualTo(Optional.ofNullable(problem));
  }
}
