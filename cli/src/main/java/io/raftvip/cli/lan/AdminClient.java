package io.raftvip.cli.lan;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelFactory;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.stub.StreamObserver;
import io.raftvip.proto.admin.v1.AdminServiceGrpc;
import io.raftvip.proto.admin.v1.ClusterStatus;
import io.raftvip.proto.admin.v1.Event;
import io.raftvip.proto.admin.v1.GetClusterStatusRequest;
import io.raftvip.proto.admin.v1.GetVipRequest;
import io.raftvip.proto.admin.v1.ListVipsRequest;
import io.raftvip.proto.admin.v1.MoveVipRequest;
import io.raftvip.proto.admin.v1.Vip;
import io.raftvip.proto.admin.v1.WatchEventsRequest;
import io.raftvip.testlan.Host;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A blocking admin API client for a JVM in the root namespace (the demo, the agent tests): the
 * agents' admin servers listen inside the node namespaces, so every TCP socket of this channel is
 * opened in {@code from}'s namespace ({@link Host#inNetns}) and then driven by an ordinary Netty
 * event loop. One channel, one event-loop thread; {@link #close()} ends both.
 */
public final class AdminClient implements AutoCloseable {

  /** Bound of every call: an unreachable or leaderless agent answers UNAVAILABLE or times out. */
  public static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

  private final EventLoopGroup loop;
  private final ManagedChannel channel;
  private final String target;

  private AdminClient(EventLoopGroup loop, ManagedChannel channel, String target) {
    this.loop = loop;
    this.channel = channel;
    this.target = target;
  }

  /** A client of the admin server at {@code target} (host:port), reached from {@code from}. */
  public static AdminClient open(Host from, String host, int port) {
    EventLoopGroup loop = new NioEventLoopGroup(1);
    // Each (re)connect opens its socket in the namespace; Netty then only connects and reads it.
    ChannelFactory<NioSocketChannel> sockets =
        () -> {
          SocketChannel socket = from.inNetns(() -> SocketChannel.open());
          return new NioSocketChannel(socket);
        };
    ManagedChannel ch =
        NettyChannelBuilder.forAddress(host, port)
            .channelFactory(sockets)
            .eventLoopGroup(loop)
            .usePlaintext()
            .build();
    return new AdminClient(loop, ch, host + ":" + port);
  }

  private AdminServiceGrpc.AdminServiceBlockingStub stub() {
    return AdminServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  public ClusterStatus status() {
    return stub().getClusterStatus(GetClusterStatusRequest.getDefaultInstance());
  }

  public Vip vip(String name) {
    return stub().getVip(GetVipRequest.newBuilder().setName(name).build());
  }

  public List<Vip> vips() {
    return stub().listVips(ListVipsRequest.getDefaultInstance()).getVipsList();
  }

  public Vip move(String name, String targetNode) {
    return stub()
        .moveVip(MoveVipRequest.newBuilder().setName(name).setTargetNode(targetNode).build());
  }

  public Vip create(io.raftvip.proto.admin.v1.VipSpec spec) {
    return stub()
        .createVip(io.raftvip.proto.admin.v1.CreateVipRequest.newBuilder().setSpec(spec).build());
  }

  /**
   * Streams the events the answering node applies from now on ({@code WatchEvents}) to {@code
   * onEvent}, on the channel's event-loop thread; {@code onEnd} hears the stream end (the node
   * died, the client closed). Cancel the returned context to stop.
   */
  public Context.CancellableContext watch(Consumer<Event> onEvent, Consumer<Throwable> onEnd) {
    Context.CancellableContext ctx = Context.current().withCancellation();
    ctx.run(
        () ->
            AdminServiceGrpc.newStub(channel)
                // Wait for a (re)connecting channel instead of failing at once: the node may be
                // an agent that has just been restarted.
                .withWaitForReady()
                .watchEvents(
                    WatchEventsRequest.getDefaultInstance(),
                    new StreamObserver<>() {
                      @Override
                      public void onNext(Event e) {
                        onEvent.accept(e);
                      }

                      @Override
                      public void onError(Throwable t) {
                        onEnd.accept(t);
                      }

                      @Override
                      public void onCompleted() {
                        onEnd.accept(null);
                      }
                    }));
    return ctx;
  }

  /** The admin server this client calls, for messages. */
  public String target() {
    return target;
  }

  /** Whether {@code e} is a status that says "retry later" (no leader, not reachable yet). */
  public static boolean retryable(StatusRuntimeException e) {
    return switch (e.getStatus().getCode()) {
      case UNAVAILABLE, DEADLINE_EXCEEDED -> true;
      default -> false;
    };
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }
}
