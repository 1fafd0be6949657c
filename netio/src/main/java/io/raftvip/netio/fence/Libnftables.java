package io.raftvip.netio.fence;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.raftvip.netio.sys.LibC;

/**
 * One libnftables context ({@code struct nft_ctx}) with buffered output and error text.
 *
 * <p>The context's netfilter netlink socket is opened by {@code nft_ctx_new} and stays in the
 * network namespace of the thread that created it (verified: a context made in namespace A and used
 * from a thread in namespace B changes A). Name lookups that libnftables does while evaluating
 * (e.g. {@code meta oif "eth0"}) open a fresh rtnetlink socket in the <em>calling</em> thread's
 * namespace, and a context is not thread-safe, so {@link NftablesFence} confines each context to
 * the one thread that created it.
 *
 * <p>Not thread-safe; not for use outside this package.
 */
final class Libnftables implements AutoCloseable {

  /** The C API of libnftables.so.1 (nftables/libnftables.h) that we use. */
  interface Api extends Library {
    Pointer nft_ctx_new(int flags);

    int nft_ctx_buffer_output(Pointer ctx);

    int nft_ctx_buffer_error(Pointer ctx);

    int nft_run_cmd_from_buffer(Pointer ctx, String buf);

    String nft_ctx_get_output_buffer(Pointer ctx);

    String nft_ctx_get_error_buffer(Pointer ctx);

    void nft_ctx_free(Pointer ctx);
  }

  /** {@code NETLINK_NETFILTER}, the protocol nf_tables speaks. */
  private static final int NETLINK_NETFILTER = 12;

  private static final int NFT_CTX_DEFAULT = 0;

  private static volatile Api api;

  private final Api lib;
  private Pointer ctx;

  private Libnftables(Api lib, Pointer ctx) {
    this.lib = lib;
    this.ctx = ctx;
  }

  /** Loads the library (once per JVM). */
  static Api load() {
    Api loaded = api;
    if (loaded != null) {
      return loaded;
    }
    synchronized (Libnftables.class) {
      if (api == null) {
        api = loadUncached();
      }
      return api;
    }
  }

  private static Api loadUncached() {
    UnsatisfiedLinkError first;
    try {
      // JNA picks the highest libnftables.so.N on the search path; no -dev symlink needed.
      return Native.load("nftables", Api.class);
    } catch (UnsatisfiedLinkError e) {
      first = e;
    }
    try {
      return Native.load("libnftables.so.1", Api.class);
    } catch (UnsatisfiedLinkError e) {
      e.addSuppressed(first);
      throw new NftablesUnavailable(
          "libnftables.so.1",
          0,
          "cannot load libnftables; install the Debian/Ubuntu package "
              + NftablesUnavailable.DEBIAN_PACKAGE
              + " (apt-get install "
              + NftablesUnavailable.DEBIAN_PACKAGE
              + ")",
          e);
    }
  }

  /**
   * A new context in the calling thread's network namespace.
   *
   * @throws NftablesUnavailable if the library is missing or the kernel has no nf_tables netlink
   */
  static Libnftables open() {
    Api lib = load();
    // libnftables 1.0.x calls exit() when it cannot open its netlink socket
    // (netlink_init_error), which would kill the JVM: try the same socket first ourselves.
    try {
      int fd = LibC.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, NETLINK_NETFILTER);
      LibC.close(fd);
    } catch (LastErrorException e) {
      throw new NftablesUnavailable(
          "netfilter netlink socket",
          e.getErrorCode(),
          "kernel refuses NETLINK_NETFILTER sockets ("
              + LibC.errorText(e.getErrorCode())
              + "); is nf_tables built or loadable?",
          e);
    }
    Pointer ctx = lib.nft_ctx_new(NFT_CTX_DEFAULT);
    if (ctx == null) {
      throw new NftablesUnavailable("nft_ctx_new", 0, "nft_ctx_new returned NULL", null);
    }
    if (lib.nft_ctx_buffer_output(ctx) != 0 || lib.nft_ctx_buffer_error(ctx) != 0) {
      lib.nft_ctx_free(ctx);
      throw new NftablesUnavailable("nft_ctx_buffer_output", 0, "cannot buffer nft output", null);
    }
    return new Libnftables(lib, ctx);
  }

  /**
   * Runs {@code commands} (newline-separated nft commands) as one batch and returns nft's output.
   *
   * @throws NftablesCommandFailed with nft's error text when the batch is rejected
   */
  String run(String operation, String object, String commands) {
    if (ctx == null) {
      throw new IllegalStateException("libnftables context already freed");
    }
    int rc = lib.nft_run_cmd_from_buffer(ctx, commands);
    // Reading a buffer rewinds it; read both every time so neither grows across calls.
    String out = lib.nft_ctx_get_output_buffer(ctx);
    String err = lib.nft_ctx_get_error_buffer(ctx);
    if (rc != 0) {
      throw new NftablesCommandFailed(operation, object, errnoIn(err), commands, err);
    }
    return out == null ? "" : out;
  }

  /**
   * The errno whose C library text appears in nft's error buffer ("Could not process rule: No such
   * file or directory"), or 0. libnftables does not return the errno itself.
   */
  static int errnoIn(String nftError) {
    if (nftError == null) {
      return 0;
    }
    for (int errno = 1; errno < 134; errno++) {
      String text = LibC.errorText(errno);
      if (!text.startsWith("Unknown error") && nftError.contains(": " + text)) {
        return errno;
      }
    }
    return 0;
  }

  @Override
  public void close() {
    if (ctx != null) {
      lib.nft_ctx_free(ctx);
      ctx = null;
    }
  }
}
