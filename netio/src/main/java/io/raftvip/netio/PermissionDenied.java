package io.raftvip.netio;

/** The kernel refused the change for lack of privilege (EPERM or EACCES). */
public final class PermissionDenied extends RtnetlinkException {
  private static final long serialVersionUID = 1L;

  static final String HINT = "needs CAP_NET_ADMIN (run as root or grant the capability)";

  public PermissionDenied(String operation, String object, int errno) {
    super(operation, object, errno, describe(errno) + "; " + HINT, null);
  }
}
