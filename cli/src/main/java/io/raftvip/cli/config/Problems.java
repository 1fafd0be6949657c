package io.raftvip.cli.config;

/** Turns violations into problems with file positions. */
final class Problems {

  private Problems() {}

  /** {@code v} placed at its path's position, naming its {@code seeAlso} with that one's line. */
  static ConfigProblem at(
      ConfigProblem.Severity severity, String file, Positions positions, ConfigViolation v) {
    Positions.Position at = positions.of(v.path());
    String message = v.message(other -> other + " (line " + positions.of(other).line() + ")");
    return new ConfigProblem(severity, file, at.line(), at.column(), v.path(), message);
  }
}
