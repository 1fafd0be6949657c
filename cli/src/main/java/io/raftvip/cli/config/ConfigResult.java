package io.raftvip.cli.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What reading a config file gave: the config when it is valid, and every problem found, in file
 * order.
 *
 * @param file the file as the user named it
 * @param config the config; present when the file had no errors (a later {@link #checkHost} may
 *     still add some)
 * @param problems errors and warnings sorted by line and column
 * @param positions where each path was written, for problems found later
 */
public record ConfigResult(
    String file, Optional<AgentConfig> config, List<ConfigProblem> problems, Positions positions) {

  public ConfigResult {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(positions, "positions");
    List<ConfigProblem> sorted = new ArrayList<>(problems);
    sorted.sort(ConfigProblem.FILE_ORDER);
    problems = List.copyOf(sorted);
    if (config.isEmpty() && problems.stream().noneMatch(ConfigProblem::isError)) {
      throw new IllegalArgumentException("a result without a config must carry an error");
    }
  }

  /** A result with one error about the file as a whole (cannot read it, not UTF-8, too big). */
  public static ConfigResult fileError(String file, String message) {
    return new ConfigResult(
        file,
        Optional.empty(),
        List.of(new ConfigProblem(ConfigProblem.Severity.ERROR, file, 0, 0, "", message)),
        Positions.none());
  }

  /** True when there is a config and no error. */
  public boolean ok() {
    return config.isPresent() && errors().isEmpty();
  }

  /** The errors, in file order. */
  public List<ConfigProblem> errors() {
    return problems.stream().filter(ConfigProblem::isError).toList();
  }

  /** The warnings, in file order. */
  public List<ConfigProblem> warnings() {
    return problems.stream().filter(p -> !p.isError()).toList();
  }

  /**
   * This result plus what does not fit {@code host}: interfaces that do not exist, listen addresses
   * it does not have, files it cannot read or run. A result without a config is returned as it is.
   */
  public ConfigResult checkHost(Host host) {
    if (config.isEmpty()) {
      return this;
    }
    List<ConfigProblem> all = new ArrayList<>(problems);
    for (ConfigViolation v : HostCheck.check(config.get(), host)) {
      all.add(Problems.at(ConfigProblem.Severity.ERROR, file, positions, v));
    }
    return new ConfigResult(file, config, all, positions);
  }
}
