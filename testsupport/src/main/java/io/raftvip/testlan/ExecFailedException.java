package io.raftvip.testlan;

import java.util.List;

/** A command run by {@code execOrThrow} exited with a non-zero status. */
public final class ExecFailedException extends TestLanException {
  private static final long serialVersionUID = 1L;

  private final List<String> command;
  private final transient ExecResult result;

  ExecFailedException(List<String> command, ExecResult result) {
    super(
        "command failed with exit code "
            + result.exitCode()
            + ": "
            + String.join(" ", command)
            + (result.stderr().isBlank() ? "" : "\nstderr: " + result.stderr().strip()));
    this.command = List.copyOf(command);
    this.result = result;
  }

  /** Returns the full command line that failed, including the {@code ip netns exec} prefix. */
  public List<String> command() {
    return command;
  }

  /** Returns the non-zero exit status. */
  public int exitCode() {
    return result.exitCode();
  }

  /** Returns what the command wrote to standard error. */
  public String stderr() {
    return result.stderr();
  }

  /** Returns the whole result, including standard output. */
  public ExecResult result() {
    return result;
  }
}
