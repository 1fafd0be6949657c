package io.raftvip.netio.nl;

/**
 * The kernel sent bytes that do not parse as netlink: a length that runs past the datagram, a
 * truncated struct or attribute. Never expected from a working kernel, so it is a plain runtime
 * exception for the caller to log, not a typed operating error.
 */
public final class MalformedMessageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MalformedMessageException(String message) {
    super(message);
  }
}
