package io.raftvip.cli.config;

import java.time.Duration;
import java.util.Objects;

/**
 * When a health check runs and how many results flip it.
 *
 * @param interval time between the starts of two runs
 * @param timeout a run that takes longer fails; at most {@code interval}, so runs never overlap
 * @param rise consecutive passes that make a failing check pass
 * @param fall consecutive failures that make a passing check fail
 */
public record CheckSchedule(Duration interval, Duration timeout, int rise, int fall) {

  static final Duration INTERVAL_MIN = Duration.ofMillis(100);
  static final Duration INTERVAL_MAX = Duration.ofHours(1);
  static final Duration TIMEOUT_MIN = Duration.ofMillis(10);
  static final int COUNT_MAX = 100;

  /** Every second, 500 ms timeout, up after 2 passes, down after 3 failures. */
  public static final CheckSchedule DEFAULTS =
      new CheckSchedule(Duration.ofSeconds(1), Duration.ofMillis(500), 2, 3);

  public CheckSchedule {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(timeout, "timeout");
    Violations v = new Violations();
    v.range("interval", interval, INTERVAL_MIN, INTERVAL_MAX);
    v.range("timeout", timeout, TIMEOUT_MIN, INTERVAL_MAX);
    if (v.isEmpty() && timeout.compareTo(interval) > 0) {
      v.add(
          "timeout",
          "must not exceed interval ("
              + Units.formatDuration(interval)
              + ") so that runs never overlap, got "
              + Units.formatDuration(timeout));
    }
    v.range("rise", rise, 1, COUNT_MAX);
    v.range("fall", fall, 1, COUNT_MAX);
    v.throwIfAny();
  }
}
