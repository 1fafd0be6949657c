package io.raftvip.coordinator.health;

/** A check's debounced state on this node. */
public enum Verdict {
  /** Neither {@code rise} passes nor {@code fall} failures in a row yet (the start). */
  UNKNOWN,
  /** {@code rise} consecutive passes since the last UNHEALTHY or UNKNOWN. */
  HEALTHY,
  /** {@code fall} consecutive failures since the last HEALTHY or UNKNOWN. */
  UNHEALTHY
}
