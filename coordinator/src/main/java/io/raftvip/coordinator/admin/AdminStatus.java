package io.raftvip.coordinator.admin;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raftvip.coordinator.core.Rejection;
import io.raftvip.coordinator.ratis.RaftNodeException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Failures as gRPC statuses with a message a person can act on (the mapping documented at the top
 * of admin.proto).
 */
public final class AdminStatus {

  private AdminStatus() {}

  /** INVALID_ARGUMENT naming the field and what is wrong with it. */
  public static StatusRuntimeException invalid(String field, String problem) {
    return Status.INVALID_ARGUMENT.withDescription(field + ": " + problem).asRuntimeException();
  }

  /** The status for a refusal of the state machine. */
  public static Status of(Rejection r) {
    Status s;
    if (r instanceof Rejection.UnknownVip || r instanceof Rejection.UnknownNode) {
      s = Status.NOT_FOUND;
    } else if (r instanceof Rejection.VipExists
        || r instanceof Rejection.AddressInUse
        || r instanceof Rejection.VirtualRouterIdInUse
        || r instanceof Rejection.RaftAddressInUse) {
      s = Status.ALREADY_EXISTS;
    } else if (r instanceof Rejection.ImmutableField) {
      s = Status.INVALID_ARGUMENT;
    } else {
      s = Status.FAILED_PRECONDITION;
    }
    return s.withDescription(r.message());
  }

  /** The status for whatever a call to the node failed with. */
  public static Status of(Throwable t) {
    Throwable e = unwrap(t);
    if (e instanceof StatusRuntimeException sre) {
      return sre.getStatus();
    }
    if (e instanceof RaftNodeException.Rejected r) {
      return of(r.rejection());
    }
    if (e instanceof RaftNodeException.NoQuorum) {
      return Status.UNAVAILABLE.withDescription(
          "no quorum: no leader with a majority could be reached (" + e.getMessage() + ")");
    }
    if (e instanceof RaftNodeException.Timeout) {
      return Status.DEADLINE_EXCEEDED.withDescription(
          "not committed within the deadline; the change may still commit, read it back before"
              + " retrying ("
              + e.getMessage()
              + ")");
    }
    if (e instanceof RaftNodeException.Closed) {
      return Status.UNAVAILABLE.withDescription("this node is shutting down; ask another node");
    }
    if (e instanceof RaftNodeException.Overloaded) {
      return Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage());
    }
    if (e instanceof RaftNodeException.Failed) {
      return Status.FAILED_PRECONDITION.withDescription(e.getMessage());
    }
    if (e instanceof IllegalArgumentException) {
      return Status.INVALID_ARGUMENT.withDescription(e.getMessage());
    }
    if (e instanceof CancellationException) {
      return Status.CANCELLED.withDescription("cancelled");
    }
    return Status.INTERNAL.withDescription(
        e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
  }

  private static Throwable unwrap(Throwable t) {
    Throwable e = t;
    // Bounded: futures wrap at most a few levels.
    for (int i = 0; i < 8 && e.getCause() != null; i++) {
      if (e instanceof CompletionException || e instanceof ExecutionException) {
        e = e.getCause();
      } else {
        break;
      }
    }
    return e;
  }
}
