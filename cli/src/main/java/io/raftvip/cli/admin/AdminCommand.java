package io.raftvip.cli.admin;

import io.grpc.Deadline;
import io.grpc.Status;
import io.raftvip.cli.CommandFailedException;
import io.raftvip.cli.ExitCodes;
import io.raftvip.cli.Json;
import io.raftvip.cli.admin.ConnectionOptions.Settings;
import io.raftvip.cli.admin.StatusMapping.Request;
import java.io.PrintWriter;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What every admin command does the same way: check the input locally (exit 2, no call), resolve
 * the connection options, open one {@link AdminClient} for the command's deadline, run, close.
 * Failures leave as {@link CommandFailedException}, mapped to an exit code by {@code Main}.
 */
abstract class AdminCommand implements Callable<Integer> {

  /** How often commands that wait read the state back; far below human patience. */
  static final long POLL_INTERVAL_MS = 100;

  @Spec CommandSpec spec;

  @Mixin ConnectionOptions connection;

  /** Set by {@link AdminCommands}' factory when the command is created. */
  AdminChannelFactory channels = AdminChannelFactory.NETTY;

  @Override
  public final Integer call() {
    try {
      checkInput();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    Settings settings = connection.resolve(spec);
    try (AdminClient client = new AdminClient(settings, channels, deadline(settings))) {
      return execute(client, settings);
    }
  }

  /**
   * Checks the arguments before anything is sent.
   *
   * @throws IllegalArgumentException naming the option and the bad value
   */
  void checkInput() {}

  /** The command's work; returns its exit code. */
  abstract int execute(AdminClient client, Settings settings);

  /** The deadline of every call of this command: now + --timeout. */
  Deadline deadline(Settings settings) {
    return Deadline.after(settings.timeout().toNanos(), TimeUnit.NANOSECONDS);
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Prints the JSON or the text form of a result on stdout. */
  void print(Settings settings, Supplier<Object> json, Supplier<String> text) {
    PrintWriter out = out();
    if (settings.json()) {
      out.println(Json.write(json.get()));
    } else {
      out.print(text.get());
    }
    out.flush();
  }

  /**
   * Waits {@link #POLL_INTERVAL_MS} (less if the deadline is nearer).
   *
   * @return false when the deadline has passed
   */
  static boolean pause(Deadline deadline) {
    long leftMs = deadline.timeRemaining(TimeUnit.MILLISECONDS);
    if (leftMs <= 0) {
      return false;
    }
    try {
      Thread.sleep(Math.min(POLL_INTERVAL_MS, leftMs));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandFailedException(ExitCodes.FAILURE, "interrupted while waiting", e);
    }
    return !deadline.isExpired();
  }

  /** The deadline failure of a wait that ran out, from the endpoint that answered last. */
  static CommandFailedException timedOut(AdminClient client, Request request, Settings s) {
    return StatusMapping.failure(
        Status.DEADLINE_EXCEEDED,
        Objects.requireNonNullElse(client.answeredBy(), s.endpoints().get(0)),
        request,
        s.timeout());
  }
}
