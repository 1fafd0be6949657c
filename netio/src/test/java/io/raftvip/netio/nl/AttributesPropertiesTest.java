package io.raftvip.netio.nl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Round-trip properties of the attribute and message codec over random cases drawn from a seeded
 * {@link SplittableRandom}: 4 seeds x 75 = 300 attribute lists and 4 seeds x 50 = 200 messages.
 * Each failure names its seed and case.
 */
class AttributesPropertiesTest {
  private static final int ATTRIBUTE_CASES_PER_SEED = 75;
  private static final int MESSAGE_CASES_PER_SEED = 50;
  private static final int ATTRIBUTE_COUNT_MAX = 12;
  private static final int ATTRIBUTE_BYTES_MAX = 40;
  private static final int BODY_BYTES_MAX = 64;

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1L, 0x5eedL, 20250101L, -7L})
  void attributesRoundTripWithAlignment(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int c = 0; c < ATTRIBUTE_CASES_PER_SEED; c++) {
      List<byte[]> values = new ArrayList<>();
      int count = random.nextInt(ATTRIBUTE_COUNT_MAX + 1);
      for (int i = 0; i < count; i++) {
        values.add(randomBytes(random, random.nextInt(ATTRIBUTE_BYTES_MAX + 1)));
      }
      // 0x3fff is the largest type that leaves both NLA_F_NESTED and NLA_F_NET_BYTEORDER clear.
      int baseType = c == 0 ? 0x3fff : 1 + random.nextInt(0x3fff);
      String where =
          String.format(
              "seed %d case %d: baseType=%d sizes=%s",
              seed, c, baseType, values.stream().map(v -> v.length).toList());

      NetlinkMessage.Builder b = NetlinkMessage.builder(1, 0);
      for (int i = 0; i < values.size(); i++) {
        b.attr((baseType + i) & 0x3fff, values.get(i));
      }
      NetlinkMessage m = b.build();

      assertThat(m.bodyLength() % 4).as(where).isZero();
      List<Attribute> parsed = m.attributes(0).all();
      assertThat(parsed).as(where).hasSize(values.size());
      for (int i = 0; i < values.size(); i++) {
        assertThat(parsed.get(i).type()).as(where).isEqualTo((baseType + i) & 0x3fff);
        assertThat(parsed.get(i).value()).as(where).isEqualTo(values.get(i));
        assertThat(parsed.get(i).nestedFlag()).as(where).isFalse();
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1L, 0x5eedL, 20250101L, -7L})
  void messagesRoundTripThroughBytes(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int c = 0; c < MESSAGE_CASES_PER_SEED; c++) {
      int type = random.nextInt(0x10000);
      int flags = random.nextInt(0x10000);
      int seq = random.nextInt();
      int pid = random.nextInt();
      byte[] body = randomBytes(random, random.nextInt(BODY_BYTES_MAX + 1));
      String where =
          String.format(
              "seed %d case %d: type=%d flags=%d seq=%d pid=%d body=%d bytes",
              seed, c, type, flags, seq, pid, body.length);

      byte[] padded = Arrays.copyOf(body, Nlmsg.align(body.length));
      NetlinkMessage m = new NetlinkMessage(type, flags, seq, pid, padded);
      byte[] wire = m.toBytes();
      List<NetlinkMessage> back = NetlinkMessage.parseAll(wire, 0, wire.length);
      assertThat(back).as(where).hasSize(1);
      NetlinkMessage r = back.get(0);
      assertThat(r.type()).as(where).isEqualTo(type);
      assertThat(r.flags()).as(where).isEqualTo(flags);
      assertThat(r.seq()).as(where).isEqualTo(seq);
      assertThat(r.pid()).as(where).isEqualTo(pid);
      assertThat(r.body()).as(where).isEqualTo(padded);
    }
  }

  private static byte[] randomBytes(SplittableRandom random, int length) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) random.nextInt(256);
    }
    return b;
  }
}
