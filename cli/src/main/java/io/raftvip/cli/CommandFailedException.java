package io.raftvip.cli;

/**
 * A command failed in a way it has already described completely: the handler in {@link Main} prints
 * {@code raftvip: <message>} and exits with {@link #exitCode()}, without the "--verbose" hint (the
 * stack trace still comes with {@code --verbose}).
 */
public final class CommandFailedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int exitCode;

  /**
   * @param exitCode one of {@link ExitCodes}
   * @param message one line, naming the subject and the reason
   * @param cause what failed underneath, shown only with {@code --verbose}; may be null
   */
  public CommandFailedException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    if (exitCode <= ExitCodes.OK || exitCode > 125) {
      throw new IllegalArgumentException("exit code " + exitCode + " is not a failure code");
    }
    this.exitCode = exitCode;
  }

  /** The process exit code, one of {@link ExitCodes}. */
  public int exitCode() {
    return exitCode;
  }
}
