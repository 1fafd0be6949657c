package io.raftvip.coordinator.core.sim;

/**
 * A deliberately broken rule, injected in the simulation's shells, to prove the overlap checker can
 * fail (negative controls). {@link #NONE} is the real protocol.
 */
enum Flaw {
  /** The real protocol. */
  NONE,
  /** The holder takes its deadline from the grant's receive time instead of the send time. */
  OWNER_DEADLINE_FROM_RECEIVE,
  /** The leader expires a node leaseDuration/2 after its last grant instead of expiryWait. */
  SHORT_EXPIRY_WAIT,
  /** The leader grants without holding a leader lease. */
  NO_LEADER_LEASE,
  /** Followers acknowledge lease pings whenever they follow (the brief's rule, no quarantine). */
  NAIVE_WITNESS
}
