package io.raftvip.netio;

import java.util.Optional;

/** Any other failure of a netlink call or of the socket itself, with the errno and kernel text. */
public final class KernelError extends RtnetlinkException {
  private static final long serialVersionUID = 1L;

  private final String kernelMessage;

  public KernelError(String operation, String object, int errno, String kernelMessage) {
    this(operation, object, errno, kernelMessage, null);
  }

  public KernelError(
      String operation, String object, int errno, String kernelMessage, Throwable cause) {
    super(operation, object, errno, withKernelText(describe(errno), kernelMessage), cause);
    this.kernelMessage = kernelMessage;
  }

  /** A failure that did not come with an errno, e.g. a malformed or oversized reply. */
  static KernelError of(String operation, String object, String detail, Throwable cause) {
    return new KernelError(operation, object, detail, cause);
  }

  private KernelError(String operation, String object, String detail, Throwable cause) {
    super(operation, object, 0, detail, cause);
    this.kernelMessage = null;
  }

  /** The kernel's extended-ACK text (NLMSGERR_ATTR_MSG), if any. */
  public Optional<String> kernelMessage() {
    return Optional.ofNullable(kernelMessage);
  }
}
