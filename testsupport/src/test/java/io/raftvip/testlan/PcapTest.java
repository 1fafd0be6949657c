package io.raftvip.testlan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PcapTest {

  @Test
  void decodesMicrosecondLittleEndianFiles() {
    byte[] file =
        pcap(
            ByteOrder.LITTLE_ENDIAN,
            Pcap.MAGIC_MICROS,
            record(ByteOrder.LITTLE_ENDIAN, 1_700_000_000, 123_456, frame(60)));
    List<Frame> frames = Pcap.parse(file);
    assertThat(frames).hasSize(1);
    assertThat(frames.get(0).epochMicros()).isEqualTo(1_700_000_000_123_456L);
    assertThat(frames.get(0).bytes()).isEqualTo(frame(60));
  }

  @Test
  void decodesNanosecondBigEndianFiles() {
    byte[] file =
        pcap(
            ByteOrder.BIG_ENDIAN,
            Pcap.MAGIC_NANOS,
            record(ByteOrder.BIG_ENDIAN, 2, 999_999_999, frame(14)),
            record(ByteOrder.BIG_ENDIAN, 3, 1_000, frame(42)));
    List<Frame> frames = Pcap.parse(file);
    assertThat(frames).extracting(Frame::epochMicros).containsExactly(2_999_999L, 3_000_001L);
    assertThat(frames.get(1).bytes()).hasSize(42);
  }

  @Test
  void dropsATruncatedLastRecord() {
    byte[] whole =
        pcap(
            ByteOrder.LITTLE_ENDIAN,
            Pcap.MAGIC_MICROS,
            record(ByteOrder.LITTLE_ENDIAN, 1, 0, frame(20)),
            record(ByteOrder.LITTLE_ENDIAN, 2, 0, frame(20)));
    byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 5);
    assertThat(Pcap.parse(cut)).hasSize(1);
  }

  @Test
  void headerOnlyIsEmpty() {
    assertThat(Pcap.parse(pcap(ByteOrder.LITTLE_ENDIAN, Pcap.MAGIC_MICROS))).isEmpty();
  }

  @Test
  void rejectsOtherFormatsWithTheOffendingValue() {
    byte[] pcapng = pcap(ByteOrder.LITTLE_ENDIAN, 0x0a0d0d0a);
    assertThatThrownBy(() -> Pcap.parse(pcapng)).hasMessageContaining("0x0a0d0d0a");
    assertThatThrownBy(() -> Pcap.parse(new byte[10])).hasMessageContaining("10 bytes");
    byte[] huge =
        pcap(
            ByteOrder.LITTLE_ENDIAN,
            Pcap.MAGIC_MICROS,
            ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 1 << 30).array());
    assertThatThrownBy(() -> Pcap.parse(huge)).hasMessageContaining("offset 24");
  }

  @Test
  void frameAccessorsReadTheEthernetHeader() {
    Frame f = new Frame(0, frame(60));
    assertThat(Frame.formatMac(f.destinationMac())).isEqualTo("ff:ff:ff:ff:ff:ff");
    assertThat(Frame.formatMac(f.sourceMac())).isEqualTo("02:00:00:00:00:0b");
    assertThat(f.etherType()).isEqualTo(Frame.ETHER_TYPE_ARP);
    assertThat(f.payload()).hasSize(46);
    assertThat(f).isEqualTo(new Frame(0, frame(60)));
    assertThatThrownBy(() -> new Frame(0, new byte[3]).etherType())
        .isInstanceOf(IllegalStateException.class);
  }

  private static byte[] frame(int length) {
    byte[] f = new byte[length];
    for (int i = 0; i < length; i++) {
      f[i] = (byte) i;
    }
    if (length >= 14) {
      for (int i = 0; i < 6; i++) {
        f[i] = (byte) 0xff;
      }
      byte[] src = {0x02, 0, 0, 0, 0, 0x0b};
      System.arraycopy(src, 0, f, 6, 6);
      f[12] = 0x08;
      f[13] = 0x06;
    }
    return f;
  }

  private static byte[] record(ByteOrder order, int seconds, int fraction, byte[] frame) {
    ByteBuffer b = ByteBuffer.allocate(16 + frame.length).order(order);
    b.putInt(seconds).putInt(fraction).putInt(frame.length).putInt(frame.length).put(frame);
    return b.array();
  }

  private static byte[] pcap(ByteOrder order, int magic, byte[]... records) {
    ByteBuffer header = ByteBuffer.allocate(24).order(order);
    header.putInt(magic).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0);
    header.putInt(256).putInt(Pcap.LINKTYPE_ETHERNET);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header.array());
    for (byte[] r : records) {
      out.writeBytes(r);
    }
    return out.toByteArray();
  }
}
