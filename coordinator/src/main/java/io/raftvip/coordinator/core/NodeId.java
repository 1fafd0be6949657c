package io.raftvip.coordinator.core;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The identity of a cluster member; the same string as its Ratis peer id.
 *
 * @param value 1 to 64 characters: letters, digits, '.', '_' or '-', starting with a letter or
 *     digit
 */
public record NodeId(String value) implements Comparable<NodeId> {

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  public NodeId {
    Objects.requireNonNull(value, "node id");
    if (!VALID.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "node id \""
              + value
              + "\" must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or"
              + " digit");
    }
  }

  /** Shorthand for {@code new NodeId(value)}. */
  public static NodeId of(String value) {
    return new NodeId(value);
  }

  @Override
  public int compareTo(NodeId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
