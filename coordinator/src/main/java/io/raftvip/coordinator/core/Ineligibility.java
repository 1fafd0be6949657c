package io.raftvip.coordinator.core;

/** Why a node may not hold a particular VIP. */
public enum Ineligibility {
  /** The node is not a member. */
  UNKNOWN_NODE("is not a member"),
  /** The node's lease lapsed; it must join again. */
  EXPIRED("is expired"),
  /** The node is drained. */
  DRAINED("is drained"),
  /** A health check the VIP requires is not reported healthy. */
  UNHEALTHY("is not healthy for the VIP's checks"),
  /** The VIP's priority map does not list the node. */
  NOT_IN_PRIORITY_MAP("is not in the VIP's priority map");

  private final String phrase;

  Ineligibility(String phrase) {
    this.phrase = phrase;
  }

  /** E.g. "is drained", to follow a node id in a message. */
  public String phrase() {
    return phrase;
  }
}
