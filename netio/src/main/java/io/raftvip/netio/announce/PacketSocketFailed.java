package io.raftvip.netio.announce;

import io.raftvip.netio.NetioException;
import io.raftvip.netio.sys.LibC;

/**
 * An AF_PACKET socket could not be opened, bound, queried or read: usually EPERM (needs
 * CAP_NET_RAW) or an interface that went away between lookup and use.
 */
public final class PacketSocketFailed extends NetioException {
  private static final long serialVersionUID = 1L;

  public PacketSocketFailed(String operation, String object, int errno, Throwable cause) {
    super(operation, object, errno, LibC.errorText(errno) + hint(errno), cause);
  }

  private static String hint(int errno) {
    return errno == 1 ? "; AF_PACKET needs CAP_NET_RAW (run as root or grant it)" : "";
  }
}
