package io.raftvip.testlan;

/**
 * The test LAN could not do what was asked: a namespace could not be built, a command timed out, a
 * capture did not start, or the environment lacks root or a tool. Unchecked because a test can only
 * fail on it.
 */
public class TestLanException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message naming the namespace, command or value involved.
   *
   * @param message what failed, with context
   */
  public TestLanException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and the underlying cause.
   *
   * @param message what failed, with context
   * @param cause the underlying failure
   */
  public TestLanException(String message, Throwable cause) {
    super(message, cause);
  }
}
