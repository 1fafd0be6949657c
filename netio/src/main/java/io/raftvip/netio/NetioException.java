package io.raftvip.netio;

/**
 * Root of every operating error netio reports: a kernel call that failed, an object that does not
 * exist, or a refusal to touch something raftvip does not own.
 *
 * <p>Unchecked, because callers (the effect executor) handle all of them in one place; each
 * subclass names a condition the caller may want to react to on its own (an address that already
 * exists, a missing interface, a missing capability). Every instance carries the operation ("add
 * address"), the object ("198.18.0.200/32 on eth0 (ifindex 2)") and the errno (0 when the error did
 * not come from the kernel), and its message reads "operation object: detail".
 *
 * <p>Not sealed: the rtnetlink, fence and announcer packages each add their own subclasses beside
 * this class.
 */
public abstract class NetioException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String operation;
  private final String object;
  private final int errno;

  /**
   * @param operation what was attempted, e.g. "add address"
   * @param object the kernel object it was attempted on, e.g. "198.18.0.200/32 on eth0 (ifindex 2)"
   * @param errno the kernel's errno (positive), or 0 when none
   * @param detail why it failed, e.g. "address exists (EEXIST)"
   * @param cause the underlying exception, or null
   */
  protected NetioException(
      String operation, String object, int errno, String detail, Throwable cause) {
    super(message(operation, object, detail), cause);
    this.operation = operation;
    this.object = object;
    this.errno = errno;
  }

  private static String message(String operation, String object, String detail) {
    StringBuilder sb = new StringBuilder(operation == null ? "" : operation);
    if (object != null && !object.isEmpty()) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(object);
    }
    if (detail != null && !detail.isEmpty()) {
      sb.append(sb.length() > 0 ? ": " : "").append(detail);
    }
    return sb.toString();
  }

  /** The kernel's errno (positive, e.g. 17 for EEXIST), or 0 when the error is not from a call. */
  public int errno() {
    return errno;
  }

  /** What was attempted, e.g. "add address". */
  public String operation() {
    return operation;
  }

  /** The object it was attempted on, e.g. "198.18.0.200/32 on eth0 (ifindex 2)". */
  public String object() {
    return object;
  }
}
