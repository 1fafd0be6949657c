package io.raftvip.netio.announce.frames;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftvip.netio.MacAddress;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ArpFrameTest {
  private static final MacAddress OWNER = MacAddress.parse("02:00:00:00:00:0b");
  private static final Inet4Address VIP = v4("198.18.0.50");

  private static Inet4Address v4(String s) {
    try {
      return (Inet4Address) InetAddress.getByName(s);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Hex of the 42 meaningful bytes, then 18 zero bytes of padding. */
  private static byte[] expected(String hex42) {
    byte[] head = HexFormat.of().parseHex(hex42.replace(" ", ""));
    assertThat(head).hasSize(42);
    byte[] frame = new byte[60];
    System.arraycopy(head, 0, frame, 0, 42);
    return frame;
  }

  @Test
  void gratuitousRequestMatchesRfc5227AnnouncementByteForByte() {
    byte[] frame = ArpFrame.gratuitousRequest(OWNER, VIP).encode();
    assertThat(frame)
        .isEqualTo(
            expected(
                "ffffffffffff 02000000000b 0806" // eth dst broadcast, src owner, type ARP
                    + " 0001 0800 06 04 0001" // Ethernet, IPv4, hlen 6, plen 4, op request
                    + " 02000000000b c6120032" // SHA owner, SPA 198.18.0.50
                    + " 000000000000 c6120032")); // THA zero, TPA 198.18.0.50
  }

  @Test
  void gratuitousReplyCarriesShaAsTha() {
    byte[] frame = ArpFrame.gratuitousReply(OWNER, VIP).encode();
    assertThat(frame)
        .isEqualTo(
            expected(
                "ffffffffffff 02000000000b 0806"
                    + " 0001 0800 06 04 0002"
                    + " 02000000000b c6120032"
                    + " 02000000000b c6120032")); // THA = SHA: Linux arp_is_garp needs it
  }

  @Test
  void probeHasZeroSenderIpAndZeroTha() {
    byte[] frame = ArpFrame.probe(OWNER, VIP).encode();
    assertThat(frame)
        .isEqualTo(
            expected(
                "ffffffffffff 02000000000b 0806"
                    + " 0001 0800 06 04 0001"
                    + " 02000000000b 00000000"
                    + " 000000000000 c6120032"));
    assertThat(ArpFrame.probe(OWNER, VIP).isProbe()).isTrue();
    assertThat(ArpFrame.gratuitousRequest(OWNER, VIP).isProbe()).isFalse();
  }

  @Test
  void everyFormIsPaddedToTheEthernetMinimumWithZeros() {
    for (ArpFrame f :
        new ArpFrame[] {
          ArpFrame.gratuitousRequest(OWNER, VIP),
          ArpFrame.gratuitousReply(OWNER, VIP),
          ArpFrame.probe(OWNER, VIP)
        }) {
      byte[] b = f.encode();
      assertThat(b).hasSize(ArpFrame.FRAME_LENGTH);
      for (int i = ArpFrame.UNPADDED_LENGTH; i < b.length; i++) {
        assertThat(b[i]).as("padding byte %d", i).isZero();
      }
    }
  }

  @Test
  void decodeReturnsWhatEncodeWrote() {
    for (ArpFrame f :
        new ArpFrame[] {
          ArpFrame.gratuitousRequest(OWNER, VIP),
          ArpFrame.gratuitousReply(OWNER, VIP),
          ArpFrame.probe(OWNER, VIP)
        }) {
      assertThat(ArpFrame.decode(f.encode(), 60)).contains(f);
      assertThat(ArpFrame.decode(f.encode(), 42)).contains(f);
    }
  }

  @Test
  void decodeRejectsWhatIsNotArpForIpv4OverEthernet() {
    byte[] ok = ArpFrame.gratuitousRequest(OWNER, VIP).encode();
    assertThat(ArpFrame.decode(ok, 41)).isEmpty();
    byte[] ipv6 = ok.clone();
    ipv6[12] = (byte) 0x86;
    ipv6[13] = (byte) 0xdd;
    assertThat(ArpFrame.decode(ipv6, 60)).isEmpty();
    byte[] badOp = ok.clone();
    badOp[21] = 3;
    assertThat(ArpFrame.decode(badOp, 60)).isEmpty();
    byte[] badHlen = ok.clone();
    badHlen[18] = 8;
    assertThat(ArpFrame.decode(badHlen, 60)).isEmpty();
  }

  @Test
  void rejectsUnknownOperation() {
    assertThatThrownBy(
            () -> new ArpFrame(MacAddress.BROADCAST, OWNER, 3, OWNER, VIP, MacAddress.ZERO, VIP))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 3");
  }
}
