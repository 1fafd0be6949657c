package io.raftvip.coordinator.core.sim;

/**
 * A node's monotonic clock: local = offset + rate × real, in microseconds. Rates stay within the
 * drift bound; offsets differ wildly between nodes so that mixing two nodes' clocks shows up.
 */
final class SimClock {
  private final double rate;
  private final double offsetUs;

  SimClock(double rate, double offsetUs) {
    this.rate = rate;
    this.offsetUs = offsetUs;
  }

  double rate() {
    return rate;
  }

  double localUs(long realUs) {
    return offsetUs + rate * realUs;
  }

  /** What the node's code reads: whole milliseconds, rounded down. */
  long nowMs(long realUs) {
    return (long) Math.floor(localUs(realUs) / 1000.0);
  }

  /** Rounded up: for elapsed times a follower reports (never understated). */
  long nowMsCeil(long realUs) {
    return (long) Math.ceil(localUs(realUs) / 1000.0);
  }

  /** The first real microsecond at which this clock shows at least {@code localMs}. */
  long realUsAtLocalMs(double localMs) {
    return (long) Math.ceil((localMs * 1000.0 - offsetUs) / rate);
  }

  /** Real microseconds that pass while this clock advances {@code localUs}. */
  long realDelayUs(double localUs) {
    return Math.max(1, (long) Math.ceil(localUs / rate));
  }
}
