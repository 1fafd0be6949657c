package io.raftvip.coordinator.core;

/** Whether a node may hold VIPs. */
public enum NodeStatus {
  /** Joined, and its node lease has not been declared lapsed. */
  ACTIVE,
  /**
   * Its node lease lapsed and the leader committed ExpireNode: it holds nothing and must join again
   * (a new incarnation) before it may hold anything.
   */
  EXPIRED
}
