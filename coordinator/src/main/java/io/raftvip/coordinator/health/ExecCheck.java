package io.raftvip.coordinator.health;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Runs a command; exit code 0 passes. On timeout the command and its descendants are killed by PID
 * (see {@link BoundedProcess}) and the run fails.
 *
 * @param command the program and its arguments (no shell: wrap in {@code /bin/sh -c} to get one)
 * @param timeout how long one run may take, 1 ms .. 1 h
 */
public record ExecCheck(List<String> command, Duration timeout) implements HealthCheck {

  /** Output kept for the failure reason: the first line is what operators print. */
  static final int OUTPUT_BYTES_MAX = 4096;

  public ExecCheck {
    command = BoundedProcess.checkCommand(command, "exec check");
    HealthCheck.checkTimeout(timeout, "exec check " + command.get(0));
  }

  @Override
  public CheckResult run() throws InterruptedException {
    BoundedProcess.Outcome o;
    try {
      o = BoundedProcess.run(command, timeout, OUTPUT_BYTES_MAX);
    } catch (IOException e) {
      return CheckResult.fail("cannot start " + command.get(0) + ": " + e.getMessage());
    }
    if (o.timedOut()) {
      return CheckResult.fail(
          "timed out after "
              + timeout.toMillis()
              + " ms; killed pid "
              + o.pid()
              + " and its descendants ("
              + o.killed()
              + " processes)");
    }
    int code = o.exitCode().getAsInt();
    String line = o.firstLine();
    String reason = "exit " + code + (line.isEmpty() ? "" : ": " + line);
    return code == 0 ? CheckResult.pass(reason) : CheckResult.fail(reason);
  }
}
