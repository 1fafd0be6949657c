package io.raftvip.cli.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Programs run on ownership events of this node, without a shell. They run after the event, never
 * in the failover path, and are killed at the timeout.
 *
 * @param onOwner run after this node took a VIP (fence armed, address added, announced)
 * @param onRelease run after this node gave a VIP up (address removed)
 * @param timeout how long one run may take before it is killed
 */
public record NotifyConfig(Optional<Path> onOwner, Optional<Path> onRelease, Duration timeout) {

  static final Duration TIMEOUT_MIN = Duration.ofMillis(100);
  static final Duration TIMEOUT_MAX = Duration.ofMinutes(5);

  /** No programs; 10 s timeout. */
  public static final NotifyConfig NONE =
      new NotifyConfig(Optional.empty(), Optional.empty(), Duration.ofSeconds(10));

  public NotifyConfig {
    Objects.requireNonNull(onOwner, "onOwner");
    Objects.requireNonNull(onRelease, "onRelease");
    Objects.requireNonNull(timeout, "timeout");
    Violations v = new Violations();
    onOwner.ifPresent(p -> v.absolutePath("on-owner", p));
    onRelease.ifPresent(p -> v.absolutePath("on-release", p));
    v.range("timeout", timeout, TIMEOUT_MIN, TIMEOUT_MAX);
    v.throwIfAny();
  }
}
