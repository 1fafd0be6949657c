package io.raftvip.coordinator.core;

import java.util.Objects;

/**
 * A VIP in the replicated state: its declared spec and its current assignment.
 *
 * @param spec what the administrator declared
 * @param assignment who holds it now
 */
public record Vip(VipSpec spec, Assignment assignment) {
  public Vip {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(assignment, "assignment");
  }

  /** The VIP's name. */
  public VipName name() {
    return spec.name();
  }

  Vip withAssignment(Assignment next) {
    return new Vip(spec, next);
  }

  Vip withSpec(VipSpec next) {
    return new Vip(next, assignment);
  }
}
