package io.raftvip.netio;

/** The address is not configured on the interface (not in a dump, or EADDRNOTAVAIL). */
public final class AddressNotFound extends RtnetlinkException {
  private static final long serialVersionUID = 1L;

  /**
   * @param errno the kernel's errno, or 0 when a lookup found nothing
   */
  public AddressNotFound(String operation, String object, int errno) {
    super(
        operation,
        object,
        errno,
        errno == 0 ? "no such address" : "no such address (" + Errno.name(errno) + ")",
        null);
  }
}
