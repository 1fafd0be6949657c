package io.raftvip.cli.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Small text helpers for error messages: quoting user values and suggesting near misses. */
final class Texts {

  /** User values longer than this are cut in messages, so one bad line cannot flood a terminal. */
  private static final int QUOTED_LENGTH_MAX = 80;

  private Texts() {}

  /** {@code value} in double quotes, with control characters escaped and long values cut. */
  static String quote(String value) {
    StringBuilder sb = new StringBuilder("\"");
    int shown = Math.min(value.length(), QUOTED_LENGTH_MAX);
    for (int i = 0; i < shown; i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    if (shown < value.length()) {
      sb.append("...");
    }
    return sb.append('"').toString();
  }

  /** "a, b, c". */
  static String list(Collection<String> items) {
    return String.join(", ", items);
  }

  /** "1 peer", "3 peers". */
  static String count(int n, String singular, String plural) {
    return n + " " + (n == 1 ? singular : plural);
  }

  /**
   * The candidate closest to {@code typed}, if close enough to be a likely typo: same letters
   * ignoring case, '-' and '_' ({@code renewInterval} for {@code renew-interval}), or an edit
   * distance of at most a third of the length (at least 1, at most 3).
   */
  static Optional<String> suggest(String typed, Collection<String> candidates) {
    String normalized = normalize(typed);
    for (String c : candidates) {
      if (normalize(c).equals(normalized)) {
        return Optional.of(c);
      }
    }
    int limit = Math.max(1, Math.min(3, typed.length() / 3));
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = editDistance(typed.toLowerCase(Locale.ROOT), c);
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    return bestDistance <= limit ? Optional.of(best) : Optional.empty();
  }

  private static String normalize(String s) {
    return s.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
  }

  /** Damerau-Levenshtein (optimal string alignment): a swap of two letters costs 1. */
  static int editDistance(String a, String b) {
    // Keys are short (config keys, names); cap the work anyway.
    if (a.length() > 256 || b.length() > 256) {
      return Integer.MAX_VALUE;
    }
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
