package io.raftvip.coordinator.health;

import java.util.Objects;

/**
 * One run of a check: passed or not, and a short reason for logs and events.
 *
 * @param passed true when the check passed
 * @param reason what was seen, cut to {@value #REASON_LENGTH_MAX} characters, control characters
 *     replaced (it may quote a script's output)
 */
public record CheckResult(boolean passed, String reason) {

  /** Long enough for "exit 2: first line of output", short enough for one log line. */
  public static final int REASON_LENGTH_MAX = 200;

  public CheckResult {
    Objects.requireNonNull(reason, "reason");
    reason = clean(reason);
  }

  public static CheckResult pass(String reason) {
    return new CheckResult(true, reason);
  }

  public static CheckResult fail(String reason) {
    return new CheckResult(false, reason);
  }

  private static String clean(String s) {
    String cut = s.length() > REASON_LENGTH_MAX ? s.substring(0, REASON_LENGTH_MAX) : s;
    StringBuilder b = new StringBuilder(cut.length());
    for (int i = 0; i < cut.length(); i++) {
      char c = cut.charAt(i);
      b.append(c < ' ' || c == 127 ? ' ' : c);
    }
    return b.toString().strip();
  }
}
