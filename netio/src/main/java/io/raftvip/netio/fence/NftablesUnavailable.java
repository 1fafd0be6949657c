package io.raftvip.netio.fence;

import io.raftvip.netio.NetioException;

/**
 * The fence cannot be driven on this host: libnftables is missing (Debian/Ubuntu package {@code
 * libnftables1}, pulled in by {@code nftables}) or the kernel has no nf_tables netlink. Raised
 * once, at {@link NftablesFence#open}; an agent that gets it must not take any VIP.
 */
public final class NftablesUnavailable extends NetioException {
  private static final long serialVersionUID = 1L;

  /** The package that provides libnftables.so.1 on Debian and Ubuntu. */
  public static final String DEBIAN_PACKAGE = "libnftables1";

  public NftablesUnavailable(String object, int errno, String detail, Throwable cause) {
    super("open nftables fence", object, errno, detail, cause);
  }
}
