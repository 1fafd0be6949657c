package io.raftvip.coordinator.health;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;

/**
 * An embedder's own check: {@code true} passes; {@code false}, an exception or a null fails. The
 * {@link HealthMonitor} enforces the timeout: a callback still running {@link
 * HealthMonitor#TIMEOUT_GRACE_MS} after it counts as failed and is interrupted.
 *
 * @param description names the callback in reasons and logs (1..100 characters)
 * @param body the check; called on a monitor thread, never twice at the same time
 * @param timeout 1 ms .. 1 h
 */
public record CallbackCheck(String description, Callable<Boolean> body, Duration timeout)
    implements HealthCheck {

  public CallbackCheck {
    Objects.requireNonNull(description, "description of callback check");
    if (description.isBlank() || description.length() > 100) {
      throw new IllegalArgumentException(
          "description \"" + description + "\" of callback check must be 1 to 100 characters");
    }
    Objects.requireNonNull(body, "body of callback check " + description);
    HealthCheck.checkTimeout(timeout, "callback check " + description);
  }

  /** A check from a {@link BooleanSupplier}. */
  public static CallbackCheck of(String description, BooleanSupplier body, Duration timeout) {
    Objects.requireNonNull(body, "body of callback check " + description);
    return new CallbackCheck(description, body::getAsBoolean, timeout);
  }

  @Override
  public CheckResult run() throws InterruptedException {
    Boolean ok;
    try {
      ok = body.call();
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      return CheckResult.fail(description + " threw " + e);
    }
    if (ok == null) {
      return CheckResult.fail(description + " returned null");
    }
    return ok
        ? CheckResult.pass(description + " passed")
        : CheckResult.fail(description + " failed");
  }
}
