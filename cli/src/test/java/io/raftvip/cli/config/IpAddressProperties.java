package io.raftvip.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class IpAddressProperties {

  @Property(tries = 1000)
  void canonicalTextIsAFixedPointAndKeepsTheBytes(@ForAll("addresses") byte[] octets) {
    IpAddress ip = IpAddress.of(octets);

    assertThat(IpAddress.parse(ip.text())).isEqualTo(ip);
    assertThat(ip.octets()).containsExactly(octets);
  }

  @Property(tries = 1000)
  void agreesWithTheJdkOnTheAddress(@ForAll("addresses") byte[] octets)
      throws UnknownHostException {
    IpAddress ip = IpAddress.of(octets);

    // getByName on a literal does no lookup; it maps ::ffff:a.b.c.d to IPv4, so compare bytes.
    byte[] jdk = InetAddress.getByName(ip.text()).getAddress();
    byte[] expected =
        jdk.length == octets.length ? octets : java.util.Arrays.copyOfRange(octets, 12, 16);
    assertThat(jdk).containsExactly(expected);
  }

  @Provide
  Arbitrary<byte[]> addresses() {
    // Zero-heavy bytes so that "::" runs of every length and position come up.
    Arbitrary<Byte> b =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, Arbitraries.just((byte) 0)),
            net.jqwik.api.Tuple.of(1, Arbitraries.bytes()));
    return Arbitraries.oneOf(b.array(byte[].class).ofSize(4), b.array(byte[].class).ofSize(16));
  }
}
