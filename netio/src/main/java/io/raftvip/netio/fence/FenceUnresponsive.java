package io.raftvip.netio.fence;

import io.raftvip.netio.NetioException;

/**
 * The fence thread did not finish a command in time, or the waiting caller was interrupted. The
 * command may still run later. That is safe: a renewal converts its deadline to a timeout only when
 * it runs, so a late renewal never reaches past the caller's deadline. The caller must treat the
 * VIP's lease as unknown (not held) until a later renewal succeeds.
 */
public final class FenceUnresponsive extends NetioException {
  private static final long serialVersionUID = 1L;

  public FenceUnresponsive(String operation, String object, String detail, Throwable cause) {
    super(operation, object, 0, detail, cause);
  }
}
