package io.raftvip.cli.admin;

import io.grpc.Status;
import io.raftvip.cli.CommandFailedException;
import io.raftvip.cli.ExitCodes;
import io.raftvip.cli.config.HostPort;
import io.raftvip.cli.config.Units;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Turns a gRPC status into an exit code ({@link ExitCodes}) and one line for stderr, like {@code
 * vip "web" not found (NOT_FOUND from 198.18.0.11:7100)}. Pure: no IO.
 */
public final class StatusMapping {

  /** Server messages longer than this are cut: one line on a terminal, not a page. */
  static final int DESCRIPTION_LENGTH_MAX = 300;

  /** grpc-java's description when the peer closes the connection before any HTTP/2 frame. */
  static final String CLOSED_DURING_SETUP = "Network closed for unknown reason";

  private StatusMapping() {}

  /** The exit code for a status the server (or the transport) gave. */
  public static int exitCode(Status.Code code) {
    return switch (code) {
      case OK -> ExitCodes.OK;
      case INVALID_ARGUMENT -> ExitCodes.USAGE;
      case UNAVAILABLE, DEADLINE_EXCEEDED -> ExitCodes.UNAVAILABLE;
      case NOT_FOUND -> ExitCodes.NOT_FOUND;
      case ALREADY_EXISTS, FAILED_PRECONDITION, OUT_OF_RANGE -> ExitCodes.REJECTED;
      case UNAUTHENTICATED, PERMISSION_DENIED -> ExitCodes.DENIED;
      default -> ExitCodes.FAILURE;
    };
  }

  /**
   * The failure for a status a server sent.
   *
   * @param request what was asked, for messages without a server description, e.g. {@code vip
   *     "web"}
   */
  public static CommandFailedException failure(
      Status status, HostPort from, Request request, Duration timeout) {
    Status.Code code = status.getCode();
    String text;
    if (code == Status.Code.DEADLINE_EXCEEDED) {
      // The client-side description lists internal stream state; say what it means instead.
      text = request.action() + " did not finish within " + Units.formatDuration(timeout);
      if (request.mutates()) {
        text += "; the change may still commit";
      }
      if (!request.readBack().isEmpty()) {
        text += "; check with " + request.readBack();
      }
    } else {
      String described = oneLine(status.getDescription());
      text = described.isEmpty() ? fallback(code, request) : described;
    }
    // A deadline passes on this side: the endpoint did not necessarily answer anything.
    String where = code == Status.Code.DEADLINE_EXCEEDED ? " waiting for " : " from ";
    return new CommandFailedException(
        exitCode(code), text + " (" + code + where + from + ")", status.asRuntimeException());
  }

  /** No endpoint answered at all: each endpoint with why. Exit 3. */
  public static CommandFailedException unreachable(List<String> attempts, Throwable last) {
    return new CommandFailedException(
        ExitCodes.UNAVAILABLE,
        "cannot reach the cluster: "
            + String.join(", ", attempts)
            + "; check --cluster / RAFTVIP_CLUSTER and that the agents run",
        last);
  }

  /** Why the transport failed, short: "connection refused", "connect timed out". */
  static String transportReason(Status status) {
    Throwable top = status.getCause();
    if (top == null && CLOSED_DURING_SETUP.equals(status.getDescription())) {
      return "connection closed during setup; TLS on one side only?";
    }
    // The socket error may sit anywhere in the chain (Netty wraps it); bounded walk.
    Throwable cause = top;
    for (int i = 0; cause != null && i < 8; i++) {
      String m = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
      if (cause instanceof java.net.UnknownHostException) {
        return "unknown host";
      }
      if (cause instanceof javax.net.ssl.SSLException) {
        return "TLS failed: " + oneLine(cause.getMessage());
      }
      // error(-111) is ECONNREFUSED as Netty's epoll transport reports it.
      if (m.contains("connection refused") || m.contains("error(-111)")) {
        return "connection refused";
      }
      if (m.contains("timed out") || m.contains("error(-110)")) {
        return "connect timed out";
      }
      if (m.contains("no route to host") || m.contains("error(-113)")) {
        return "no route to host";
      }
      if (m.contains("network is unreachable") || m.contains("error(-101)")) {
        return "network unreachable";
      }
      cause = cause.getCause();
    }
    String m = top == null ? status.getDescription() : top.getMessage();
    if (m == null || m.isBlank()) {
      return top == null ? status.getCode().toString() : top.getClass().getSimpleName();
    }
    return oneLine(m);
  }

  private static String fallback(Status.Code code, Request request) {
    String s = request.subject();
    return switch (code) {
      case NOT_FOUND -> s + " not found";
      case ALREADY_EXISTS -> s + " already exists";
      case FAILED_PRECONDITION -> request.action() + " refused by the cluster's state";
      case INVALID_ARGUMENT -> request.action() + ": the server rejected the request";
      case UNAVAILABLE -> "no quorum or no leader right now; retry later";
      case UNAUTHENTICATED -> "not authenticated: give a valid --token-file";
      case PERMISSION_DENIED -> "permission denied for " + request.action();
      default -> request.action() + " failed";
    };
  }

  /** One line, trimmed, at most {@link #DESCRIPTION_LENGTH_MAX} characters. */
  static String oneLine(String text) {
    if (text == null) {
      return "";
    }
    String s = text.replaceAll("[\\r\\n\\t]+", " ").strip();
    return s.length() <= DESCRIPTION_LENGTH_MAX
        ? s
        : s.substring(0, DESCRIPTION_LENGTH_MAX - 3) + "...";
  }

  /**
   * What one command asks, for messages.
   *
   * @param action e.g. {@code move of vip "web"}
   * @param subject e.g. {@code vip "web"}; used when the server gives no description
   * @param mutates true for writes: after a deadline the change may still commit
   * @param readBack the command that shows the outcome, e.g. {@code raftvip vip get web}; may be
   *     empty
   */
  public record Request(String action, String subject, boolean mutates, String readBack) {

    public static Request read(String action, String subject) {
      return new Request(action, subject, false, "");
    }

    public static Request write(String action, String subject, String readBack) {
      return new Request(action, subject, true, readBack);
    }
  }
}
