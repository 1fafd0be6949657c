package io.raftvip.netio;

import java.util.Optional;

/**
 * A request was malformed: either raftvip rejected a value before sending (errno 0, e.g. prefix
 * length 33 for IPv4) or the kernel answered EINVAL/ERANGE, usually with an extended-ACK text that
 * names the bad attribute.
 */
public final class InvalidArgument extends RtnetlinkException {
  private static final long serialVersionUID = 1L;

  private final String kernelMessage;

  /** A value raftvip rejected before sending anything. */
  public InvalidArgument(String operation, String object, String detail) {
    super(operation, object, 0, detail, null);
    this.kernelMessage = null;
  }

  /** The kernel's rejection, with its extended-ACK text when it sent one. */
  public InvalidArgument(String operation, String object, int errno, String kernelMessage) {
    super(operation, object, errno, withKernelText(describe(errno), kernelMessage), null);
    this.kernelMessage = kernelMessage;
  }

  /** The kernel's extended-ACK text (NLMSGERR_ATTR_MSG), if any. */
  public Optional<String> kernelMessage() {
    return Optional.ofNullable(kernelMessage);
  }
}
