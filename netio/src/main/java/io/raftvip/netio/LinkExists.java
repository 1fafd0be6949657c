package io.raftvip.netio;

/** A link with that name already exists (EEXIST on an exclusive create). */
public final class LinkExists extends RtnetlinkException {
  private static final long serialVersionUID = 1L;

  public LinkExists(String operation, String object, int errno, String kernelMessage) {
    super(
        operation,
        object,
        errno,
        withKernelText("interface exists (" + Errno.name(errno) + ")", kernelMessage),
        null);
  }
}
