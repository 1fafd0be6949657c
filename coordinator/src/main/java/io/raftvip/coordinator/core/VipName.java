package io.raftvip.coordinator.core;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The name of a VIP, a DNS label: 1 to 63 characters of [a-z0-9-], not starting or ending with '-'.
 */
public record VipName(String value) implements Comparable<VipName> {

  /** The label syntax shared by VIP names and health-check names. */
  static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  public VipName {
    Objects.requireNonNull(value, "VIP name");
    if (!LABEL.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "VIP name \""
              + value
              + "\" must be 1 to 63 characters of [a-z0-9-], not starting or ending with '-'");
    }
  }

  /** Shorthand for {@code new VipName(value)}. */
  public static VipName of(String value) {
    return new VipName(value);
  }

  @Override
  public int compareTo(VipName other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
