package io.raftvip.cli.config;

import java.util.Comparator;
import java.util.Objects;

/**
 * One error or warning about a config file, with its place in the file.
 *
 * @param severity error (the agent will not start) or warning (it will, but look)
 * @param file the file as the user named it
 * @param line 1-based line, or 0 when the problem is about the whole file
 * @param column 1-based column, or 0 with line 0
 * @param path the config path ({@code timing.lease}); empty for problems of YAML structure (syntax,
 *     unknown or duplicate keys), whose message names the place itself
 * @param message what is wrong and what was expected
 */
public record ConfigProblem(
    Severity severity, String file, int line, int column, String path, String message) {

  /** How bad a problem is. */
  public enum Severity {
    ERROR,
    WARNING
  }

  /** File order: by line, then column; the sort is stable so equal places keep their order. */
  public static final Comparator<ConfigProblem> FILE_ORDER =
      Comparator.comparingInt(ConfigProblem::line).thenComparingInt(ConfigProblem::column);

  public ConfigProblem {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
    if (line < 0 || column < 0 || (line == 0) != (column == 0)) {
      throw new IllegalArgumentException("bad position " + line + ":" + column);
    }
  }

  /** True for {@link Severity#ERROR}. */
  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /**
   * The one-line form, like a compiler's: {@code raftvip.yaml:12:10: timing.lease: expected a
   * duration like "200ms" or "1.5s", got "200"}; warnings say {@code warning:} after the place.
   */
  public String format() {
    StringBuilder sb = new StringBuilder(file);
    if (line > 0) {
      sb.append(':').append(line).append(':').append(column);
    }
    sb.append(": ");
    if (severity == Severity.WARNING) {
      sb.append("warning: ");
    }
    if (!path.isEmpty()) {
      sb.append(path).append(": ");
    }
    return sb.append(message).toString();
  }

  @Override
  public String toString() {
    return format();
  }
}
