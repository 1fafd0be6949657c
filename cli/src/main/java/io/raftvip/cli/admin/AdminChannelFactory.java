package io.raftvip.cli.admin;

import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.raftvip.cli.config.HostPort;
import java.time.Duration;

/**
 * Opens the gRPC channel to one admin endpoint. The only place admin commands get channels from:
 * tests and embedders substitute their own (in-process servers, interceptors) here.
 */
@FunctionalInterface
public interface AdminChannelFactory {

  /**
   * A new channel to {@code endpoint}; the caller shuts it down.
   *
   * @param connectTimeout how long to try one TCP connect before the endpoint counts as unreachable
   */
  ManagedChannel open(HostPort endpoint, ChannelCredentials credentials, Duration connectTimeout);

  /** Real TCP through grpc-netty-shaded. */
  AdminChannelFactory NETTY =
      (endpoint, credentials, connectTimeout) ->
          NettyChannelBuilder.forAddress(endpoint.host(), endpoint.port(), credentials)
              // A black-holed endpoint must not eat the whole deadline: fail over after this.
              .withOption(
                  ChannelOption.CONNECT_TIMEOUT_MILLIS,
                  (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis())))
              .userAgent("raftvip-cli")
              .build();
}
