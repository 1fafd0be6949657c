package io.raftvip.cli.admin;

import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.raftvip.cli.CommandFailedException;
import io.raftvip.cli.admin.ConnectionOptions.Settings;
import io.raftvip.cli.admin.StatusMapping.Request;
import io.raftvip.cli.config.HostPort;
import io.raftvip.proto.admin.v1.AdminServiceGrpc;
import io.raftvip.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The admin API as one command sees it: a list of endpoints tried in order, one deadline for the
 * whole command, the bearer token on every call. Not thread-safe: one command, one thread.
 *
 * <p>Failover: an endpoint that cannot be reached (the transport fails: refused, connect timeout,
 * TLS handshake) or answers UNAVAILABLE (no quorum or no leader on that node; the API documents
 * that as safe to retry) is skipped for the next one, each endpoint at most once per call. After a
 * success, later calls of the same command start at the endpoint that answered. Any other status is
 * final: it is the cluster's answer, not the node's.
 */
public final class AdminClient implements AutoCloseable {

  /** Header the server reads the bearer token from (gRPC metadata keys are lower case). */
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** How long close() waits for the channels to let go of their sockets. */
  private static final long SHUTDOWN_WAIT_MS = 1_000;

  private final Settings settings;
  private final AdminChannelFactory factory;
  private final Deadline deadline;
  private final ManagedChannel[] channels;
  private final Metadata headers;
  private int preferred;
  private HostPort answeredBy;

  /**
   * @param deadline the deadline of every call, or null for none (only {@code watch} without {@code
   *     --timeout})
   */
  AdminClient(Settings settings, AdminChannelFactory factory, Deadline deadline) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.factory = Objects.requireNonNull(factory, "factory");
    this.deadline = deadline;
    this.channels = new ManagedChannel[settings.endpoints().size()];
    this.headers = new Metadata();
    settings.bearerToken().ifPresent(t -> headers.put(AUTHORIZATION, "Bearer " + t));
  }

  /**
   * Runs {@code rpc} against the first endpoint that answers.
   *
   * @throws CommandFailedException with the mapped exit code and message
   */
  public <T> T call(Request request, Function<AdminServiceBlockingStub, T> rpc) {
    List<String> unreachable = new ArrayList<>();
    StatusRuntimeException lastTransport = null;
    StatusRuntimeException lastServer = null;
    HostPort lastServerFrom = null;
    int n = channels.length;
    for (int k = 0; k < n; k++) {
      int i = (preferred + k) % n;
      HostPort endpoint = settings.endpoints().get(i);
      if (deadline != null && deadline.isExpired()) {
        throw StatusMapping.failure(
            Status.DEADLINE_EXCEEDED,
            lastServerFrom != null ? lastServerFrom : endpoint,
            request,
            settings.timeout());
      }
      try {
        T result = rpc.apply(stub(i));
        preferred = i;
        answeredBy = endpoint;
        return result;
      } catch (StatusRuntimeException e) {
        Status status = e.getStatus();
        if (status.getCode() != Status.Code.UNAVAILABLE) {
          answeredBy = endpoint;
          throw StatusMapping.failure(status, endpoint, request, settings.timeout());
        }
        if (isTransportFailure(status)) {
          unreachable.add(endpoint + " (" + StatusMapping.transportReason(status) + ")");
          lastTransport = e;
        } else {
          lastServer = e;
          lastServerFrom = endpoint;
        }
      }
    }
    if (lastServer != null) {
      answeredBy = lastServerFrom;
      throw StatusMapping.failure(
          lastServer.getStatus(), lastServerFrom, request, settings.timeout());
    }
    throw StatusMapping.unreachable(unreachable, lastTransport);
  }

  /** The failure for a status that came later from the endpoint that answered (a stream). */
  public CommandFailedException failure(StatusRuntimeException e, Request request) {
    HostPort from = answeredBy != null ? answeredBy : settings.endpoints().get(preferred);
    return StatusMapping.failure(e.getStatus(), from, request, settings.timeout());
  }

  /** The endpoint that answered the last call, or null before any answer. */
  public HostPort answeredBy() {
    return answeredBy;
  }

  /** The deadline of the command, or null when it has none. */
  public Deadline deadline() {
    return deadline;
  }

  /**
   * Transport failures carry the socket error as cause; a status a server sent arrives in trailers
   * and has none. The exception: a connection the peer closes before HTTP/2 is up (a plaintext
   * client at a TLS port) has no cause, only grpc-java's fixed description.
   */
  static boolean isTransportFailure(Status status) {
    return status.getCode() == Status.Code.UNAVAILABLE
        && (status.getCause() != null
            || StatusMapping.CLOSED_DURING_SETUP.equals(status.getDescription()));
  }

  private AdminServiceBlockingStub stub(int i) {
    if (channels[i] == null) {
      channels[i] =
          factory.open(
              settings.endpoints().get(i), settings.credentials(), settings.connectTimeout());
    }
    AdminServiceBlockingStub stub =
        AdminServiceGrpc.newBlockingStub(channels[i])
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    return deadline == null ? stub : stub.withDeadline(deadline);
  }

  /** Shuts every channel down (cancelling a running stream) and waits a bounded time. */
  @Override
  public void close() {
    for (ManagedChannel c : channels) {
      if (c != null) {
        c.shutdownNow();
      }
    }
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SHUTDOWN_WAIT_MS);
    for (ManagedChannel c : channels) {
      long leftNs = until - System.nanoTime();
      if (c == null || leftNs <= 0) {
        continue;
      }
      try {
        c.awaitTermination(leftNs, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
