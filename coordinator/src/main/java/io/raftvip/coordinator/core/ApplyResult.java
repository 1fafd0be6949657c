package io.raftvip.coordinator.core;

import java.util.Objects;

/**
 * The state after a command and what the command did.
 *
 * @param next the new state; the same instance as the input when nothing changed
 * @param outcome accepted with its changes, or rejected with the reason
 */
public record ApplyResult(ClusterState next, Outcome outcome) {
  public ApplyResult {
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(outcome, "outcome");
  }

  /** True when the command was accepted. */
  public boolean accepted() {
    return outcome instanceof Outcome.Accepted;
  }
}
