package io.raftvip.cli.admin;

import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One fake admin endpoint on 127.0.0.1, an ephemeral port: a {@link FakeAdminService} behind real
 * Netty, so the CLI runs exactly as against an agent. Counts the calls that reach it and, when
 * given a token, answers UNAUTHENTICATED / PERMISSION_DENIED as the agent does.
 */
final class FakeCluster implements AutoCloseable {

  final FakeAdminService service;
  final AtomicInteger calls = new AtomicInteger();
  private final Server server;

  private FakeCluster(String nodeId, String requiredToken) {
    this(nodeId, requiredToken, InsecureServerCredentials.create());
  }

  private FakeCluster(String nodeId, String requiredToken, ServerCredentials credentials) {
    this.service = new FakeAdminService(nodeId);
    ServerInterceptor gate =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            calls.incrementAndGet();
            if (requiredToken != null) {
              String auth = headers.get(AdminClient.AUTHORIZATION);
              if (auth == null) {
                call.close(
                    Status.UNAUTHENTICATED.withDescription("missing bearer token"), new Metadata());
                return new ServerCall.Listener<>() {};
              }
              if (!auth.equals("Bearer " + requiredToken)) {
                call.close(
                    Status.PERMISSION_DENIED.withDescription("bearer token not accepted"),
                    new Metadata());
                return new ServerCall.Listener<>() {};
              }
            }
            return next.startCall(call, headers);
          }
        };
    try {
      this.server =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), credentials)
              .addService(ServerInterceptors.intercept(service, gate))
              .build()
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static FakeCluster start() {
    return new FakeCluster("n1", null);
  }

  static FakeCluster start(String nodeId) {
    return new FakeCluster(nodeId, null);
  }

  static FakeCluster withToken(String token) {
    return new FakeCluster("n1", token);
  }

  /** Mutual TLS with the test material in src/test/resources/tls: client certificates required. */
  static FakeCluster withMutualTls() {
    try {
      return new FakeCluster(
          "n1",
          null,
          TlsServerCredentials.newBuilder()
              .keyManager(tlsFile("server.pem").toFile(), tlsFile("server.key").toFile())
              .trustManager(tlsFile("ca.pem").toFile())
              .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
              .build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A file of the test TLS material. */
  static Path tlsFile(String name) {
    try {
      return Path.of(FakeCluster.class.getResource("/tls/" + name).toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code 127.0.0.1:port}, for --cluster. */
  String endpoint() {
    return "127.0.0.1:" + server.getPort();
  }

  /** A port on 127.0.0.1 that nothing listens on (bound, then closed). */
  static String deadEndpoint() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return "127.0.0.1:" + s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }
}
