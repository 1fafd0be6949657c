package io.raftvip.cli.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations and percentages as the config file writes them. A duration always carries a unit
 * ({@code "200ms"}, {@code "1.5s"}, {@code "5m"}, {@code "1h"}): a bare number is refused, because
 * "200" could mean milliseconds or seconds and a wrong guess is a lease a thousand times off.
 */
public final class Units {

  /** What a duration looks like, for error messages. */
  public static final String DURATION_EXAMPLE = "a duration like \"200ms\" or \"1.5s\"";

  /** What a percentage looks like, for error messages. */
  public static final String PERCENT_EXAMPLE = "a percentage like \"1%\" or \"0.5%\"";

  /** Parts per million in one percent. */
  public static final int PPM_PER_PERCENT = 10_000;

  // At most nine integer digits: 999999999h still fits a long of milliseconds.
  private static final Pattern DURATION =
      Pattern.compile("(-?)(\\d{1,9})(?:\\.(\\d{1,9}))?(ms|s|m|h)");
  private static final Pattern PERCENT = Pattern.compile("(-?)(\\d{1,3})(?:\\.(\\d{1,9}))?%");

  private Units() {}

  /**
   * Parses a duration with a unit: ms, s, m or h, with an optional fraction ("1.5s"). The result
   * must be a whole number of milliseconds.
   *
   * @throws IllegalArgumentException {@code expected a duration like "200ms" or "1.5s", got "200"}
   */
  public static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "expected " + DURATION_EXAMPLE + ", got " + Texts.quote(text));
    }
    long unitMs =
        switch (m.group(4)) {
          case "ms" -> 1;
          case "s" -> 1_000;
          case "m" -> 60_000;
          default -> 3_600_000;
        };
    String number = m.group(2) + (m.group(3) == null ? "" : "." + m.group(3));
    BigDecimal ms = new BigDecimal(number).multiply(BigDecimal.valueOf(unitMs));
    if (ms.stripTrailingZeros().scale() > 0) {
      throw new IllegalArgumentException(
          Texts.quote(text) + " is finer than the 1ms resolution of durations");
    }
    long value = ms.longValueExact();
    return Duration.ofMillis(m.group(1).isEmpty() ? value : -value);
  }

  /** The shortest exact text for a whole number of milliseconds: "200ms", "1.5s", "5s", "2m". */
  public static String formatDuration(Duration duration) {
    long ms = duration.toMillis();
    if (!Duration.ofMillis(ms).equals(duration)) {
      throw new IllegalArgumentException(duration + " is finer than 1ms");
    }
    String sign = ms < 0 ? "-" : "";
    long abs = Math.abs(ms);
    if (abs == 0) {
      return "0s";
    }
    if (abs % 3_600_000 == 0) {
      return sign + abs / 3_600_000 + "h";
    }
    if (abs % 60_000 == 0) {
      return sign + abs / 60_000 + "m";
    }
    if (abs < 1_000) {
      return sign + abs + "ms";
    }
    return sign
        + BigDecimal.valueOf(abs).movePointLeft(3).stripTrailingZeros().toPlainString()
        + "s";
  }

  /**
   * Parses {@code "1%"} or {@code "0.05%"} into parts per million (10000 per percent).
   *
   * @throws IllegalArgumentException {@code expected a percentage like "1%" or "0.5%", got "1"}
   */
  public static int parsePercentPpm(String text) {
    Matcher m = PERCENT.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "expected " + PERCENT_EXAMPLE + ", got " + Texts.quote(text));
    }
    String number = m.group(2) + (m.group(3) == null ? "" : "." + m.group(3));
    BigDecimal ppm = new BigDecimal(number).multiply(BigDecimal.valueOf(PPM_PER_PERCENT));
    if (ppm.stripTrailingZeros().scale() > 0) {
      throw new IllegalArgumentException(
          Texts.quote(text) + " is finer than the 0.0001% resolution of percentages");
    }
    int value = ppm.intValueExact();
    return m.group(1).isEmpty() ? value : -value;
  }

  /** {@code 10000} to {@code "1%"}, {@code 500} to {@code "0.05%"}. */
  public static String formatPercentPpm(int ppm) {
    return BigDecimal.valueOf(ppm).movePointLeft(4).stripTrailingZeros().toPlainString() + "%";
  }
}
