package io.raftvip.coordinator.health;

import java.time.Duration;
import java.util.Objects;

/**
 * When a check runs and how its results are debounced.
 *
 * @param interval time between the starts of two runs, 10 ms .. 1 h; a check's timeout must not
 *     exceed it (checked on registration)
 * @param rise passes in a row before the check counts as healthy (see {@link RiseFall})
 * @param fall failures in a row before it counts as unhealthy
 */
public record CheckSchedule(Duration interval, int rise, int fall) {

  public CheckSchedule {
    Objects.requireNonNull(interval, "interval");
    if (interval.compareTo(Duration.ofMillis(10)) < 0
        || interval.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(
          "check interval " + interval.toMillis() + " ms must be between 10 ms and 1 h");
    }
    RiseFall.checkStreak("rise", rise);
    RiseFall.checkStreak("fall", fall);
  }

  /** Every {@code interval}, rise 2, fall 3 (one lost probe never moves a VIP). */
  public static CheckSchedule every(Duration interval) {
    return new CheckSchedule(interval, 2, 3);
  }

  /** The interval in ms. */
  public long intervalMs() {
    return interval.toMillis();
  }
}
