package io.raftvip.netio;

/**
 * The kernel did not answer within the request timeout. The request may or may not have been
 * applied; read the state back before retrying.
 */
public final class NetlinkTimeout extends RtnetlinkException {
  private static final long serialVersionUID = 1L;

  public NetlinkTimeout(String operation, String object, long timeoutMs) {
    super(
        operation,
        object,
        Errno.ETIMEDOUT,
        "no answer from the kernel within " + timeoutMs + " ms",
        null);
  }
}
