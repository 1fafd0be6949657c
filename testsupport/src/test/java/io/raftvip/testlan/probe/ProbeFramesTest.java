package io.raftvip.testlan.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Frame layouts and checksums, checked against RFC examples and by re-summing. */
class ProbeFramesTest {
  static final byte[] CLIENT_MAC = ProbeFrames.parseMac("02:00:00:00:00:64");
  static final byte[] NODE_MAC = ProbeFrames.parseMac("02:00:00:00:00:0b");
  static final Inet4Address CLIENT = ProbeFrames.parseIpv4("198.18.0.100");
  static final Inet4Address VIP = ProbeFrames.parseIpv4("198.18.0.200");

  @Test
  void checksumMatchesTheRfc1071Example() {
    // RFC 1071 section 3: the bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2; the checksum is ~ddf2.
    byte[] b = HexFormat.of().parseHex("0001f203f4f5f6f7");
    assertThat(ProbeFrames.checksum(b, 0, b.length, 0)).isEqualTo(~0xddf2 & 0xffff);
  }

  @Test
  void checksumOfAKnownIpv4Header() {
    // A textbook header (Wikipedia "IPv4 header checksum"): checksum b861.
    byte[] h = HexFormat.of().parseHex("450000730000400040110000c0a80001c0a800c7");
    assertThat(ProbeFrames.checksum(h, 0, h.length, 0)).isEqualTo(0xb861);
  }

  @Test
  void udpFrameHasValidHeadersAndChecksums() {
    byte[] payload = ProbeWire.probe(ProbeWire.Kind.DIRECTED, 42);
    byte[] f = ProbeFrames.udpFrame(NODE_MAC, CLIENT_MAC, CLIENT, VIP, 7778, 7777, 0x1234, payload);

    assertThat(Arrays.copyOfRange(f, 0, 6)).isEqualTo(NODE_MAC);
    assertThat(Arrays.copyOfRange(f, 6, 12)).isEqualTo(CLIENT_MAC);
    assertThat(ProbeFrames.get16(f, 12)).isEqualTo(0x0800);
    int ip = 14;
    assertThat(f[ip]).isEqualTo((byte) 0x45);
    int ipLength = ProbeFrames.get16(f, ip + 2);
    assertThat(ipLength).isEqualTo(20 + 8 + payload.length);
    assertThat(ProbeFrames.get16(f, ip + 4)).isEqualTo(0x1234);
    assertThat(ProbeFrames.get16(f, ip + 6)).isEqualTo(0x4000);
    assertThat(f[ip + 9]).isEqualTo((byte) 17);
    assertThat(ProbeFrames.ipv4(f, ip + 12)).isEqualTo(CLIENT);
    assertThat(ProbeFrames.ipv4(f, ip + 16)).isEqualTo(VIP);
    // a header with a correct checksum sums to zero
    assertThat(ProbeFrames.checksum(f, ip, 20, 0)).isZero();

    int udp = ip + 20;
    assertThat(ProbeFrames.get16(f, udp)).isEqualTo(7778);
    assertThat(ProbeFrames.get16(f, udp + 2)).isEqualTo(7777);
    int udpLength = ProbeFrames.get16(f, udp + 4);
    assertThat(udpLength).isEqualTo(8 + payload.length);
    int pseudo = ProbeFrames.udpPseudoHeaderSum(CLIENT, VIP, udpLength);
    assertThat(ProbeFrames.checksum(f, udp, udpLength, pseudo)).isZero();
    assertThat(new String(f, udp + 8, payload.length, StandardCharsets.US_ASCII))
        .isEqualTo("RVP1 d 42");
    assertThat(f.length).isGreaterThanOrEqualTo(60);
  }

  @Test
  void arpRequestFromASpareIdentityParsesBack() {
    byte[] spare = ProbeFrames.parseMac("02:00:00:00:00:fa");
    Inet4Address spareIp = ProbeFrames.parseIpv4("198.18.0.250");

    byte[] f = ProbeFrames.arpRequest(spare, spareIp, VIP);
    Optional<ProbeFrames.Arp> arp = ProbeFrames.parseArp(f, f.length);

    assertThat(Arrays.copyOfRange(f, 0, 6)).containsOnly((byte) 0xff);
    assertThat(arp).isPresent();
    assertThat(arp.get().operation()).isEqualTo(ProbeFrames.ARP_REQUEST);
    assertThat(arp.get().senderMac()).isEqualTo(spare);
    assertThat(arp.get().ethernetSource()).isEqualTo(spare);
    assertThat(arp.get().senderIp()).isEqualTo(spareIp);
    assertThat(arp.get().targetIp()).isEqualTo(VIP);
    assertThat(arp.get().targetMac()).containsOnly((byte) 0);
    assertThat(arp.get().gratuitous()).isFalse();
  }

  @Test
  void aKernelArpReplyParses() {
    // n1 answering the spare identity: 02:..:0b is at 198.18.0.200
    byte[] f =
        HexFormat.of()
            .parseHex(
                "0200000000fa02000000000b0806"
                    + "0001080006040002"
                    + "02000000000b"
                    + "c61200c8"
                    + "0200000000fa"
                    + "c61200fa");

    ProbeFrames.Arp arp = ProbeFrames.parseArp(f, f.length).orElseThrow();

    assertThat(arp.operation()).isEqualTo(ProbeFrames.ARP_REPLY);
    assertThat(ProbeFrames.formatMac(arp.senderMac())).isEqualTo("02:00:00:00:00:0b");
    assertThat(arp.senderIp()).isEqualTo(VIP);
    assertThat(arp.targetIp()).isEqualTo(ProbeFrames.parseIpv4("198.18.0.250"));
  }

  @Test
  void nonArpAndShortFramesAreNotArp() {
    byte[] udp = ProbeFrames.udpFrame(NODE_MAC, CLIENT_MAC, CLIENT, VIP, 1, 2, 0, new byte[] {1});
    assertThat(ProbeFrames.parseArp(udp, udp.length)).isEmpty();
    byte[] arp = ProbeFrames.arpRequest(CLIENT_MAC, CLIENT, VIP);
    assertThat(ProbeFrames.parseArp(arp, 30)).isEmpty();
  }

  @Test
  void addressesParseStrictly() {
    assertThat(ProbeFrames.parseIpv4("198.18.0.1").getHostAddress()).isEqualTo("198.18.0.1");
    for (String bad : new String[] {"198.18.0", "198.18.0.256", "a.b.c.d", "1..2.3", "host"}) {
      assertThatThrownBy(() -> ProbeFrames.parseIpv4(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad);
    }
    assertThat(ProbeFrames.formatMac(ProbeFrames.parseMac("02:00:00:00:00:0B")))
        .isEqualTo("02:00:00:00:00:0b");
    assertThatThrownBy(() -> ProbeFrames.parseMac("02:00:00:00:00"))
        .hasMessageContaining("6 bytes");
    assertThatThrownBy(() -> ProbeFrames.parseMac("zz:00:00:00:00:00"))
        .hasMessageContaining("not a MAC");
  }

  @Test
  void probesAndRepliesRoundTrip() {
    byte[] probe = ProbeWire.probe(ProbeWire.Kind.UDP, 9);
    byte[] reply = ProbeWire.replyTo(probe, probe.length, "n2").orElseThrow();

    assertThat(new String(reply, StandardCharsets.US_ASCII)).isEqualTo("RVR1 n2 u 9");
    assertThat(ProbeWire.parseReply(reply, reply.length))
        .hasValue(new ProbeWire.Reply("n2", ProbeWire.Kind.UDP, 9));
    byte[] junk = "hello".getBytes(StandardCharsets.US_ASCII);
    assertThat(ProbeWire.replyTo(junk, junk.length, "n2")).isEmpty();
    byte[] badSeq = "RVP1 u x".getBytes(StandardCharsets.US_ASCII);
    assertThat(ProbeWire.replyTo(badSeq, badSeq.length, "n2")).isEmpty();
    byte[] badReply = "RVR1 n2 z 1".getBytes(StandardCharsets.US_ASCII);
    assertThat(ProbeWire.parseReply(badReply, badReply.length)).isEmpty();
    assertThatThrownBy(() -> ProbeWire.probe(ProbeWire.Kind.UDP, -1))
        .hasMessageContaining("negative");
  }
}
