package io.raftvip.netio;

/** The address is already configured on the interface (EEXIST on an exclusive add). */
public final class AddressExists extends RtnetlinkException {
  private static final long serialVersionUID = 1L;

  public AddressExists(String operation, String object, int errno, String kernelMessage) {
    super(
        operation,
        object,
        errno,
        withKernelText("address exists (" + Errno.name(errno) + ")", kernelMessage),
        null);
  }
}
