package io.raftvip.coordinator.core;

import java.util.List;
import java.util.Objects;

/** What applying a command did. */
public sealed interface Outcome {

  /**
   * The command was applied.
   *
   * @param changed false when it was a no-op (e.g. a health report equal to the state)
   * @param assignments the assignment changes it made, by VIP name
   */
  record Accepted(boolean changed, List<AssignmentChange> assignments) implements Outcome {
    public Accepted {
      assignments = List.copyOf(assignments);
    }
  }

  /** The command was refused and changed nothing. */
  record Rejected(Rejection reason) implements Outcome {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
