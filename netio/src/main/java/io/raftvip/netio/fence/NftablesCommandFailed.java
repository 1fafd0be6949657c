package io.raftvip.netio.fence;

import io.raftvip.netio.NetioException;

/**
 * nf_tables rejected a command batch, given as nft text to libnftables or as a raw netlink lease
 * batch. Nothing of the batch was applied (nf_tables commits a batch atomically or not at all).
 * Carries the command text (for a raw netlink batch: the equivalent nft text) and the error text:
 * nft's own, which points at the offending token, e.g. "Error: Could not process rule: No such file
 * or directory", or the kernel's answer naming the rejected message, e.g. "kernel rejected add
 * element inet raftvip_fence lease4 (1 element): No such file or directory (errno 2)". A raw batch
 * the kernel did not answer in time fails with ETIMEDOUT; whether it applied is then unknown.
 */
public final class NftablesCommandFailed extends NetioException {
  private static final long serialVersionUID = 1L;

  private final String commands;
  private final String nftError;

  /**
   * @param operation e.g. "renew fence lease"
   * @param object e.g. "198.18.0.50"
   * @param errno the kernel's errno (for libnftables: the one recognised in nft's error text), or 0
   * @param commands the batch that was run, as nft text
   * @param nftError nft's error buffer, or the kernel's answer to a raw netlink batch
   */
  public NftablesCommandFailed(
      String operation, String object, int errno, String commands, String nftError) {
    super(operation, object, errno, detail(nftError, commands), null);
    this.commands = commands;
    this.nftError = nftError;
  }

  private static String detail(String nftError, String commands) {
    String error = nftError == null || nftError.isBlank() ? "(no error text)" : nftError.strip();
    return "nftables rejected the batch: " + error + "\n--- batch ---\n" + commands.strip();
  }

  /** The command batch given to libnftables. */
  public String commands() {
    return commands;
  }

  /** libnftables' error buffer, or the kernel's answer to a raw netlink batch. */
  public String nftError() {
    return nftError;
  }
}
