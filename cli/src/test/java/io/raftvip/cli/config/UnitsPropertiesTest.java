package io.raftvip.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Round trips of {@link Units} formatting over random values: 4 seeds x 125 cases = 500 per
 * property. Every seed first tries all the edge values (range ends, zero, where the chosen unit
 * changes), then random values that also hit edges, small magnitudes and whole units: uniform draws
 * over the range would almost never land on a whole minute or below one second, which is where the
 * formats differ. Each failure names its seed and case; the cases come only from a seeded {@link
 * SplittableRandom}, so they replay.
 */
class UnitsPropertiesTest {
  private static final int CASES_PER_SEED = 125;

  private static final long MS_MAX = 86_400_000L;

  /** The range ends and the boundaries between "ms", "s", "m" and "h" texts, on both signs. */
  private static final long[] MS_EDGES = {
    -MS_MAX,
    MS_MAX,
    0,
    1,
    -1,
    2,
    -2,
    MS_MAX - 1,
    -MS_MAX + 1,
    999,
    1_000,
    1_001,
    -999,
    -1_000,
    -1_001,
    1_500,
    59_999,
    60_000,
    60_001,
    -60_000,
    3_599_999,
    3_600_000,
    3_600_001,
    -3_600_000,
    5_400_000
  };

  /** The units the text can be written in, and round decimal steps of the "s" form. */
  private static final long[] MS_UNITS = {10, 100, 1_000, 60_000, 3_600_000};

  private static final int PPM_MAX = 999_999;

  /** The range ends, one percent, and the finest step: 0.0001%. */
  private static final int[] PPM_EDGES = {
    0, 1, 2, PPM_MAX, PPM_MAX - 1, 9_999, 10_000, 10_001, 100, 500, 990_000
  };

  private static final int[] PPM_UNITS = {10, 100, 1_000, 10_000, 100_000};

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1L, 0x5eedL, 20250101L, -7L})
  void formattedDurationsParseBackExactly(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < CASES_PER_SEED; i++) {
      long ms = i < MS_EDGES.length ? MS_EDGES[i] : milliseconds(random);
      String where = String.format("seed %d case %d: ms=%d", seed, i, ms);
      try {
        Duration d = Duration.ofMillis(ms);

        String text = Units.formatDuration(d);

        assertThat(Units.parseDuration(text)).as("%s text=%s", where, text).isEqualTo(d);
        assertThat(text.length())
            .as("%s text=%s: no longer than the plain ms form", where, text)
            .isLessThanOrEqualTo(Long.toString(ms).length() + 2);
      } catch (RuntimeException e) {
        throw new AssertionError(where + ": " + e, e);
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1L, 0x5eedL, 20250101L, -7L})
  void formattedPercentagesParseBackExactly(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < CASES_PER_SEED; i++) {
      int ppm = i < PPM_EDGES.length ? PPM_EDGES[i] : partsPerMillion(random);
      String where = String.format("seed %d case %d: ppm=%d", seed, i, ppm);
      try {
        String text = Units.formatPercentPpm(ppm);

        assertThat(Units.parsePercentPpm(text)).as("%s text=%s", where, text).isEqualTo(ppm);
      } catch (RuntimeException e) {
        throw new AssertionError(where + ": " + e, e);
      }
    }
  }

  /** A duration in [-MS_MAX, MS_MAX]: one in ten an edge, else uniform, small or whole units. */
  private static long milliseconds(SplittableRandom random) {
    if (random.nextInt(10) == 0) {
      return MS_EDGES[random.nextInt(MS_EDGES.length)];
    }
    return switch (random.nextInt(3)) {
      case 0 -> random.nextLong(-MS_MAX, MS_MAX + 1);
      case 1 -> {
        // Magnitude below 10^k for k in 1..8: as many 2-digit values as 8-digit ones.
        long bound = Math.min(MS_MAX, pow10(random.nextInt(1, 9)));
        yield random.nextLong(-bound, bound + 1);
      }
      default -> {
        long unit = MS_UNITS[random.nextInt(MS_UNITS.length)];
        yield unit * random.nextLong(-MS_MAX / unit, MS_MAX / unit + 1);
      }
    };
  }

  /** A percentage in [0, PPM_MAX] ppm: one in ten an edge, else uniform, small or round. */
  private static int partsPerMillion(SplittableRandom random) {
    if (random.nextInt(10) == 0) {
      return PPM_EDGES[random.nextInt(PPM_EDGES.length)];
    }
    return switch (random.nextInt(3)) {
      case 0 -> random.nextInt(PPM_MAX + 1);
      case 1 -> random.nextInt((int) Math.min(PPM_MAX, pow10(random.nextInt(1, 7))) + 1);
      default -> {
        int unit = PPM_UNITS[random.nextInt(PPM_UNITS.length)];
        yield unit * random.nextInt(PPM_MAX / unit + 1);
      }
    };
  }

  private static long pow10(int exponent) {
    long value = 1;
    for (int i = 0; i < exponent; i++) {
      value *= 10;
    }
    return value;
  }
}
