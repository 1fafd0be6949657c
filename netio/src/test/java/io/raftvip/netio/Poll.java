package io.raftvip.netio;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** Bounded polling for tests: every wait has a deadline and a step. */
final class Poll {
  private Poll() {}

  /** Polls {@code probe} every {@code stepMs} until it yields a value or {@code max} passes. */
  static <T> Optional<T> until(Duration max, long stepMs, Supplier<Optional<T>> probe) {
    long deadline = System.nanoTime() + max.toNanos();
    while (true) {
      Optional<T> v = probe.get();
      if (v.isPresent() || System.nanoTime() > deadline) {
        return v;
      }
      try {
        Thread.sleep(stepMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
  }

  /** Polls a condition; true if it held before {@code max} passed. */
  static boolean condition(Duration max, long stepMs, Supplier<Boolean> condition) {
    return until(max, stepMs, () -> condition.get() ? Optional.of(true) : Optional.empty())
        .isPresent();
  }
}
