package io.raftvip.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * Order statistics of a set of per-operation latencies, plus the throughput of the loop that
 * produced them (operations over the loop's wall time, which includes the measurement overhead).
 *
 * @param n samples
 * @param minNanos smallest sample
 * @param p50Nanos median (nearest rank)
 * @param p90Nanos 90th percentile (nearest rank)
 * @param p99Nanos 99th percentile (nearest rank)
 * @param maxNanos largest sample
 * @param opsPerSec n divided by the loop's wall time; 0 when unknown
 */
record Latency(
    int n,
    long minNanos,
    long p50Nanos,
    long p90Nanos,
    long p99Nanos,
    long maxNanos,
    double opsPerSec) {

  static Latency of(long[] samplesNanos, int count, long loopNanos) {
    if (count < 1 || count > samplesNanos.length) {
      throw new IllegalArgumentException(
          "need 1.." + samplesNanos.length + " samples, got " + count);
    }
    long[] s = Arrays.copyOf(samplesNanos, count);
    Arrays.sort(s);
    double ops = loopNanos > 0 ? count / (loopNanos / 1e9) : 0;
    return new Latency(count, s[0], rank(s, 0.50), rank(s, 0.90), rank(s, 0.99), s[count - 1], ops);
  }

  /** Nearest-rank quantile of sorted {@code s}. */
  private static long rank(long[] s, double q) {
    int index = (int) Math.ceil(q * s.length) - 1;
    return s[Math.max(0, Math.min(s.length - 1, index))];
  }

  static String ms(long nanos) {
    double v = nanos / 1e6;
    if (v < 0.1) {
      return String.format(Locale.ROOT, "%.4f", v);
    }
    if (v < 10) {
      return String.format(Locale.ROOT, "%.3f", v);
    }
    return String.format(Locale.ROOT, "%.1f", v);
  }

  String summary() {
    return String.format(
        Locale.ROOT,
        "n=%d min=%s p50=%s p90=%s p99=%s max=%s ms, %.0f ops/s",
        n,
        ms(minNanos),
        ms(p50Nanos),
        ms(p90Nanos),
        ms(p99Nanos),
        ms(maxNanos),
        opsPerSec);
  }
}
