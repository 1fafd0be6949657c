package io.raftvip.coordinator.ratis;

import java.util.concurrent.TimeUnit;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.util.TimeDuration;

/**
 * The RaftClient retry policy of {@link RaftNode}: retry until the calling {@link Call}'s deadline
 * or {@link #ATTEMPT_MAX} attempts, whichever comes first, and remember the last failure so that
 * the caller can tell "no quorum" from "slow commit". Ratis' default policy retries forever
 * (RaftClient builder, shared/reference/ratis.md A.3), which would turn a lost quorum into a hang.
 *
 * <p>Ratis' blocking API (which RaftNode uses for every call) consults the policy on the calling
 * thread between attempts (BlockingImpl.sendRequestWithRetry), so the current call is found through
 * a thread-local bound by RaftNode around each blocking call. An unbound thread gets no retries at
 * all.
 */
final class DeadlineRetryPolicy implements RetryPolicy {

  /** Upper bound independent of the deadline; at {@link #SLEEP_MS} that is 50 s. */
  static final int ATTEMPT_MAX = 1000;

  /**
   * Pause between attempts when Ratis has no leader to suggest (with a suggestion it retries at
   * once). A third of the default rpc.timeout.min: an election takes 1.5 to 2.3 times min (ratis.md
   * A.2), so a few attempts land in it without spinning.
   */
  static final long SLEEP_MS = 50;

  /** One RaftNode call: its deadline and what went wrong so far. */
  static final class Call {
    final long deadlineNanos;
    volatile Throwable lastFailure;
    volatile int attempts;

    Call(long deadlineNanos) {
      this.deadlineNanos = deadlineNanos;
    }
  }

  private static final ThreadLocal<Call> CURRENT = new ThreadLocal<>();
  private static final TimeDuration SLEEP = TimeDuration.valueOf(SLEEP_MS, TimeUnit.MILLISECONDS);

  void bind(Call call) {
    CURRENT.set(call);
  }

  void unbind() {
    CURRENT.remove();
  }

  @Override
  public Action handleAttemptFailure(Event event) {
    Call call = CURRENT.get();
    if (call == null) {
      return NO_RETRY_ACTION;
    }
    call.attempts = event.getAttemptCount();
    if (event.getCause() != null) {
      call.lastFailure = event.getCause();
    }
    if (event.getAttemptCount() >= ATTEMPT_MAX) {
      return NO_RETRY_ACTION;
    }
    if (call.deadlineNanos - System.nanoTime() <= TimeUnit.MILLISECONDS.toNanos(SLEEP_MS)) {
      return NO_RETRY_ACTION;
    }
    return () -> SLEEP;
  }

  @Override
  public String toString() {
    return "DeadlineRetryPolicy(sleep=" + SLEEP_MS + "ms, attemptMax=" + ATTEMPT_MAX + ")";
  }
}
