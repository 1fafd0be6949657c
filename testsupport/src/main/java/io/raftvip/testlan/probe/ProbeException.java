package io.raftvip.testlan.probe;

/** A probe tool could not do its work: a socket could not be opened, bound or configured. */
public final class ProbeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ProbeException(String message) {
    super(message);
  }

  public ProbeException(String message, Throwable cause) {
    super(message, cause);
  }
}
