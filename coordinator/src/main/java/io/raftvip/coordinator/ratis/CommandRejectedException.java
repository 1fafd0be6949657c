package io.raftvip.coordinator.ratis;

import io.raftvip.coordinator.core.Outcome;
import io.raftvip.coordinator.core.Rejection;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link VipStateMachine#startTransaction} refuses a command before it enters the log.
 *
 * <p>Ratis carries a refusal to the client as a {@code StateMachineException} holding only the
 * cause's class name and message (ClientProtoUtils.toStateMachineExceptionProtoBuilder, 3.2.2), and
 * re-creates the cause through its public {@code (String)} constructor. So the message carries both
 * the human sentence and the encoded {@link io.raftvip.proto.log.v1.LogReply}, and {@link #parse}
 * gets the typed {@link Rejection} back on the client side.
 */
public final class CommandRejectedException extends Exception {

  private static final String MARKER = " [raftvip-rejection:";

  /** For Ratis' reflective re-creation; {@code message} is what {@link #getMessage()} returned. */
  public CommandRejectedException(String message) {
    super(message, null, false, false);
  }

  /** The refusal of {@code rejection}. */
  public static CommandRejectedException of(Rejection rejection) {
    Objects.requireNonNull(rejection, "rejection");
    String encoded =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(LogCodec.encodeReply(new Outcome.Rejected(rejection)));
    return new CommandRejectedException(rejection.message() + MARKER + encoded + "]");
  }

  /** The rejection carried by a message made by {@link #of}, or empty for any other text. */
  public static Optional<Rejection> parse(String message) {
    if (message == null) {
      return Optional.empty();
    }
    int start = message.lastIndexOf(MARKER);
    int end = message.lastIndexOf(']');
    if (start < 0 || end < start + MARKER.length()) {
      return Optional.empty();
    }
    try {
      byte[] bytes = Base64.getUrlDecoder().decode(message.substring(start + MARKER.length(), end));
      Outcome outcome = LogCodec.decodeReply(bytes);
      return outcome instanceof Outcome.Rejected r ? Optional.of(r.reason()) : Optional.empty();
    } catch (IllegalArgumentException | LogCodec.MalformedReply e) {
      return Optional.empty();
    }
  }
}
