package io.raftvip.coordinator.core;

import java.util.Objects;
import java.util.Optional;

/**
 * Who holds a VIP, under which fencing epoch. The epoch is the log index of the command that made
 * the assignment, so it strictly increases for each VIP (and across VIPs); holders fence and
 * announce under it and every reply or release names it.
 */
public sealed interface Assignment
    permits Assignment.Unowned, Assignment.Owned, Assignment.Releasing {

  /** The state names used on the wire and in events. */
  enum State {
    UNOWNED,
    OWNED,
    RELEASING
  }

  /** Log index of the command that made this assignment. */
  long epoch();

  /** The holder, if any; a RELEASING holder still holds until it confirms. */
  Optional<NodeId> currentOwner();

  /** The state name. */
  State state();

  /** Nobody holds the VIP. */
  record Unowned(long epoch) implements Assignment {
    public Unowned {
      checkEpoch(epoch);
    }

    @Override
    public Optional<NodeId> currentOwner() {
      return Optional.empty();
    }

    @Override
    public State state() {
      return State.UNOWNED;
    }
  }

  /** {@code owner} holds the VIP under {@code epoch}. */
  record Owned(NodeId owner, long epoch) implements Assignment {
    public Owned {
      Objects.requireNonNull(owner, "owner");
      checkEpoch(epoch);
    }

    @Override
    public Optional<NodeId> currentOwner() {
      return Optional.of(owner);
    }

    @Override
    public State state() {
      return State.OWNED;
    }
  }

  /**
   * {@code owner} still holds the VIP under {@code epoch} but has been asked to let go: it must
   * close its fence, remove the address and commit Release; then the VIP goes to {@code target}.
   */
  record Releasing(NodeId owner, long epoch, ReleaseTarget target) implements Assignment {
    public Releasing {
      Objects.requireNonNull(owner, "owner");
      Objects.requireNonNull(target, "target");
      checkEpoch(epoch);
    }

    @Override
    public Optional<NodeId> currentOwner() {
      return Optional.of(owner);
    }

    @Override
    public State state() {
      return State.RELEASING;
    }
  }

  private static void checkEpoch(long epoch) {
    if (epoch < 1) {
      throw new IllegalArgumentException("epoch " + epoch + " must be a log index (>= 1)");
    }
  }
}
