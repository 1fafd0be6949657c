package io.raftvip.cli.config;

import java.util.Optional;
import java.util.regex.Pattern;

/** The syntax of identifiers in the config: node ids, VIP and health-check names, interfaces. */
final class Names {

  /** Node ids: also Ratis peer ids and part of file names, so kept to a safe alphabet. */
  static final Pattern NODE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  /** VIP and health-check names: DNS labels, as the coordinator requires. */
  static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  /** Linux IFNAMSIZ is 16 including the terminating NUL. */
  static final int INTERFACE_NAME_LENGTH_MAX = 15;

  private Names() {}

  /** Why {@code id} is not a node id, or empty. */
  static Optional<String> nodeIdProblem(String id) {
    if (NODE_ID.matcher(id).matches()) {
      return Optional.empty();
    }
    return Optional.of(
        Texts.quote(id)
            + " is not a valid node id: use 1 to 63 lower-case letters, digits or '-', starting"
            + " with a letter or digit");
  }

  /** Why {@code name} is not a VIP or health-check name ({@code what}), or empty. */
  static Optional<String> labelProblem(String what, String name) {
    if (LABEL.matcher(name).matches()) {
      return Optional.empty();
    }
    return Optional.of(
        Texts.quote(name)
            + " is not a valid "
            + what
            + ": use 1 to 63 lower-case letters, digits or '-', not starting or ending with '-'");
  }

  /** Why {@code name} cannot be a Linux interface name, or empty. */
  static Optional<String> interfaceNameProblem(String name) {
    if (!name.isEmpty()
        && name.length() <= INTERFACE_NAME_LENGTH_MAX
        && !name.equals(".")
        && !name.equals("..")
        && name.chars().allMatch(c -> c > ' ' && c < 127 && c != '/' && c != ':')) {
      return Optional.empty();
    }
    return Optional.of(
        Texts.quote(name)
            + " is not a valid interface name: use 1 to 15 printable characters without '/',"
            + " ':' or spaces");
  }
}
