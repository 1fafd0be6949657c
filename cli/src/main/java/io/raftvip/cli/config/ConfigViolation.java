package io.raftvip.cli.config;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One broken rule in a config value, before it has a place in a file.
 *
 * @param path where, in the config's key syntax relative to the record that found it, e.g. {@code
 *     renew-interval} inside {@code timing}, or {@code vips[1].address} at the top
 * @param message what is wrong and what was expected, naming the bad value; when {@code seeAlso} is
 *     present the message contains {@link #PLACE} once, where that other place is named
 * @param seeAlso another path the message refers to (e.g. the first of two duplicates), so that a
 *     parser can name its line too
 */
public record ConfigViolation(String path, String message, Optional<String> seeAlso) {

  /** Stands for {@code seeAlso} in a message. */
  public static final String PLACE = "{}";

  public ConfigViolation {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(seeAlso, "seeAlso");
    if (seeAlso.isPresent() != message.contains(PLACE)) {
      throw new IllegalArgumentException(
          "message \"" + message + "\" must name seeAlso with " + PLACE + " exactly when given");
    }
  }

  /** A violation without a second place. */
  public static ConfigViolation of(String path, String message) {
    return new ConfigViolation(path, message, Optional.empty());
  }

  /** This violation with {@code prefix} in front of its paths ({@code timing} + {@code lease}). */
  public ConfigViolation under(String prefix) {
    return new ConfigViolation(
        ConfigPaths.join(prefix, path), message, seeAlso.map(s -> ConfigPaths.join(prefix, s)));
  }

  /** The message with {@code seeAlso} named by {@code place}, e.g. with its line in a file. */
  public String message(Function<String, String> place) {
    return seeAlso.map(s -> message.replace(PLACE, place.apply(s))).orElse(message);
  }

  @Override
  public String toString() {
    String text = message(Function.identity());
    return path.isEmpty() ? text : path + ": " + text;
  }
}
