package io.raftvip.coordinator.ratis;

import io.raftvip.coordinator.core.Rejection;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Why a {@link RaftNode} call failed. One sealed hierarchy, so that the admin API maps each case
 * once to a gRPC status: {@link NoQuorum} = UNAVAILABLE (safe to retry), {@link Rejected} =
 * INVALID_ARGUMENT / NOT_FOUND / ALREADY_EXISTS / FAILED_PRECONDITION by rejection kind, {@link
 * Timeout} = DEADLINE_EXCEEDED (may still commit), {@link Closed} and {@link Overloaded} =
 * UNAVAILABLE, {@link Failed} = INTERNAL or FAILED_PRECONDITION.
 */
public abstract sealed class RaftNodeException extends Exception
    permits RaftNodeException.NoQuorum,
        RaftNodeException.Rejected,
        RaftNodeException.Timeout,
        RaftNodeException.Closed,
        RaftNodeException.Overloaded,
        RaftNodeException.Failed {

  RaftNodeException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * No leader, or a leader without a majority, could be reached before the deadline. Nothing was
   * committed by this call as far as this node can tell; safe to retry.
   */
  public static final class NoQuorum extends RaftNodeException {
    NoQuorum(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The state machine refused the command; nothing changed. */
  public static final class Rejected extends RaftNodeException {
    private final Rejection rejection;
    private final OptionalLong logIndex;

    Rejected(Rejection rejection, OptionalLong logIndex) {
      super(rejection.message(), null);
      this.rejection = Objects.requireNonNull(rejection, "rejection");
      this.logIndex = Objects.requireNonNull(logIndex, "logIndex");
    }

    /** The typed reason. */
    public Rejection rejection() {
      return rejection;
    }

    /**
     * The log index of the entry when the refusal happened at apply (the state moved after the
     * leader's check); empty when the leader refused it before the log.
     */
    public OptionalLong logIndex() {
      return logIndex;
    }
  }

  /**
   * A leader with a quorum was reachable but the call did not finish before the deadline. A write
   * may still commit: read the state before retrying.
   */
  public static final class Timeout extends RaftNodeException {
    Timeout(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The node is closed. */
  public static final class Closed extends RaftNodeException {
    Closed(String message) {
      super(message, null);
    }
  }

  /** Too many calls are waiting for this node's call threads. */
  public static final class Overloaded extends RaftNodeException {
    Overloaded(String message) {
      super(message, null);
    }
  }

  /** Ratis refused or failed the call for another reason, named in the message. */
  public static final class Failed extends RaftNodeException {
    Failed(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
