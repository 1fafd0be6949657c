package io.raftvip.testlan.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The prober's pure parts: options and the round number carried in the spare MAC. */
class VipProberTest {
  static final byte[] BASE = ProbeFrames.parseMac(VipProber.DEFAULT_SPARE_MAC);

  @Test
  void theRoundRidesInTheSpareMacsLastTwoBytes() {
    assertThat(ProbeFrames.formatMac(VipProber.roundMac(BASE, 0x1234)))
        .isEqualTo("02:00:00:fa:12:34");
    assertThat(ProbeFrames.formatMac(VipProber.roundMac(BASE, 0x1_0005)))
        .isEqualTo("02:00:00:fa:00:05");
  }

  @Test
  void aReplyIsMatchedToItsRoundHoweverLateItIsRead() {
    byte[] mac = VipProber.roundMac(BASE, 41);

    assertThat(VipProber.roundOf(mac, BASE, 41)).isEqualTo(41);
    // read three rounds later: still round 41, not the latest
    assertThat(VipProber.roundOf(mac, BASE, 44)).isEqualTo(41);
    // across the 16-bit wrap
    long late = 0x1_0003;
    assertThat(VipProber.roundOf(VipProber.roundMac(BASE, 0xfffe), BASE, late)).isEqualTo(0xfffe);
    assertThat(VipProber.roundOf(VipProber.roundMac(BASE, late), BASE, late)).isEqualTo(late);
  }

  @Test
  void macsThatAreNotTheSpareIdentitysAreNoRound() {
    assertThat(VipProber.roundOf(ProbeFrames.parseMac("02:00:00:00:00:64"), BASE, 10))
        .isEqualTo(-1);
    assertThat(VipProber.roundOf(VipProber.roundMac(BASE, 5), BASE, -1)).isEqualTo(-1);
    // a round from the future cannot be answered: it maps to an earlier wrap, which is negative
    assertThat(VipProber.roundOf(VipProber.roundMac(BASE, 7), BASE, 3)).isEqualTo(-1);
  }

  @Test
  void optionsRoundTripThroughTheirArguments() {
    VipProber.Options o =
        new VipProber.Options(
            "eth0",
            ProbeFrames.parseIpv4("198.18.0.200"),
            7777,
            ProbeFrames.parseIpv4("198.18.0.100"),
            7778,
            ProbeFrames.parseIpv4("198.18.0.250"),
            VipProber.DEFAULT_SPARE_MAC,
            List.of(new VipProber.Target("n1", "02:00:00:00:00:0B")),
            5,
            10,
            10,
            1_000,
            100);

    String[] args = o.toArgs().toArray(String[]::new);
    VipProber.Options back =
        VipProber.Options.parse(
            Args.parse(
                args,
                java.util.Set.of(
                    "ifname",
                    "vip",
                    "port",
                    "src-ip",
                    "src-port",
                    "spare-ip",
                    "spare-mac",
                    "node",
                    "interval-ms",
                    "directed-interval-ms",
                    "arp-interval-ms",
                    "duration-ms",
                    "max-events")));

    assertThat(back).isEqualTo(o);
    assertThat(back.targets().get(0).mac()).isEqualTo("02:00:00:00:00:0b");
  }

  @Test
  void optionsAreValidatedOnTheSpot() {
    assertThatThrownBy(
            () ->
                new VipProber.Options(
                    "eth0",
                    ProbeFrames.parseIpv4("198.18.0.200"),
                    7777,
                    ProbeFrames.parseIpv4("198.18.0.100"),
                    7778,
                    ProbeFrames.parseIpv4("198.18.0.100"),
                    VipProber.DEFAULT_SPARE_MAC,
                    List.of(),
                    5,
                    0,
                    10,
                    1_000,
                    100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must differ");
    assertThatThrownBy(() -> Args.parse(new String[] {"--bogus", "1"}, java.util.Set.of("vip")))
        .hasMessageContaining("unknown option '--bogus'");
    assertThatThrownBy(() -> Args.parse(new String[] {"--vip"}, java.util.Set.of("vip")))
        .hasMessageContaining("needs a value");
  }
}
