package io.raftvip.netio;

/**
 * raftvip refuses to change or remove an address or link it did not create: its IFA_PROTO (for
 * addresses) or IFLA_IFALIAS (for links) does not carry raftvip's mark. No request was sent.
 *
 * <p>The message reads like "198.18.0.11/24 on eth0 (ifindex 2) was not added by raftvip (proto 0);
 * refusing to delete it".
 */
public final class NotOwnedByRaftvip extends RtnetlinkException {
  private static final long serialVersionUID = 1L;

  private final String message;

  /**
   * @param operation the refused operation, e.g. "delete address"
   * @param object the object, e.g. "198.18.0.11/24 on eth0 (ifindex 2)"
   * @param why what the object carries instead of raftvip's mark, e.g. "proto 0" or "alias none"
   * @param refusedAction the verb refused, e.g. "delete it"
   */
  public NotOwnedByRaftvip(String operation, String object, String why, String refusedAction) {
    super(operation, object, 0, "not added by raftvip (" + why + ")", null);
    this.message = object + " was not added by raftvip (" + why + "); refusing to " + refusedAction;
  }

  @Override
  public String getMessage() {
    return message;
  }
}
