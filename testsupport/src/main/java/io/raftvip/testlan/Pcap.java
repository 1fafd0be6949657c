package io.raftvip.testlan;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Decoder for classic libpcap files (not pcapng): a 24-byte global header, then per frame a 16-byte
 * record header and the captured bytes. Pure: bytes in, frames out.
 */
final class Pcap {
  static final int MAGIC_MICROS = 0xa1b2c3d4;
  static final int MAGIC_NANOS = 0xa1b23c4d;
  static final int LINKTYPE_ETHERNET = 1;
  static final int GLOBAL_HEADER_BYTES = 24;
  static final int RECORD_HEADER_BYTES = 16;

  /** Larger than any snap length we use; a bigger record length means a corrupt file. */
  static final int RECORD_BYTES_MAX = 262_144;

  private Pcap() {}

  /**
   * Decodes a whole capture file. A truncated last record (writer killed mid-write) is dropped;
   * anything else malformed is a TestLanException naming the offset.
   */
  static List<Frame> parse(byte[] file) {
    if (file.length < GLOBAL_HEADER_BYTES) {
      throw new TestLanException(
          "pcap file of " + file.length + " bytes is shorter than its 24-byte header");
    }
    ByteBuffer buf = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    int magic = buf.getInt(0);
    if (Integer.reverseBytes(magic) == MAGIC_MICROS || Integer.reverseBytes(magic) == MAGIC_NANOS) {
      buf.order(ByteOrder.BIG_ENDIAN);
      magic = Integer.reverseBytes(magic);
    }
    boolean nanos;
    if (magic == MAGIC_MICROS) {
      nanos = false;
    } else if (magic == MAGIC_NANOS) {
      nanos = true;
    } else {
      throw new TestLanException(String.format("not a classic pcap file: magic 0x%08x", magic));
    }
    int linkType = buf.getInt(20) & 0x0fff_ffff; // upper bits carry FCS flags
    if (linkType != LINKTYPE_ETHERNET) {
      throw new TestLanException("pcap link type " + linkType + " is not Ethernet (1)");
    }
    List<Frame> frames = new ArrayList<>();
    int offset = GLOBAL_HEADER_BYTES;
    while (offset + RECORD_HEADER_BYTES <= file.length) {
      long seconds = Integer.toUnsignedLong(buf.getInt(offset));
      long fraction = Integer.toUnsignedLong(buf.getInt(offset + 4));
      int capturedBytes = buf.getInt(offset + 8);
      if (capturedBytes < 0 || capturedBytes > RECORD_BYTES_MAX) {
        throw new TestLanException(
            "pcap record at offset " + offset + " claims " + capturedBytes + " bytes");
      }
      int start = offset + RECORD_HEADER_BYTES;
      if (start + capturedBytes > file.length) {
        break;
      }
      byte[] bytes = new byte[capturedBytes];
      System.arraycopy(file, start, bytes, 0, capturedBytes);
      long micros = seconds * 1_000_000L + (nanos ? fraction / 1_000L : fraction);
      frames.add(new Frame(micros, bytes));
      offset = start + capturedBytes;
    }
    return frames;
  }
}
