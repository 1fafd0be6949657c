package io.raftvip.cli.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where each config path was written in the file. A scalar's path maps to its value, a section's or
 * list's path to its key; a path the file does not contain (a default) resolves to its nearest
 * written parent, and finally to the top of the file.
 */
public final class Positions {

  /** A 1-based line and column. */
  public record Position(int line, int column) {
    public Position {
      if (line < 1 || column < 1) {
        throw new IllegalArgumentException("bad position " + line + ":" + column);
      }
    }
  }

  /** The start of the file. */
  public static final Position TOP = new Position(1, 1);

  private final Map<String, Position> byPath;

  private Positions(Map<String, Position> byPath) {
    this.byPath = Map.copyOf(byPath);
  }

  /** No positions: every path resolves to the top. */
  public static Positions none() {
    return new Positions(Map.of());
  }

  /** Where {@code path} was written, exactly; empty when it was not. */
  public Optional<Position> exact(String path) {
    return Optional.ofNullable(byPath.get(path));
  }

  /** Where {@code path} or its nearest written parent is; {@link #TOP} when none was written. */
  public Position of(String path) {
    String p = Objects.requireNonNull(path, "path");
    while (!p.isEmpty()) {
      Position at = byPath.get(p);
      if (at != null) {
        return at;
      }
      p = ConfigPaths.parent(p);
    }
    return byPath.getOrDefault("", TOP);
  }

  /** Collects positions while a file is read; not thread-safe. */
  static final class Builder {
    private final Map<String, Position> byPath = new HashMap<>();

    /** Records {@code path} at a 0-based line and column (SnakeYAML's marks). */
    void put(String path, int line0, int column0) {
      byPath.putIfAbsent(path, new Position(line0 + 1, column0 + 1));
    }

    Positions build() {
      return new Positions(byPath);
    }
  }
}
