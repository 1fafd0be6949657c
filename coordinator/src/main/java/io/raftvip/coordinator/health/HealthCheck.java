package io.raftvip.coordinator.health;

import java.time.Duration;

/**
 * One kind of health check: {@link ExecCheck}, {@link TcpCheck}, {@link HttpCheck}, {@link
 * CallbackCheck}, or an embedder's own.
 *
 * <p>Contract for implementers: {@link #run()} is called on one of the {@link HealthMonitor}'s
 * check threads, never twice at the same time for the same registration, and may block up to {@link
 * #timeout()}. The monitor counts a run still going {@link HealthMonitor#TIMEOUT_GRACE_MS} after
 * the timeout as failed and interrupts its thread; a run must then return promptly (a run that
 * ignores the interrupt keeps its thread, and the check fails until it returns). Failures are
 * results, not exceptions: an exception from {@code run} counts as a failure with its message.
 */
public interface HealthCheck {

  /** Runs the check once. */
  CheckResult run() throws InterruptedException;

  /** How long one run may take. */
  Duration timeout();

  /** Shared validation of check timeouts: 1 ms .. 1 h (the agent config's range). */
  static Duration checkTimeout(Duration timeout, String of) {
    return checkTimeout(timeout, Duration.ofHours(1), of);
  }

  /** Validates a timeout of 1 ms .. {@code max}. */
  static Duration checkTimeout(Duration timeout, Duration max, String of) {
    if (timeout == null) {
      throw new NullPointerException("timeout of " + of);
    }
    if (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          "timeout "
              + timeout.toMillis()
              + " ms of "
              + of
              + " must be between 1 ms and "
              + readable(max));
    }
    return timeout;
  }

  private static String readable(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + " h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + " min";
    }
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }
}
