package io.raftvip.netio.announce;

import io.raftvip.netio.NetioException;
import io.raftvip.netio.sys.LibC;

/**
 * {@code sendto} on the packet socket failed for a reason other than the fence, e.g. ENETDOWN (the
 * interface is down) or EMSGSIZE; carries the errno.
 */
public final class AnnouncementFailed extends NetioException {
  private static final long serialVersionUID = 1L;

  public AnnouncementFailed(String object, int errno, Throwable cause) {
    super(
        "send announcement",
        object,
        errno,
        LibC.errorText(errno) + " (errno " + errno + ")",
        cause);
  }
}
