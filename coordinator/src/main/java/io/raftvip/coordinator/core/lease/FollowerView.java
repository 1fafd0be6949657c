package io.raftvip.coordinator.core.lease;

import io.raftvip.coordinator.core.NodeId;
import java.util.Objects;
import java.util.Optional;

/**
 * What the follower's Ratis server says at one instant: whom it follows in which term, and when it
 * last heard from that leader, on the follower's clock. The glue reads it from the division's role
 * info ({@code lastRpcElapsedTimeMs}, the same timestamp Ratis' pre-vote check uses), rounding the
 * elapsed time up.
 *
 * @param leader the leader it follows, empty when it follows nobody (candidate, leader, starting)
 * @param term its current term
 * @param lastHeardMs when it last heard from {@code leader}
 */
public record FollowerView(Optional<NodeId> leader, long term, long lastHeardMs) {
  public FollowerView {
    Objects.requireNonNull(leader, "leader");
  }

  /** A follower of nobody. */
  public static FollowerView none(long term) {
    return new FollowerView(Optional.empty(), term, Long.MIN_VALUE);
  }
}
