package io.raftvip.netio;

/**
 * Every operating error of the rtnetlink classes ({@link NetlinkSocket}, {@link AddressTable},
 * {@link Links}, {@link Macvlan}, {@link NeighbourTable}, {@link NetlinkEvents}). Sealed so a
 * caller can switch over the conditions exhaustively; each permitted type is one condition a caller
 * may want to treat on its own.
 */
public abstract sealed class RtnetlinkException extends NetioException
    permits AddressExists,
        AddressNotFound,
        DumpInterrupted,
        InvalidArgument,
        KernelError,
        LinkExists,
        NetlinkTimeout,
        NoSuchInterface,
        NotOwnedByRaftvip,
        PermissionDenied {
  private static final long serialVersionUID = 1L;

  RtnetlinkException(String operation, String object, int errno, String detail, Throwable cause) {
    super(operation, object, errno, detail, cause);
  }

  /** "file exists (EEXIST)"-style text for an errno, from the C library. */
  static String describe(int errno) {
    return errnoText(errno) + " (" + Errno.name(errno) + ")";
  }

  private static String errnoText(int errno) {
    try {
      String s = io.raftvip.netio.sys.LibC.errorText(errno);
      return s.isEmpty() ? "error" : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      // Only in a JVM without libc bindings (never on Linux); the name alone still identifies it.
      return "errno " + errno;
    }
  }

  static String withKernelText(String detail, String kernelMessage) {
    return kernelMessage == null || kernelMessage.isEmpty()
        ? detail
        : detail + "; kernel says: " + kernelMessage;
  }
}
