package io.raftvip.coordinator.core.lease;

/**
 * The lease formulas, one place for each; docs/safety.md derives them. Every rounding goes the safe
 * way: bounds that limit what a node may do round down, waits round up.
 *
 * <p>Notation: ρ = {@link TimingSettings#driftBound()}; a clock that measures d ms has seen between
 * d/(1+ρ) and d/(1−ρ) ms of real time.
 */
public final class LeaseMath {

  /** Cap on an address's valid lifetime; far above any lease, it only stops absurd values. */
  public static final int ADDRESS_LIFETIME_MAX_SEC = 3600;

  private LeaseMath() {}

  /** Votes needed in a group of {@code voters}. */
  public static int majority(int voters) {
    if (voters < 1) {
      throw new IllegalArgumentException("a group needs at least one voter, got " + voters);
    }
    return voters / 2 + 1;
  }

  /**
   * How long past the ping's send time (leader clock, before margin) one acknowledgement keeps the
   * leader safe: ⌊rpcMin·(1−ρ)/(1+ρ)⌋ − elapsed. The follower refuses pre-votes until rpcMin of its
   * own clock after it last heard the leader, which is at least rpcMin/(1+ρ) real ms; it heard the
   * leader at most elapsed/(1−ρ) real ms before it answered, and it answered after the ping was
   * sent; the leader's clock shows at least (1−ρ) of any real interval.
   */
  public static long leaderLeaseFromOneAckMs(
      long rpcTimeoutMinMs, long elapsedSinceHeardMs, double driftBound) {
    double protectedMs = rpcTimeoutMinMs * (1 - driftBound) / (1 + driftBound);
    return (long) Math.floor(protectedMs) - elapsedSinceHeardMs;
  }

  /**
   * The leader-clock instant until which a follower's acknowledgement of a ping sent at {@code
   * pingSentMs} proves no other leader can exist (if that follower is part of the quorum).
   */
  public static long leaderLeaseBoundMs(
      long pingSentMs, long elapsedSinceHeardMs, TimingSettings t) {
    if (elapsedSinceHeardMs < 0) {
      throw new IllegalArgumentException(
          "elapsed time since the follower heard the leader is negative: " + elapsedSinceHeardMs);
    }
    return pingSentMs
        + leaderLeaseFromOneAckMs(t.rpcTimeoutMinMs(), elapsedSinceHeardMs, t.driftBound())
        - t.leaderLeaseMarginMs();
  }

  /**
   * How long after its last grant to a node the leader must wait before declaring the node's lease
   * lapsed: ⌈(lease + fencePrecision)·(1+ρ)/(1−ρ)⌉ + expiryMargin. The node's fence closes at most
   * (lease + fencePrecision)/(1−ρ) real ms after it sent the granted request, which was before the
   * grant; the leader's wait of W ms lasts at least W/(1+ρ) real ms.
   */
  public static long expiryWaitMs(TimingSettings t) {
    double ms =
        (t.leaseDurationMs() + t.fencePrecisionMs()) * (1 + t.driftBound()) / (1 - t.driftBound());
    return (long) Math.ceil(ms) + t.expiryMarginMs();
  }

  /**
   * How long a follower withholds lease acknowledgements after it may have granted a pre-vote
   * (after a gap of rpcMin without hearing its leader, or when it starts following a leader):
   * ⌈2·rpcMax·(1+ρ)/(1−ρ)⌉ + leaderLeaseMargin. A candidate that got that pre-vote finishes its
   * pre-vote and election phases within 2·rpcMax of its own clock; the election phase skips the
   * leader check, so until then the follower's vote can still elect it.
   */
  public static long voteQuarantineMs(TimingSettings t) {
    double ms = 2.0 * t.rpcTimeoutMaxMs() * (1 + t.driftBound()) / (1 - t.driftBound());
    return (long) Math.ceil(ms) + t.leaderLeaseMarginMs();
  }

  /** A node's lease deadline on its own clock: renewal send time + lease duration. */
  public static long ownerDeadlineMs(long renewalSentMs, TimingSettings t) {
    return renewalSentMs + t.leaseDurationMs();
  }

  /**
   * The valid lifetime to give a VIP address, a backstop for when the whole node stops: whole
   * seconds covering the remaining lease, plus one, at least 1 and at most {@link
   * #ADDRESS_LIFETIME_MAX_SEC}.
   */
  public static int addressValidLifetimeSec(long remainingLeaseMs) {
    long sec = Math.max(0, Math.floorDiv(remainingLeaseMs + 999, 1000)) + 1;
    return (int) Math.min(sec, ADDRESS_LIFETIME_MAX_SEC);
  }
}
