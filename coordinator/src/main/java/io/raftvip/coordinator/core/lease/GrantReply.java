package io.raftvip.coordinator.core.lease;

import io.raftvip.coordinator.core.VipName;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/** The leader's answer to a {@link RenewRequest}. */
public sealed interface GrantReply {

  /** The request's send time, echoed. */
  long requestSentAtMs();

  /**
   * The lease is renewed from the request's send time.
   *
   * @param requestSentAtMs echoed from the request
   * @param asOfIndex the {@code lastChangeIndex} of the leader's state the list was read from
   * @param held every VIP the node holds in that state (OWNED or RELEASING), by name
   */
  record Grant(long requestSentAtMs, long asOfIndex, SortedMap<VipName, OwnedVip> held)
      implements GrantReply {
    public Grant {
      held = Collections.unmodifiableSortedMap(new TreeMap<>(held));
    }

    /** Shorthand for tests. */
    public static Grant of(long requestSentAtMs, long asOfIndex, Map<VipName, OwnedVip> held) {
      return new Grant(requestSentAtMs, asOfIndex, new TreeMap<>(held));
    }
  }

  /**
   * The lease is not renewed.
   *
   * @param requestSentAtMs echoed from the request
   * @param reason why
   */
  record Refusal(long requestSentAtMs, Reason reason) implements GrantReply {
    public Refusal {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Why a renewal was refused. */
  enum Reason {
    /** The leader cannot prove it is still the only leader. */
    LEADER_LEASE_LAPSED,
    /** The node is not a member: it must join. */
    UNKNOWN_NODE,
    /** The node is EXPIRED: it must join again. */
    NODE_EXPIRED,
    /** The leader has decided to expire the node; it must join again once that commits. */
    NODE_EXPIRING,
    /** The node asked for a longer lease than the leader's setting: a configuration mismatch. */
    LEASE_TOO_LONG
  }
}
