package io.raftvip.testlan;

/**
 * Outcome of a finished command: its exit code and everything it wrote, decoded as UTF-8.
 *
 * @param exitCode the process exit status; 0 means success
 * @param stdout standard output, never null
 * @param stderr standard error, never null
 */
public record ExecResult(int exitCode, String stdout, String stderr) {

  /** Validates that both outputs are present. */
  public ExecResult {
    if (stdout == null || stderr == null) {
      throw new IllegalArgumentException("stdout and stderr must not be null");
    }
  }

  /** Returns whether the command exited with status 0. */
  public boolean ok() {
    return exitCode == 0;
  }
}
