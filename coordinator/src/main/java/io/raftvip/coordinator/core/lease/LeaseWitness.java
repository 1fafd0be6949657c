package io.raftvip.coordinator.core.lease;

import io.raftvip.coordinator.core.NodeId;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The follower's side of the leader lease: decides whether to acknowledge a lease ping and with
 * which elapsed time. Immutable; follower clock milliseconds.
 *
 * <p>A follower's acknowledgement promises that it will not help elect another leader for a while.
 * Ratis keeps that promise only in the pre-vote phase (a follower that heard its leader within
 * rpcMin rejects pre-votes); the election phase skips the check. So a follower that may have
 * granted a pre-vote recently, because it went rpcMin without hearing its leader or because it only
 * just started following, could still vote a candidate in during that candidate's election phase.
 * It therefore withholds acknowledgements for {@link TimingSettings#voteQuarantineMs()} after any
 * such moment. The brief's rule ("answer whenever following") misses this; the simulation's {@code
 * NAIVE_WITNESS} flaw shows the overlap it allows.
 */
public final class LeaseWitness {

  private final Optional<NodeId> leader;
  private final long term;
  private final long lastHeardMs;
  private final long quarantineUntilMs;

  private LeaseWitness(
      Optional<NodeId> leader, long term, long lastHeardMs, long quarantineUntilMs) {
    this.leader = leader;
    this.term = term;
    this.lastHeardMs = lastHeardMs;
    this.quarantineUntilMs = quarantineUntilMs;
  }

  /**
   * The witness of a process that starts at {@code nowMs}: an earlier process on this node may have
   * pre-voted, so it starts in quarantine.
   */
  public static LeaseWitness start(long nowMs, TimingSettings t) {
    return new LeaseWitness(
        Optional.empty(), Long.MIN_VALUE, Long.MIN_VALUE, nowMs + t.voteQuarantineMs());
  }

  /** The answer to a lease ping, and the witness after it. */
  public record Answer(LeaseWitness next, OptionalLong elapsedSinceHeardMs) {
    public Answer {
      Objects.requireNonNull(next, "next");
      Objects.requireNonNull(elapsedSinceHeardMs, "elapsedSinceHeardMs");
    }

    /** True when the ping is acknowledged. */
    public boolean acknowledged() {
      return elapsedSinceHeardMs.isPresent();
    }
  }

  /**
   * Handles a ping from {@code pingLeader} in {@code pingTerm}, given what Ratis says now.
   *
   * @return the elapsed time to report, or empty to stay silent
   */
  public Answer onPing(
      NodeId pingLeader, long pingTerm, FollowerView view, long nowMs, TimingSettings t) {
    Objects.requireNonNull(pingLeader, "pingLeader");
    long quarantine = quarantineUntilMs;
    long heard = view.lastHeardMs();
    boolean sameFollowing = view.leader().equals(leader) && view.term() == term;
    if (!sameFollowing) {
      // Just started following (or following nobody): pre-votes may have been granted before.
      quarantine = Math.max(quarantine, nowMs + t.voteQuarantineMs());
    } else if (view.leader().isPresent() && heard - lastHeardMs >= t.rpcTimeoutMinMs()) {
      // A gap of rpcMin between two observed contacts: pre-votes may have been granted in it.
      quarantine = Math.max(quarantine, nowMs + t.voteQuarantineMs());
    }
    if (view.leader().isPresent() && nowMs - heard >= t.rpcTimeoutMinMs()) {
      // Not protecting the leader right now: a pre-vote may be granted at this very moment.
      quarantine = Math.max(quarantine, nowMs + t.voteQuarantineMs());
    }
    long keptHeard = sameFollowing ? Math.max(lastHeardMs, heard) : heard;
    LeaseWitness next = new LeaseWitness(view.leader(), view.term(), keptHeard, quarantine);
    boolean follows =
        view.leader().isPresent()
            && view.leader().get().equals(pingLeader)
            && view.term() == pingTerm;
    if (!follows || nowMs < quarantine || heard > nowMs) {
      return new Answer(next, OptionalLong.empty());
    }
    return new Answer(next, OptionalLong.of(nowMs - heard));
  }

  /** The follower-clock instant before which no ping is acknowledged. */
  public long quarantineUntilMs() {
    return quarantineUntilMs;
  }
}
