package io.raftvip.coordinator.admin;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * Admits a call only with {@code authorization: Bearer <token>}: none gives UNAUTHENTICATED, a
 * wrong one PERMISSION_DENIED. The comparison takes the same time for every wrong token of a given
 * length; the token is never logged or echoed.
 */
public final class BearerTokenInterceptor implements ServerInterceptor {

  /** The metadata key clients send the token in. */
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private static final String PREFIX = "Bearer ";

  private final byte[] token;

  /**
   * @param token the expected token, non-empty, without the "Bearer " prefix
   */
  public BearerTokenInterceptor(String token) {
    Objects.requireNonNull(token, "token");
    if (token.isBlank()) {
      throw new IllegalArgumentException("the admin token is empty");
    }
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    String value = headers.get(AUTHORIZATION);
    if (value == null || !value.startsWith(PREFIX)) {
      call.close(
          Status.UNAUTHENTICATED.withDescription(
              "this admin API needs a token: send 'authorization: Bearer <token>' (raftvip"
                  + " --token-file FILE)"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    byte[] given = value.substring(PREFIX.length()).getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(given, token)) {
      call.close(
          Status.PERMISSION_DENIED.withDescription("the token is not valid for this cluster"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
