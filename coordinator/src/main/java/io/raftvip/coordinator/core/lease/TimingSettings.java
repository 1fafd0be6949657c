package io.raftvip.coordinator.core.lease;

/**
 * Every number the lease protocol depends on, validated together: a {@code TimingSettings} that
 * exists is safe to run with. The derivations and the reason for each rule are in docs/safety.md;
 * {@link LeaseMath} computes the derived values.
 *
 * <p>All nodes must run with the same values, and {@link #rpcTimeoutMinMs}/{@link #rpcTimeoutMaxMs}
 * must be exactly what Ratis is configured with ({@code raft.server.rpc.timeout.min/max}); the glue
 * derives the Ratis keys from here.
 *
 * @param leaseDurationMs a node's lease, counted on its own clock from the moment it sent the
 *     renewal that was granted
 * @param renewIntervalMs how often each node asks the leader to renew; less than half the lease, so
 *     one lost renewal never lapses a lease
 * @param leaderLeasePingMs how often the leader asks followers for proof that they still follow it
 * @param rpcTimeoutMinMs Ratis {@code raft.server.rpc.timeout.min}: how long a follower refuses
 *     pre-votes after hearing from its leader
 * @param rpcTimeoutMaxMs Ratis {@code raft.server.rpc.timeout.max}: the longest a candidate waits
 *     in one election phase
 * @param driftBound the most any monotonic clock's rate differs from real time, as a fraction (0.01
 *     = 1 %)
 * @param fencePrecisionMs how late, at most, the kernel closes a fence after its deadline (timer
 *     granularity: one jiffy, 4 ms at HZ=250, plus slack)
 * @param expiryMarginMs added to the leader's wait before it declares a node's lease lapsed
 * @param leaderLeaseMarginMs subtracted from every leader-lease bound and added to the follower's
 *     vote quarantine
 * @param moveHoldDownMs after a VIP changes holder, how long before a preemptive move
 * @param releaseRetryMs how often a holder re-submits Release while the VIP still shows RELEASING
 */
public record TimingSettings(
    long leaseDurationMs,
    long renewIntervalMs,
    long leaderLeasePingMs,
    long rpcTimeoutMinMs,
    long rpcTimeoutMaxMs,
    double driftBound,
    long fencePrecisionMs,
    long expiryMarginMs,
    long leaderLeaseMarginMs,
    long moveHoldDownMs,
    long releaseRetryMs) {

  /** Largest accepted lease; longer leases mean slower takeovers and are a configuration error. */
  public static final long LEASE_DURATION_MAX_MS = 60_000;

  /** Largest accepted clock drift bound (10 %); real crystals drift well under 0.01 %. */
  public static final double DRIFT_BOUND_MAX = 0.1;

  /** Largest accepted margin or precision. */
  private static final long MARGIN_MAX_MS = 10_000;

  public TimingSettings {
    inRange("leaseDurationMs", leaseDurationMs, 10, LEASE_DURATION_MAX_MS);
    if (renewIntervalMs < 1) {
      throw new IllegalArgumentException(
          "renewIntervalMs (" + renewIntervalMs + ") must be at least 1");
    }
    if (2 * renewIntervalMs >= leaseDurationMs) {
      // One lost renewal must never lapse a lease.
      String half =
          leaseDurationMs % 2 == 0
              ? String.valueOf(leaseDurationMs / 2)
              : String.valueOf(leaseDurationMs / 2.0);
      throw new IllegalArgumentException(
          "renewIntervalMs ("
              + renewIntervalMs
              + ") must be less than leaseDurationMs/2 ("
              + half
              + ")");
    }
    inRange("rpcTimeoutMinMs", rpcTimeoutMinMs, 10, LEASE_DURATION_MAX_MS);
    if (rpcTimeoutMaxMs < rpcTimeoutMinMs || rpcTimeoutMaxMs > LEASE_DURATION_MAX_MS) {
      throw new IllegalArgumentException(
          "rpcTimeoutMaxMs ("
              + rpcTimeoutMaxMs
              + ") must be at least rpcTimeoutMinMs ("
              + rpcTimeoutMinMs
              + ") and at most "
              + LEASE_DURATION_MAX_MS);
    }
    if (!(driftBound >= 0 && driftBound <= DRIFT_BOUND_MAX)) {
      throw new IllegalArgumentException(
          "driftBound (" + driftBound + ") must be between 0 and " + DRIFT_BOUND_MAX);
    }
    inRange("fencePrecisionMs", fencePrecisionMs, 0, MARGIN_MAX_MS);
    inRange("expiryMarginMs", expiryMarginMs, 0, MARGIN_MAX_MS);
    inRange("leaderLeaseMarginMs", leaderLeaseMarginMs, 0, MARGIN_MAX_MS);
    inRange("moveHoldDownMs", moveHoldDownMs, 0, 24 * 3600 * 1000L);
    inRange("releaseRetryMs", releaseRetryMs, 1, MARGIN_MAX_MS);
    long worstAckLeaseMs =
        LeaseMath.leaderLeaseFromOneAckMs(rpcTimeoutMinMs, rpcTimeoutMinMs / 2, driftBound)
            - leaderLeaseMarginMs;
    if (worstAckLeaseMs < 1) {
      throw new IllegalArgumentException(
          "rpcTimeoutMinMs ("
              + rpcTimeoutMinMs
              + ") is too small for leaderLeaseMarginMs ("
              + leaderLeaseMarginMs
              + ") and driftBound ("
              + driftBound
              + "): an acknowledgement"
              + " made half a heartbeat period after the last heartbeat would give no leader"
              + " lease at all");
    }
    if (leaderLeasePingMs < 1 || leaderLeasePingMs >= worstAckLeaseMs) {
      throw new IllegalArgumentException(
          "leaderLeasePingMs ("
              + leaderLeasePingMs
              + ") must be at least 1 and less than the"
              + " leader lease one acknowledgement gives in the worst case ("
              + worstAckLeaseMs
              + " = rpcTimeoutMinMs*(1-driftBound)/(1+driftBound) - rpcTimeoutMinMs/2"
              + " - leaderLeaseMarginMs), or the leader lease lapses between pings");
    }
  }

  /**
   * The defaults for the 2-core target: owner crash to takeover about 235 ms after the last grant
   * (docs/safety.md has the budget); Ratis at its 150/300 ms default timeouts.
   */
  public static TimingSettings defaults() {
    return new Builder().build();
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these settings. */
  public Builder toBuilder() {
    return new Builder()
        .leaseDurationMs(leaseDurationMs)
        .renewIntervalMs(renewIntervalMs)
        .leaderLeasePingMs(leaderLeasePingMs)
        .rpcTimeoutMinMs(rpcTimeoutMinMs)
        .rpcTimeoutMaxMs(rpcTimeoutMaxMs)
        .driftBound(driftBound)
        .fencePrecisionMs(fencePrecisionMs)
        .expiryMarginMs(expiryMarginMs)
        .leaderLeaseMarginMs(leaderLeaseMarginMs)
        .moveHoldDownMs(moveHoldDownMs)
        .releaseRetryMs(releaseRetryMs);
  }

  /** How long after its last grant to a node the leader waits before expiring it. */
  public long expiryWaitMs() {
    return LeaseMath.expiryWaitMs(this);
  }

  /** How long a follower withholds lease acknowledgements after it may have pre-voted. */
  public long voteQuarantineMs() {
    return LeaseMath.voteQuarantineMs(this);
  }

  private static void inRange(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " (" + value + ") must be between " + min + " and " + max);
    }
  }

  /** Builds {@link TimingSettings}; {@link #build()} validates all fields together. */
  public static final class Builder {
    private long leaseDurationMs = 200;
    private long renewIntervalMs = 50;
    private long leaderLeasePingMs = 25;
    private long rpcTimeoutMinMs = 150;
    private long rpcTimeoutMaxMs = 300;
    private double driftBound = 0.01;
    private long fencePrecisionMs = 20;
    private long expiryMarginMs = 10;
    private long leaderLeaseMarginMs = 10;
    private long moveHoldDownMs = 3000;
    private long releaseRetryMs = 100;

    private Builder() {}

    public Builder leaseDurationMs(long v) {
      leaseDurationMs = v;
      return this;
    }

    public Builder renewIntervalMs(long v) {
      renewIntervalMs = v;
      return this;
    }

    public Builder leaderLeasePingMs(long v) {
      leaderLeasePingMs = v;
      return this;
    }

    public Builder rpcTimeoutMinMs(long v) {
      rpcTimeoutMinMs = v;
      return this;
    }

    public Builder rpcTimeoutMaxMs(long v) {
      rpcTimeoutMaxMs = v;
      return this;
    }

    public Builder driftBound(double v) {
      driftBound = v;
      return this;
    }

    public Builder fencePrecisionMs(long v) {
      fencePrecisionMs = v;
      return this;
    }

    public Builder expiryMarginMs(long v) {
      expiryMarginMs = v;
      return this;
    }

    public Builder leaderLeaseMarginMs(long v) {
      leaderLeaseMarginMs = v;
      return this;
    }

    public Builder moveHoldDownMs(long v) {
      moveHoldDownMs = v;
      return this;
    }

    public Builder releaseRetryMs(long v) {
      releaseRetryMs = v;
      return this;
    }

    /** The settings; throws {@link IllegalArgumentException} naming the first bad value. */
    public TimingSettings build() {
      return new TimingSettings(
          leaseDurationMs,
          renewIntervalMs,
          leaderLeasePingMs,
          rpcTimeoutMinMs,
          rpcTimeoutMaxMs,
          driftBound,
          fencePrecisionMs,
          expiryMarginMs,
          leaderLeaseMarginMs,
          moveHoldDownMs,
          releaseRetryMs);
    }
  }
}
