package io.raftvip.coordinator.health;

import java.util.Objects;
import java.util.Optional;

/**
 * The rise/fall debouncer of one check, pure: no clock, no IO. A verdict changes to HEALTHY after
 * {@code rise} consecutive passes and to UNHEALTHY after {@code fall} consecutive failures; one
 * contrary result resets the streak, so a flapping check keeps its verdict.
 *
 * <p>It starts UNKNOWN: the replicated state counts a check never reported as unhealthy ({@code
 * NodeInfo.healthyFor}), so a node becomes eligible for a VIP that names the check only after
 * {@code rise} passes were reported.
 *
 * @param rise passes in a row that make the verdict HEALTHY, 1..{@value #STREAK_MAX}
 * @param fall failures in a row that make the verdict UNHEALTHY, 1..{@value #STREAK_MAX}
 * @param verdict the current verdict
 * @param passes passes in a row so far (saturates at rise)
 * @param failures failures in a row so far (saturates at fall)
 */
public record RiseFall(int rise, int fall, Verdict verdict, int passes, int failures) {

  /** Upper bound of rise and fall: a check that needs more is misconfigured. */
  public static final int STREAK_MAX = 100;

  public RiseFall {
    checkStreak("rise", rise);
    checkStreak("fall", fall);
    Objects.requireNonNull(verdict, "verdict");
    if (passes < 0 || passes > rise || failures < 0 || failures > fall) {
      throw new IllegalArgumentException(
          "streaks passes="
              + passes
              + " failures="
              + failures
              + " must be within 0..rise="
              + rise
              + " and 0..fall="
              + fall);
    }
    if (passes > 0 && failures > 0) {
      throw new IllegalArgumentException(
          "passes " + passes + " and failures " + failures + " cannot both be streaks");
    }
  }

  /** The start: UNKNOWN, no streak. */
  public static RiseFall start(int rise, int fall) {
    return new RiseFall(rise, fall, Verdict.UNKNOWN, 0, 0);
  }

  /** The machine after one result, and the verdict it changed to, if it changed. */
  public record Step(RiseFall next, Optional<Verdict> changedTo) {
    public Step {
      Objects.requireNonNull(next, "next");
      Objects.requireNonNull(changedTo, "changedTo");
    }
  }

  /** Feeds one check result. */
  public Step observe(boolean passed) {
    int p = passed ? Math.min(passes + 1, rise) : 0;
    int f = passed ? 0 : Math.min(failures + 1, fall);
    Verdict v = verdict;
    if (passed && p >= rise && verdict != Verdict.HEALTHY) {
      v = Verdict.HEALTHY;
    } else if (!passed && f >= fall && verdict != Verdict.UNHEALTHY) {
      v = Verdict.UNHEALTHY;
    }
    RiseFall next = new RiseFall(rise, fall, v, p, f);
    return new Step(next, v == verdict ? Optional.empty() : Optional.of(v));
  }

  static void checkStreak(String what, int value) {
    if (value < 1 || value > STREAK_MAX) {
      throw new IllegalArgumentException(
          what + " " + value + " must be between 1 and " + STREAK_MAX);
    }
  }
}
