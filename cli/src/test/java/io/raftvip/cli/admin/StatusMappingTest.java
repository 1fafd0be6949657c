package io.raftvip.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.raftvip.cli.CommandFailedException;
import io.raftvip.cli.ExitCodes;
import io.raftvip.cli.admin.StatusMapping.Request;
import io.raftvip.cli.config.HostPort;
import java.net.ConnectException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** gRPC status to exit code and message, without a network. */
class StatusMappingTest {

  static final HostPort FROM = HostPort.parse("198.18.0.11:7100");
  static final Request GET = Request.read("reading vip \"web\"", "vip \"web\"");
  static final Request MOVE =
      Request.write("move of vip \"web\"", "vip \"web\"", "raftvip vip get web");

  @Test
  void everyCodeHasItsExitCode() {
    for (Status.Code code : Status.Code.values()) {
      int expected =
          switch (code) {
            case OK -> ExitCodes.OK;
            case INVALID_ARGUMENT -> ExitCodes.USAGE;
            case UNAVAILABLE, DEADLINE_EXCEEDED -> ExitCodes.UNAVAILABLE;
            case NOT_FOUND -> ExitCodes.NOT_FOUND;
            case ALREADY_EXISTS, FAILED_PRECONDITION, OUT_OF_RANGE -> ExitCodes.REJECTED;
            case UNAUTHENTICATED, PERMISSION_DENIED -> ExitCodes.DENIED;
            default -> ExitCodes.FAILURE;
          };
      assertThat(StatusMapping.exitCode(code)).as(code.toString()).isEqualTo(expected);
    }
    assertThat(ExitCodes.adminHelp()).containsOnlyKeys("0", "1", "2", "3", "4", "5", "6");
  }

  @Test
  void theServersDescriptionIsTheMessage() {
    CommandFailedException f =
        StatusMapping.failure(
            Status.NOT_FOUND.withDescription("vip \"web\" not found"),
            FROM,
            GET,
            Duration.ofSeconds(10));

    assertThat(f.exitCode()).isEqualTo(4);
    assertThat(f.getMessage()).isEqualTo("vip \"web\" not found (NOT_FOUND from 198.18.0.11:7100)");
  }

  @Test
  void withoutDescriptionTheClientSaysWhatItAsked() {
    assertThat(
            StatusMapping.failure(Status.NOT_FOUND, FROM, GET, Duration.ofSeconds(1)).getMessage())
        .isEqualTo("vip \"web\" not found (NOT_FOUND from 198.18.0.11:7100)");
    assertThat(
            StatusMapping.failure(Status.ALREADY_EXISTS, FROM, GET, Duration.ofSeconds(1))
                .getMessage())
        .isEqualTo("vip \"web\" already exists (ALREADY_EXISTS from 198.18.0.11:7100)");
    assertThat(
            StatusMapping.failure(Status.UNAVAILABLE, FROM, GET, Duration.ofSeconds(1))
                .getMessage())
        .isEqualTo(
            "no quorum or no leader right now; retry later (UNAVAILABLE from 198.18.0.11:7100)");
    assertThat(StatusMapping.failure(Status.INTERNAL, FROM, MOVE, Duration.ofSeconds(1)).exitCode())
        .isEqualTo(1);
  }

  @Test
  void aDeadlineOnAWriteSaysItMayStillCommit() {
    CommandFailedException f =
        StatusMapping.failure(
            Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded after 9.9s [junk]"),
            FROM,
            MOVE,
            Duration.ofMillis(1500));
    CommandFailedException read =
        StatusMapping.failure(Status.DEADLINE_EXCEEDED, FROM, GET, Duration.ofSeconds(2));

    assertThat(f.exitCode()).isEqualTo(3);
    assertThat(f.getMessage())
        .isEqualTo(
            "move of vip \"web\" did not finish within 1.5s; the change may still commit; check"
                + " with raftvip vip get web (DEADLINE_EXCEEDED waiting for 198.18.0.11:7100)");
    assertThat(read.getMessage())
        .isEqualTo(
            "reading vip \"web\" did not finish within 2s (DEADLINE_EXCEEDED waiting for"
                + " 198.18.0.11:7100)");
  }

  @Test
  void serverMessagesBecomeOneBoundedLine() {
    String longText = "x".repeat(1000);
    CommandFailedException f =
        StatusMapping.failure(
            Status.FAILED_PRECONDITION.withDescription("a\nb\t" + longText),
            FROM,
            MOVE,
            Duration.ofSeconds(1));

    assertThat(f.getMessage()).startsWith("a b xxx").doesNotContain("\n");
    assertThat(f.getMessage().length()).isLessThan(StatusMapping.DESCRIPTION_LENGTH_MAX + 60);
  }

  @Test
  void transportReasonsAreShort() {
    assertThat(
            StatusMapping.transportReason(
                Status.UNAVAILABLE.withCause(
                    new RuntimeException(
                        "wrapper", new ConnectException("Connection refused: /127.0.0.1:1")))))
        .isEqualTo("connection refused");
    assertThat(
            StatusMapping.transportReason(
                Status.UNAVAILABLE.withCause(
                    new RuntimeException("finishConnect(..) failed with error(-111)"))))
        .isEqualTo("connection refused");
    assertThat(
            StatusMapping.transportReason(
                Status.UNAVAILABLE.withCause(new java.net.UnknownHostException("nohost"))))
        .isEqualTo("unknown host");
    assertThat(
            StatusMapping.transportReason(
                Status.UNAVAILABLE.withCause(new ConnectException("connection timed out: /x"))))
        .isEqualTo("connect timed out");
    assertThat(AdminClient.isTransportFailure(Status.UNAVAILABLE.withDescription("no quorum")))
        .isFalse();
    assertThat(
            AdminClient.isTransportFailure(
                Status.UNAVAILABLE.withCause(new ConnectException("refused"))))
        .isTrue();
  }
}
