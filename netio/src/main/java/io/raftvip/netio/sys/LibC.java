package io.raftvip.netio.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The few libc calls netio needs, bound through JNA direct mapping.
 *
 * <p>Every method throws {@link LastErrorException} on failure (JNA fills in errno); callers turn
 * that into a typed {@code NetioException} with the operation and object in hand. Nothing here
 * blocks except {@link #recv}, {@link #recvfrom} and {@link #poll}, whose timeouts the caller sets.
 *
 * <p>Thread rule: all methods are thread-safe system calls; the descriptors they act on are owned
 * by exactly one Java object each.
 */
public final class LibC {
  static {
    Native.register(LibC.class, "c");
  }

  private LibC() {}

  public static final int AF_UNSPEC = 0;
  public static final int AF_INET = 2;
  public static final int AF_NETLINK = 16;
  public static final int AF_PACKET = 17;
  public static final int AF_INET6 = 10;

  public static final int SOCK_RAW = 3;
  public static final int SOCK_DGRAM = 2;
  public static final int SOCK_CLOEXEC = 0x80000;

  public static final int SOL_SOCKET = 1;
  public static final int SO_RCVBUF = 8;
  public static final int SO_SNDBUF = 7;
  public static final int SO_RCVTIMEO = 20;
  public static final int SO_RCVBUFFORCE = 33;

  public static final int SOL_NETLINK = 270;
  public static final int SOL_PACKET = 263;

  public static final int MSG_DONTWAIT = 0x40;
  public static final int MSG_PEEK = 0x02;
  public static final int MSG_TRUNC = 0x20;

  public static final short POLLIN = 0x001;

  public static final int EINTR = 4;
  public static final int EAGAIN = 11;
  public static final int ENOBUFS = 105;

  public static native int socket(int domain, int type, int protocol) throws LastErrorException;

  public static native int bind(int fd, byte[] addr, int addrLen) throws LastErrorException;

  public static native int getsockname(int fd, byte[] addr, int[] addrLen)
      throws LastErrorException;

  public static native int setsockopt(int fd, int level, int name, byte[] value, int len)
      throws LastErrorException;

  public static native long send(int fd, byte[] buf, long len, int flags) throws LastErrorException;

  public static native long sendto(
      int fd, byte[] buf, long len, int flags, byte[] destAddr, int addrLen)
      throws LastErrorException;

  public static native long recv(int fd, byte[] buf, long len, int flags) throws LastErrorException;

  public static native long recvfrom(
      int fd, byte[] buf, long len, int flags, byte[] srcAddr, int[] addrLen)
      throws LastErrorException;

  /** {@code struct pollfd} is {int fd; short events; short revents}: 8 bytes per entry. */
  public static native int poll(byte[] pollfds, long nfds, int timeoutMs) throws LastErrorException;

  public static native int close(int fd) throws LastErrorException;

  public static native int if_nametoindex(String name) throws LastErrorException;

  public static native Pointer strerror(int errnum);

  /** Interface index by name on a socket: resolved in the socket's netns, not the thread's. */
  public static final long SIOCGIFINDEX = 0x8933;

  /** Hardware address by name on a socket ({@code ifr_hwaddr}: u16 family + 14 data bytes). */
  public static final long SIOCGIFHWADDR = 0x8927;

  /** {@code struct ifreq}: 16-byte name + 24-byte union. */
  public static final int IFREQ_SIZE = 40;

  /**
   * {@code ioctl(fd, request, struct *)}. Variadic in C; passing one pointer through direct mapping
   * is ABI-safe on the 64-bit Linux targets (no floating-point arguments).
   */
  public static native int ioctl(int fd, long request, byte[] arg) throws LastErrorException;

  /** The C library's text for an errno, e.g. "File exists" for 17. */
  public static String errorText(int errno) {
    Pointer p = strerror(errno);
    return p == null ? "errno " + errno : p.getString(0);
  }

  /** A 32-bit int in host (little-endian on every platform we ship) byte order, for setsockopt. */
  public static byte[] intValue(int v) {
    return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
  }
}
