package io.raftvip.netio;

/** No link with that name or index exists in this network namespace (ENODEV). */
public final class NoSuchInterface extends RtnetlinkException {
  private static final long serialVersionUID = 1L;

  /**
   * @param errno the kernel's errno (usually ENODEV), or 0 when a lookup found nothing
   */
  public NoSuchInterface(String operation, String object, int errno) {
    super(
        operation,
        object,
        errno,
        errno == 0 ? "no such interface" : "no such interface (" + Errno.name(errno) + ")",
        null);
  }
}
