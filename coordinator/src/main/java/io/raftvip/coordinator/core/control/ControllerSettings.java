package io.raftvip.coordinator.core.control;

/**
 * How the leader's controller decides, beyond the timing.
 *
 * @param preferNonLeader place VIPs away from the leader when a node of equal priority is
 *     available, so that a holder's crash never also costs an election
 * @param maxCommandsPerTick most commands one plan may propose (a burst bound; the rest wait for
 *     the next tick)
 * @param proposalRetryMs how long to wait for a proposal to take effect before proposing again
 */
public record ControllerSettings(
    boolean preferNonLeader, int maxCommandsPerTick, long proposalRetryMs) {

  public ControllerSettings {
    if (maxCommandsPerTick < 1 || maxCommandsPerTick > 10_000) {
      throw new IllegalArgumentException(
          "maxCommandsPerTick (" + maxCommandsPerTick + ") must be between 1 and 10000");
    }
    if (proposalRetryMs < 1 || proposalRetryMs > 600_000) {
      throw new IllegalArgumentException(
          "proposalRetryMs (" + proposalRetryMs + ") must be between 1 and 600000");
    }
  }

  /** Prefer non-leaders, 64 commands per tick, retry after 500 ms. */
  public static ControllerSettings defaults() {
    return new ControllerSettings(true, 64, 500);
  }
}
