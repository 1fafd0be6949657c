package io.raftvip.cli.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The timing of leases, Raft and moves. Every value is bounded and the relations between them are
 * checked here; docs/config.md explains each rule. The coordinator's timing settings enforce the
 * same rules; this record stays independent of them until the agent wires the two together.
 *
 * @param lease how long a node lease granted by the leader lasts; also the deadline a VIP owner's
 *     kernel fence is armed to
 * @param renewInterval how often a node renews its lease; less than half the lease, so one lost
 *     renewal does not cost the lease
 * @param leaderLeasePing how often the leader confirms majority contact for its own lease; at most
 *     half of {@code raftRpcTimeoutMin}, the window in which followers refuse other candidates
 * @param raftRpcTimeoutMin Ratis {@code raft.server.rpc.timeout.min}: lower bound of the election
 *     timeout (heartbeats go every half of it)
 * @param raftRpcTimeoutMax Ratis {@code raft.server.rpc.timeout.max}: upper bound of the election
 *     timeout; at least {@code raftRpcTimeoutMin}
 * @param clockDriftBoundPpm the largest clock-rate difference between two nodes the lease
 *     arithmetic allows for, in parts per million (1% = 10000)
 * @param fencePrecision how late a kernel fence may close after its deadline (nftables timeout
 *     granularity and scheduling)
 * @param expiryMargin extra wait the leader adds before it declares a lease expired
 * @param moveHoldDown how long a preempting VIP waits after a higher-priority node becomes eligible
 *     before it moves back, so a flapping node does not drag it along
 */
public record TimingConfig(
    Duration lease,
    Duration renewInterval,
    Duration leaderLeasePing,
    Duration raftRpcTimeoutMin,
    Duration raftRpcTimeoutMax,
    int clockDriftBoundPpm,
    Duration fencePrecision,
    Duration expiryMargin,
    Duration moveHoldDown) {

  static final Duration LEASE_MIN = Duration.ofMillis(50);
  static final Duration LEASE_MAX = Duration.ofMinutes(1);
  static final Duration INTERVAL_MIN = Duration.ofMillis(5);
  static final Duration INTERVAL_MAX = Duration.ofSeconds(30);
  // The Ratis reference run at 50/100 ms showed spurious elections; lower is not supported.
  static final Duration RAFT_RPC_TIMEOUT_MIN = Duration.ofMillis(50);
  static final Duration RAFT_RPC_TIMEOUT_MAX = Duration.ofMinutes(1);
  static final int CLOCK_DRIFT_BOUND_PPM_MIN = 10;
  static final int CLOCK_DRIFT_BOUND_PPM_MAX = 10 * Units.PPM_PER_PERCENT;
  static final Duration MARGIN_MAX = Duration.ofSeconds(10);
  static final Duration MOVE_HOLD_DOWN_MAX = Duration.ofHours(1);

  /**
   * Every setting at its default, the same as the coordinator's TimingSettings.defaults(): 200 ms
   * leases renewed every 50 ms, leader-lease pings every 25 ms, Ratis 150/300 ms.
   */
  public static final TimingConfig DEFAULTS =
      new TimingConfig(
          Duration.ofMillis(200),
          Duration.ofMillis(50),
          Duration.ofMillis(25),
          Duration.ofMillis(150),
          Duration.ofMillis(300),
          Units.PPM_PER_PERCENT,
          Duration.ofMillis(20),
          Duration.ofMillis(10),
          Duration.ofSeconds(3));

  public TimingConfig {
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(renewInterval, "renewInterval");
    Objects.requireNonNull(leaderLeasePing, "leaderLeasePing");
    Objects.requireNonNull(raftRpcTimeoutMin, "raftRpcTimeoutMin");
    Objects.requireNonNull(raftRpcTimeoutMax, "raftRpcTimeoutMax");
    Objects.requireNonNull(fencePrecision, "fencePrecision");
    Objects.requireNonNull(expiryMargin, "expiryMargin");
    Objects.requireNonNull(moveHoldDown, "moveHoldDown");
    Violations v = new Violations();
    v.range("lease", lease, LEASE_MIN, LEASE_MAX);
    v.range("renew-interval", renewInterval, INTERVAL_MIN, INTERVAL_MAX);
    v.range("leader-lease-ping", leaderLeasePing, INTERVAL_MIN, INTERVAL_MAX);
    v.range("raft-rpc-timeout-min", raftRpcTimeoutMin, RAFT_RPC_TIMEOUT_MIN, RAFT_RPC_TIMEOUT_MAX);
    v.range("raft-rpc-timeout-max", raftRpcTimeoutMax, RAFT_RPC_TIMEOUT_MIN, RAFT_RPC_TIMEOUT_MAX);
    if (clockDriftBoundPpm < CLOCK_DRIFT_BOUND_PPM_MIN
        || clockDriftBoundPpm > CLOCK_DRIFT_BOUND_PPM_MAX) {
      v.add(
          "clock-drift-bound",
          "must be between "
              + Units.formatPercentPpm(CLOCK_DRIFT_BOUND_PPM_MIN)
              + " and "
              + Units.formatPercentPpm(CLOCK_DRIFT_BOUND_PPM_MAX)
              + ", got "
              + Units.formatPercentPpm(clockDriftBoundPpm));
    }
    v.range("fence-precision", fencePrecision, Duration.ZERO, MARGIN_MAX);
    v.range("expiry-margin", expiryMargin, Duration.ZERO, MARGIN_MAX);
    v.range("move-hold-down", moveHoldDown, Duration.ZERO, MOVE_HOLD_DOWN_MAX);
    if (v.isEmpty()) {
      // Fields are assigned only after a compact constructor's body, hence the arguments.
      checkRelations(
          v,
          lease,
          renewInterval,
          leaderLeasePing,
          raftRpcTimeoutMin,
          raftRpcTimeoutMax,
          fencePrecision,
          expiryMargin);
    }
    v.throwIfAny();
  }

  private static void checkRelations(
      Violations v,
      Duration lease,
      Duration renewInterval,
      Duration leaderLeasePing,
      Duration raftRpcTimeoutMin,
      Duration raftRpcTimeoutMax,
      Duration fencePrecision,
      Duration expiryMargin) {
    if (renewInterval.multipliedBy(2).compareTo(lease) >= 0) {
      v.add(
          "renew-interval",
          "must be less than half of lease ("
              + Units.formatDuration(lease)
              + ") so that one lost renewal does not cost the lease, got "
              + Units.formatDuration(renewInterval));
    }
    if (raftRpcTimeoutMax.compareTo(raftRpcTimeoutMin) < 0) {
      v.add(
          "raft-rpc-timeout-max",
          "must be at least raft-rpc-timeout-min ("
              + Units.formatDuration(raftRpcTimeoutMin)
              + "), got "
              + Units.formatDuration(raftRpcTimeoutMax));
    }
    if (leaderLeasePing.multipliedBy(2).compareTo(raftRpcTimeoutMin) > 0) {
      v.add(
          "leader-lease-ping",
          "must be at most half of raft-rpc-timeout-min ("
              + Units.formatDuration(raftRpcTimeoutMin)
              + ") so that the leader's lease survives one lost ping, got "
              + Units.formatDuration(leaderLeasePing));
    }
    // The owner's fence closes fence-precision + expiry-margin before the lease ends at the
    // latest; a renewal must land before that, or every VIP flaps off between renewals.
    Duration usable = lease.minus(fencePrecision).minus(expiryMargin);
    if (usable.compareTo(renewInterval) <= 0) {
      v.add(
          "lease",
          "must be longer than renew-interval + fence-precision + expiry-margin ("
              + Units.formatDuration(renewInterval.plus(fencePrecision).plus(expiryMargin))
              + "), got "
              + Units.formatDuration(lease));
    }
  }

  /** The clock-drift bound as a fraction: 10000 ppm = 0.01. */
  public double clockDriftBoundFraction() {
    return clockDriftBoundPpm / 1_000_000.0;
  }
}
