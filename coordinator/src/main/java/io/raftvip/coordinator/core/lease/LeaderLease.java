package io.raftvip.coordinator.core.lease;

import io.raftvip.coordinator.core.NodeId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The leader's proof that no other leader can exist yet, built from followers' acknowledgements of
 * its lease pings. Valid for one term of one leader: start a new one on every leadership change.
 *
 * <p>Each acknowledgement gives a bound ({@link LeaseMath#leaderLeaseBoundMs}); the leader counts
 * as one vote of +∞ while it is leader, so the lease ends at the (majority − 1)-th largest follower
 * bound. Bounds only grow: a late acknowledgement of an older ping never shortens the lease.
 * Immutable; leader clock milliseconds throughout.
 */
public final class LeaderLease {

  /**
   * Most voters (leader included) the lease argument holds for. With five or more, a follower can
   * acknowledge this leader's ping and then, in the election phase (which skips Ratis' leader
   * check), vote for a candidate whose pre-vote majority it was not part of; docs/safety.md ("Group
   * size") has the counterexample.
   */
  public static final int VOTERS_MAX = 4;

  private final SortedSet<NodeId> followers;
  private final SortedMap<NodeId, Long> boundMs;

  private LeaderLease(SortedSet<NodeId> followers, SortedMap<NodeId, Long> boundMs) {
    this.followers = followers;
    this.boundMs = boundMs;
  }

  /**
   * A lease with no acknowledgements, for a leader whose other voters are {@code followers}.
   *
   * @throws IllegalArgumentException for more than {@link #VOTERS_MAX} voters
   */
  public static LeaderLease start(Set<NodeId> followers) {
    if (followers.size() + 1 > VOTERS_MAX) {
      throw new IllegalArgumentException(
          "leader leases are proven for at most "
              + VOTERS_MAX
              + " voters, got "
              + (followers.size() + 1)
              + ": with 5 or more a follower may acknowledge this leader"
              + " and then elect another in the election phase (docs/safety.md, Group size)");
    }
    return new LeaderLease(
        Collections.unmodifiableSortedSet(new TreeSet<>(followers)),
        Collections.unmodifiableSortedMap(new TreeMap<>()));
  }

  /**
   * This lease after {@code follower} acknowledged the ping sent at {@code pingSentMs}, saying it
   * last heard this leader {@code elapsedSinceHeardMs} ago (rounded up). Acknowledgements from
   * non-voters are ignored.
   */
  public LeaderLease acknowledged(
      NodeId follower, long pingSentMs, long elapsedSinceHeardMs, TimingSettings t) {
    Objects.requireNonNull(follower, "follower");
    if (!followers.contains(follower)) {
      return this;
    }
    long bound = LeaseMath.leaderLeaseBoundMs(pingSentMs, elapsedSinceHeardMs, t);
    Long old = boundMs.get(follower);
    if (old != null && old >= bound) {
      return this;
    }
    TreeMap<NodeId, Long> next = new TreeMap<>(boundMs);
    next.put(follower, bound);
    return new LeaderLease(followers, Collections.unmodifiableSortedMap(next));
  }

  /**
   * The leader-clock instant the lease ends: grants are allowed strictly before it. {@link
   * Long#MAX_VALUE} for a single-voter group; {@link Long#MIN_VALUE} until enough followers have
   * acknowledged.
   */
  public long endMs() {
    int needed = LeaseMath.majority(followers.size() + 1) - 1;
    if (needed == 0) {
      return Long.MAX_VALUE;
    }
    if (boundMs.size() < needed) {
      return Long.MIN_VALUE;
    }
    List<Long> sorted = new ArrayList<>(boundMs.values());
    sorted.sort(Collections.reverseOrder());
    return sorted.get(needed - 1);
  }

  /** True when a grant at {@code nowMs} is covered. */
  public boolean covers(long nowMs) {
    return nowMs < endMs();
  }

  /** The voters other than the leader. */
  public SortedSet<NodeId> followers() {
    return followers;
  }
}
