package io.raftvip.netio.announce.frames;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class InternetChecksumTest {
  @Test
  void rfc1071WorkedExample() {
    // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to 0x2ddf0, folded 0xddf2;
    // the checksum is its complement.
    byte[] data = HexFormat.of().parseHex("0001f203f4f5f6f7");
    assertThat(InternetChecksum.of(data, 0, data.length)).isEqualTo(~0xddf2 & 0xffff);
  }

  @Test
  void oddLengthPadsWithZero() {
    byte[] odd = {0x12, 0x34, 0x56};
    byte[] even = {0x12, 0x34, 0x56, 0x00};
    assertThat(InternetChecksum.of(odd, 0, 3)).isEqualTo(InternetChecksum.of(even, 0, 4));
  }
}
