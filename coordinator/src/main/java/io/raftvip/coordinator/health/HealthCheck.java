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

  /** Shared validation of check timeouts: 1 ms .. 60 s. */
  static Duration checkTimeout(Duration timeout, String of) {
    if (timeout == null) {
      throw new NullPointerException("timeout of " + of);
    }
    if (timeout.compareTo(Duration.ofMillis(1)) < 0
        || timeout.compareTo(Duration.ofSeconds(60)) > 0) {
      throw new IllegalArgumentException(
          "timeout " + timeout.toMillis() + " ms of " + of + " must be between 1 ms and 60 s");
    }
    return timeout;
  }
}
