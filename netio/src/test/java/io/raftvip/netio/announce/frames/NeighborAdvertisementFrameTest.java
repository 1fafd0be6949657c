package io.raftvip.netio.announce.frames;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.netio.MacAddress;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class NeighborAdvertisementFrameTest {

  /**
   * An unsolicited NA that Linux 6.18 itself sent ({@code ndisc_notify=1}, MAC changed to
   * 02:00:00:00:00:1a with 2001:db8::50 configured nodad), as tcpdump -xx printed it on the peer.
   */
  private static final String KERNEL_NA =
      "3333 0000 0001 0200 0000 001a 86dd 6000"
          + "0000 0020 3aff 2001 0db8 0000 0000 0000"
          + "0000 0000 0050 ff02 0000 0000 0000 0000"
          + "0000 0000 0001 8800 f873 2000 0000 2001"
          + "0db8 0000 0000 0000 0000 0000 0050 0201"
          + "0200 0000 001a";

  private static Inet6Address v6(String s) {
    try {
      return (Inet6Address) InetAddress.getByName(s);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  @Test
  void unsolicitedNaIsByteForByteWhatTheKernelSends() {
    byte[] ours =
        NeighborAdvertisementFrame.unsolicited(
                MacAddress.parse("02:00:00:00:00:1a"), v6("2001:db8::50"), false)
            .encode();
    assertThat(HexFormat.of().formatHex(ours)).isEqualTo(HexFormat.of().formatHex(hex(KERNEL_NA)));
  }

  @Test
  void layoutFieldByField() {
    MacAddress mac = MacAddress.parse("02:00:00:00:00:0c");
    Inet6Address vip = v6("2001:db8::77");
    byte[] b = NeighborAdvertisementFrame.unsolicited(mac, vip, true).encode();
    assertThat(b).hasSize(86);
    assertThat(HexFormat.of().formatHex(b, 0, 14)).isEqualTo("33330000000102000000000c86dd");
    assertThat(b[14] & 0xff).as("version 6, tc 0").isEqualTo(0x60);
    assertThat(HexFormat.of().formatHex(b, 15, 18)).as("flow label").isEqualTo("000000");
    assertThat(((b[18] & 0xff) << 8) | (b[19] & 0xff)).as("payload length").isEqualTo(32);
    assertThat(b[20] & 0xff).as("next header ICMPv6").isEqualTo(58);
    assertThat(b[21] & 0xff).as("hop limit").isEqualTo(255);
    assertThat(HexFormat.of().formatHex(b, 22, 38)).isEqualTo("20010db8000000000000000000000077");
    assertThat(HexFormat.of().formatHex(b, 38, 54)).isEqualTo("ff020000000000000000000000000001");
    assertThat(b[54] & 0xff).as("type NA").isEqualTo(136);
    assertThat(b[55]).as("code").isZero();
    assertThat(b[58] & 0xff).as("R=1 S=0 O=1").isEqualTo(0xa0);
    assertThat(HexFormat.of().formatHex(b, 59, 62)).as("reserved").isEqualTo("000000");
    assertThat(HexFormat.of().formatHex(b, 62, 78)).isEqualTo("20010db8000000000000000000000077");
    assertThat(b[78]).as("option: target link-layer address").isEqualTo((byte) 2);
    assertThat(b[79]).as("option length 1 (8 bytes)").isEqualTo((byte) 1);
    assertThat(HexFormat.of().formatHex(b, 80, 86)).isEqualTo("02000000000c");
    int checksum = ((b[56] & 0xff) << 8) | (b[57] & 0xff);
    assertThat(checksum).isEqualTo(independentChecksum(b));
  }

  @Test
  void checksumAgreesWithAnIndependentComputationForManyAddresses() {
    for (int i = 1; i < 300; i += 7) {
      MacAddress mac = MacAddress.ofBits(0x0200_0000_0000L + i * 0x0101L);
      Inet6Address vip = v6("2001:db8::" + Integer.toHexString(i * 131));
      byte[] b = NeighborAdvertisementFrame.unsolicited(mac, vip, i % 2 == 0).encode();
      int checksum = ((b[56] & 0xff) << 8) | (b[57] & 0xff);
      assertThat(checksum).as("vip %s", vip).isEqualTo(independentChecksum(b));
    }
  }

  @Test
  void kernelChecksumVerifiesWithOurRoutine() {
    byte[] kernel = hex(KERNEL_NA);
    assertThat(((kernel[56] & 0xff) << 8) | (kernel[57] & 0xff)).isEqualTo(0xf873);
    assertThat(independentChecksum(kernel)).isEqualTo(0xf873);
  }

  @Test
  void decodeRoundTripsAndRejectsACorruptChecksum() {
    NeighborAdvertisementFrame na =
        NeighborAdvertisementFrame.unsolicited(
            MacAddress.parse("02:00:00:00:00:0b"), v6("2001:db8::50"), false);
    byte[] b = na.encode();
    assertThat(NeighborAdvertisementFrame.decode(b, b.length)).contains(na);
    assertThat(NeighborAdvertisementFrame.decode(hex(KERNEL_NA), 86)).isPresent();
    b[57] ^= 1;
    assertThat(NeighborAdvertisementFrame.decode(b, b.length)).isEmpty();
  }

  /**
   * RFC 4443 checksum computed a second, different way: 32-bit big-endian words of an explicitly
   * assembled pseudo-header + message, summed in a long and folded, with the checksum field zeroed.
   */
  private static int independentChecksum(byte[] frame) {
    ByteBuffer buf = ByteBuffer.allocate(40 + 32);
    buf.put(frame, 22, 16); // source
    buf.put(frame, 38, 16); // destination
    buf.putInt(32); // upper-layer length
    buf.putInt(58); // 3 zero bytes + next header
    byte[] icmp = new byte[32];
    System.arraycopy(frame, 54, icmp, 0, 32);
    icmp[2] = 0;
    icmp[3] = 0;
    buf.put(icmp);
    buf.flip();
    long sum = 0;
    while (buf.remaining() >= 4) {
      sum += buf.getInt() & 0xffffffffL;
    }
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return (int) (~sum & 0xffff);
  }
}
