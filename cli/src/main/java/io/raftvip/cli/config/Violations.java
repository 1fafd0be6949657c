package io.raftvip.cli.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Collects broken rules while a record checks itself; throws them all at once. */
final class Violations {

  private final List<ConfigViolation> list = new ArrayList<>();

  Violations add(String path, String message) {
    list.add(ConfigViolation.of(path, message));
    return this;
  }

  Violations add(String path, String message, String seeAlso) {
    list.add(new ConfigViolation(path, message, Optional.of(seeAlso)));
    return this;
  }

  Violations add(ConfigViolation violation) {
    list.add(violation);
    return this;
  }

  /** Adds {@code path: must be between min and max, got value}. */
  Violations range(String path, long value, long min, long max) {
    if (value < min || value > max) {
      add(path, "must be between " + min + " and " + max + ", got " + value);
    }
    return this;
  }

  /** Adds {@code path: must be between 50ms and 1m, got 10ms}. */
  Violations range(String path, Duration value, Duration min, Duration max) {
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      add(
          path,
          "must be between "
              + Units.formatDuration(min)
              + " and "
              + Units.formatDuration(max)
              + ", got "
              + Units.formatDuration(value));
    }
    return this;
  }

  /** Adds {@code path: must be an absolute path, got "x"} unless it is one. */
  Violations absolutePath(String path, Path value) {
    if (!value.isAbsolute()) {
      add(path, "must be an absolute path, got " + Texts.quote(value.toString()));
    }
    return this;
  }

  boolean isEmpty() {
    return list.isEmpty();
  }

  List<ConfigViolation> list() {
    return List.copyOf(list);
  }

  void throwIfAny() {
    if (!list.isEmpty()) {
      throw new InvalidConfigException(list);
    }
  }
}
