package io.raftvip.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link IpAddress} text against its bytes over random addresses: 4 seeds x 250 cases = 1000 per
 * property. Every seed first tries the edge addresses (all zeros, all ones, the sign-bit bytes,
 * IPv4-mapped and -compatible IPv6, zero runs that must or must not become "::"), then random ones
 * with zero-heavy bytes so that "::" runs of every length and position come up, one in ten an edge
 * again. Each failure names its seed and case; the cases come only from a seeded {@link
 * SplittableRandom}, so they replay.
 */
class IpAddressPropertiesTest {
  private static final int CASES_PER_SEED = 250;

  private static final List<byte[]> EDGES =
      List.of(
          v4(0, 0, 0, 0),
          v4(255, 255, 255, 255),
          v4(127, 0, 0, 1),
          v4(128, 0, 0, 0),
          v4(127, 255, 255, 255),
          v4(1, 0, 0, 1),
          v6(0, 0, 0, 0, 0, 0, 0, 0),
          v6(0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff),
          v6(0, 0, 0, 0, 0, 0, 0, 1),
          v6(1, 0, 0, 0, 0, 0, 0, 0),
          v6(0, 0, 0, 0, 0, 0xffff, 0xc612, 0x0001), // ::ffff:198.18.0.1, IPv4-mapped
          v6(0, 0, 0, 0, 0, 0, 0xc612, 0x0001), // ::198.18.0.1, IPv4-compatible
          v6(0, 0, 0, 0, 0, 0xffff, 0, 0), // ::ffff:0.0.0.0
          v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1),
          v6(1, 0, 1, 0, 1, 0, 1, 0), // single zero groups: never "::"
          v6(0, 1, 1, 1, 1, 1, 1, 0),
          v6(1, 0, 0, 1, 0, 0, 1, 1), // two equal runs: the first one is "::"
          v6(1, 0, 0, 1, 0, 0, 0, 1), // the longer, second run is "::"
          v6(0x8000, 0x80, 0x7fff, 0x7f, 0x100, 1, 0xff00, 0xff),
          v6(0x8000, 0, 0, 0, 0, 0, 0, 0));

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1L, 0x5eedL, 20250101L, -7L})
  void canonicalTextIsAFixedPointAndKeepsTheBytes(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < CASES_PER_SEED; i++) {
      byte[] octets = address(random, i);
      String where = describe(seed, i, octets);
      try {
        IpAddress ip = IpAddress.of(octets);

        assertThat(IpAddress.parse(ip.text())).as("%s text=%s", where, ip.text()).isEqualTo(ip);
        assertThat(ip.octets()).as("%s text=%s", where, ip.text()).containsExactly(octets);
      } catch (RuntimeException e) {
        throw new AssertionError(where + ": " + e, e);
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1L, 0x5eedL, 20250101L, -7L})
  void agreesWithTheJdkOnTheAddress(long seed) throws UnknownHostException {
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < CASES_PER_SEED; i++) {
      byte[] octets = address(random, i);
      String where = describe(seed, i, octets);
      try {
        IpAddress ip = IpAddress.of(octets);

        // getByName on a literal does no lookup; it maps ::ffff:a.b.c.d to IPv4, so compare bytes.
        byte[] jdk = InetAddress.getByName(ip.text()).getAddress();
        byte[] expected = jdk.length == octets.length ? octets : Arrays.copyOfRange(octets, 12, 16);
        assertThat(jdk).as("%s text=%s", where, ip.text()).containsExactly(expected);
      } catch (RuntimeException e) {
        throw new AssertionError(where + ": " + e, e);
      }
    }
  }

  /** Case {@code caseNo}: the edges first, then random addresses with one in ten an edge. */
  private static byte[] address(SplittableRandom random, int caseNo) {
    if (caseNo < EDGES.size()) {
      return EDGES.get(caseNo).clone();
    }
    if (random.nextInt(10) == 0) {
      return EDGES.get(random.nextInt(EDGES.size())).clone();
    }
    byte[] octets = new byte[random.nextBoolean() ? 4 : 16];
    for (int i = 0; i < octets.length; i++) {
      // Zero three times in four (as often as the old generator), so zero groups are common.
      octets[i] = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : 0;
    }
    return octets;
  }

  private static String describe(long seed, int caseNo, byte[] octets) {
    return String.format(
        "seed %d case %d: octets=%s", seed, caseNo, HexFormat.of().formatHex(octets));
  }

  private static byte[] v4(int a, int b, int c, int d) {
    return new byte[] {(byte) a, (byte) b, (byte) c, (byte) d};
  }

  private static byte[] v6(int... groups) {
    byte[] octets = new byte[16];
    for (int g = 0; g < 8; g++) {
      octets[2 * g] = (byte) (groups[g] >> 8);
      octets[2 * g + 1] = (byte) groups[g];
    }
    return octets;
  }
}
