package io.raftvip.cli.demo;

import java.time.Instant;

/**
 * The two clocks of the demo. Every process on the host shares both: CLOCK_MONOTONIC
 * (System.nanoTime, the clock of leases and fences) and CLOCK_REALTIME (the clock of the prober's
 * log and of the timeline). Mono-to-wall conversion uses an offset sampled at one instant, so two
 * processes' readings convert alike.
 */
final class Clocks {
  private Clocks() {}

  /** Wall clock, microseconds since the epoch. */
  static long wallMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000L;
  }

  /** Monotonic clock in ms: the lease clock of driver and agents. */
  static long monoMs() {
    return System.nanoTime() / 1_000_000L;
  }

  /**
   * wall - mono in microseconds, sampled with the tightest of a few bracketing reads (the same
   * method as the fence tests' prober).
   */
  static long wallMinusMonoMicros() {
    long best = Long.MAX_VALUE;
    long offset = 0;
    for (int i = 0; i < 20; i++) {
      long t1 = System.nanoTime();
      long wall = wallMicros();
      long t2 = System.nanoTime();
      if (t2 - t1 < best) {
        best = t2 - t1;
        offset = wall - (t1 + (t2 - t1) / 2) / 1_000L;
      }
    }
    return offset;
  }
}
