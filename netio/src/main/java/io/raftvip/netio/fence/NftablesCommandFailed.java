package io.raftvip.netio.fence;

import io.raftvip.netio.NetioException;

/**
 * libnftables rejected a command batch. Nothing of the batch was applied (nf_tables commits a batch
 * atomically or not at all). Carries the command text and nft's own error text, which points at the
 * offending token, e.g. "Error: Could not process rule: No such file or directory".
 */
public final class NftablesCommandFailed extends NetioException {
  private static final long serialVersionUID = 1L;

  private final String commands;
  private final String nftError;

  /**
   * @param operation e.g. "renew fence lease"
   * @param object e.g. "198.18.0.50"
   * @param errno the errno recognised in nft's error text, or 0
   * @param commands the batch that was run
   * @param nftError nft's error buffer
   */
  public NftablesCommandFailed(
      String operation, String object, int errno, String commands, String nftError) {
    super(operation, object, errno, detail(nftError, commands), null);
    this.commands = commands;
    this.nftError = nftError;
  }

  private static String detail(String nftError, String commands) {
    String error = nftError == null || nftError.isBlank() ? "(no error text)" : nftError.strip();
    return "nft rejected the batch: " + error + "\n--- batch ---\n" + commands.strip();
  }

  /** The command batch given to libnftables. */
  public String commands() {
    return commands;
  }

  /** libnftables' error buffer. */
  public String nftError() {
    return nftError;
  }
}
