package io.raftvip.coordinator.core;

import java.util.Objects;
import java.util.Optional;

/**
 * One VIP's assignment change made by an applied command: for the command's reply and for events.
 *
 * @param vip the VIP
 * @param from holder before
 * @param to holder after (for RELEASING: still the old holder)
 * @param epoch epoch after
 * @param state state after ({@code null} never; a deleted VIP reports UNOWNED)
 * @param cause why
 */
public record AssignmentChange(
    VipName vip,
    Optional<NodeId> from,
    Optional<NodeId> to,
    long epoch,
    Assignment.State state,
    Cause cause) {

  /** Why an assignment changed. */
  public enum Cause {
    CREATED,
    ASSIGNED,
    RELEASE_REQUESTED,
    RELEASED,
    OWNER_EXPIRED,
    DELETED
  }

  public AssignmentChange {
    Objects.requireNonNull(vip, "vip");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(cause, "cause");
  }
}
