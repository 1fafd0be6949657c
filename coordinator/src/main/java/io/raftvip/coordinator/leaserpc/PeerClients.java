package io.raftvip.coordinator.leaserpc;

import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.proto.peer.v1.PeerServiceGrpc;
import io.raftvip.proto.peer.v1.PingReply;
import io.raftvip.proto.peer.v1.PingRequest;
import io.raftvip.proto.peer.v1.RenewReply;
import io.raftvip.proto.peer.v1.RenewRequest;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One gRPC channel (plaintext or mutual TLS) per peer's lease address, opened at construction
 * (channels connect lazily). Every call carries a deadline; replies and failures are delivered on
 * gRPC's threads, so callbacks must hand work to their own thread at once.
 */
final class PeerClients implements AutoCloseable {

  private static final long SHUTDOWN_WAIT_MS = 2_000;

  private final Map<NodeId, ManagedChannel> channels = new TreeMap<>();

  /**
   * @param credentials plaintext, or mutual TLS (the peer's certificate must name the host dialled
   *     here: the member's configured host)
   */
  PeerClients(Map<NodeId, InetSocketAddress> addresses, ChannelCredentials credentials) {
    for (Map.Entry<NodeId, InetSocketAddress> e : addresses.entrySet()) {
      InetSocketAddress a = e.getValue();
      channels.put(
          e.getKey(),
          NettyChannelBuilder.forAddress(a.getHostString(), a.getPort(), credentials).build());
    }
  }

  /** Sends a ping to {@code to}; {@code onReply} gets the reply, or nothing on any failure. */
  void ping(NodeId to, PingRequest request, long deadlineMs, Consumer<PingReply> onReply) {
    PeerServiceGrpc.newStub(channel(to))
        .withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS)
        .ping(request, observer(onReply, failure -> {}));
  }

  /** Sends a renewal to {@code to}; {@code onReply} gets the reply, or nothing on any failure. */
  void renew(NodeId to, RenewRequest request, long deadlineMs, Consumer<RenewReply> onReply) {
    renew(to, request, deadlineMs, onReply, failure -> {});
  }

  /** As above; {@code onFailure} hears a failed call (metrics only: nothing may rely on it). */
  void renew(
      NodeId to,
      RenewRequest request,
      long deadlineMs,
      Consumer<RenewReply> onReply,
      Consumer<Throwable> onFailure) {
    PeerServiceGrpc.newStub(channel(to))
        .withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS)
        .renew(request, observer(onReply, onFailure));
  }

  private ManagedChannel channel(NodeId to) {
    return Objects.requireNonNull(channels.get(to), () -> "no lease address for node " + to);
  }

  private static <T> StreamObserver<T> observer(
      Consumer<T> onReply, Consumer<Throwable> onFailure) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        onReply.accept(value);
      }

      @Override
      public void onError(Throwable t) {
        // A lost reply is the same as a lost message: the protocol never relies on delivery.
        onFailure.accept(t);
      }

      @Override
      public void onCompleted() {}
    };
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    for (ManagedChannel c : channels.values()) {
      try {
        c.awaitTermination(SHUTDOWN_WAIT_MS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
