package io.raftvip.cli.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A config record was built from values that break its rules. Thrown by the records' constructors;
 * the parser catches it and turns each violation into a problem with a file position.
 */
public final class InvalidConfigException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final transient List<ConfigViolation> violations;

  /** {@code violations} must not be empty. */
  public InvalidConfigException(List<ConfigViolation> violations) {
    super(violations.stream().map(ConfigViolation::toString).collect(Collectors.joining("; ")));
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("an InvalidConfigException needs a violation");
    }
    this.violations = List.copyOf(violations);
  }

  /** Every broken rule, in the order the record checked them. */
  public List<ConfigViolation> violations() {
    return violations;
  }
}
