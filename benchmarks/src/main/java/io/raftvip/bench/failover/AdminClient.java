package io.raftvip.bench.failover;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelFactory;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.raftvip.proto.admin.v1.AdminServiceGrpc;
import io.raftvip.proto.admin.v1.ClusterStatus;
import io.raftvip.proto.admin.v1.GetClusterStatusRequest;
import io.raftvip.proto.admin.v1.GetVipRequest;
import io.raftvip.proto.admin.v1.ListVipsRequest;
import io.raftvip.proto.admin.v1.MoveVipRequest;
import io.raftvip.proto.admin.v1.Vip;
import io.raftvip.testlan.Host;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A blocking admin API client for a test JVM in the root namespace: the agents' admin servers
 * listen inside the node namespaces, so every TCP socket of this channel is opened in {@code
 * from}'s namespace ({@link Host#inNetns}) and then driven by an ordinary Netty event loop. One
 * channel, one event-loop thread; {@link #close()} ends both.
 */
final class AdminClient implements AutoCloseable {

  /** Bound of every call: an unreachable or leaderless agent answers UNAVAILABLE or times out. */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

  private final EventLoopGroup loop;
  private final ManagedChannel channel;
  private final String target;

  private AdminClient(EventLoopGroup loop, ManagedChannel channel, String target) {
    this.loop = loop;
    this.channel = channel;
    this.target = target;
  }

  /** A client of the admin server at {@code target} (host:port), reached from {@code from}. */
  static AdminClient open(Host from, String host, int port) {
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

  ClusterStatus status() {
    return stub().getClusterStatus(GetClusterStatusRequest.getDefaultInstance());
  }

  Vip vip(String name) {
    return stub().getVip(GetVipRequest.newBuilder().setName(name).build());
  }

  List<Vip> vips() {
    return stub().listVips(ListVipsRequest.getDefaultInstance()).getVipsList();
  }

  Vip move(String name, String targetNode) {
    return stub()
        .moveVip(MoveVipRequest.newBuilder().setName(name).setTargetNode(targetNode).build());
  }

  Vip create(io.raftvip.proto.admin.v1.VipSpec spec) {
    return stub()
        .createVip(io.raftvip.proto.admin.v1.CreateVipRequest.newBuilder().setSpec(spec).build());
  }

  /** The admin server this client calls, for messages. */
  String target() {
    return target;
  }

  /** Whether {@code e} is a status that says "retry later" (no leader, not reachable yet). */
  static boolean retryable(StatusRuntimeException e) {
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
