package io.raftvip.testlan;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * The libc calls the fixture needs: three for {@link Host#inNetns} to move the calling thread into
 * a named network namespace, and the socket calls of the probe tools ({@code
 * io.raftvip.testlan.probe}: AF_PACKET frames, a UDP socket with kernel receive timestamps).
 *
 * <p>Public only so that {@code io.raftvip.testlan.probe} can reach it; it is not an API for other
 * modules: netio owns the production bindings, and testsupport must not depend on netio (netio's
 * tests depend on testsupport). Every call is a thread-safe system call; failures throw {@link
 * LastErrorException} carrying errno.
 */
public interface Libc extends Library {
  /** open(2) flags from asm-generic/fcntl.h, identical on x86_64 and aarch64. */
  int O_RDONLY = 0;

  /** Close the namespace fd in any child the JVM forks while we hold it. */
  int O_CLOEXEC = 0x80000;

  /** From linux/sched.h: the namespace type for setns(2). */
  int CLONE_NEWNET = 0x40000000;

  int AF_INET = 2;
  int AF_PACKET = 17;
  int SOCK_DGRAM = 2;
  int SOCK_RAW = 3;
  int SOCK_CLOEXEC = 0x80000;

  /** setsockopt level and option for packet sockets (linux/if_packet.h). */
  int SOL_PACKET = 263;

  int PACKET_ADD_MEMBERSHIP = 1;
  int PACKET_MR_PROMISC = 1;

  short POLLIN = 0x001;
  int MSG_DONTWAIT = 0x40;

  int EINTR = 4;
  int EAGAIN = 11;
  int ENOENT = 2;

  /** ioctl requests (linux/sockios.h), identical on x86_64 and aarch64. */
  long SIOCGIFINDEX = 0x8933;

  long SIOCGIFHWADDR = 0x8927;

  /** Kernel receive time of the last packet read, struct timespec of CLOCK_REALTIME. */
  long SIOCGSTAMPNS = 0x8907;

  int open(String path, int flags) throws LastErrorException;

  int socket(int domain, int type, int protocol) throws LastErrorException;

  int bind(int fd, byte[] address, int addressLength) throws LastErrorException;

  int setsockopt(int fd, int level, int name, byte[] value, int valueLength)
      throws LastErrorException;

  long sendto(int fd, byte[] buf, long length, int flags, byte[] address, int addressLength)
      throws LastErrorException;

  long recvfrom(int fd, byte[] buf, long length, int flags, byte[] address, int[] addressLength)
      throws LastErrorException;

  /** {@code struct pollfd} is {int fd; short events; short revents}: 8 bytes per entry. */
  int poll(byte[] pollfds, long count, int timeoutMs) throws LastErrorException;

  /**
   * {@code ioctl(fd, request, struct *)}: variadic in C; one pointer argument is ABI-safe on the
   * 64-bit Linux targets (netio's binding does the same).
   */
  int ioctl(int fd, long request, byte[] argument) throws LastErrorException;

  int setns(int fd, int nstype) throws LastErrorException;

  int close(int fd) throws LastErrorException;

  /** Loads libc lazily so that a JVM which never calls inNetns or a probe never loads JNA. */
  final class Holder {
    /** The binding; loaded on first use. */
    public static final Libc LIBC = Native.load("c", Libc.class);

    private Holder() {}
  }

  /**
   * Moves the calling thread into the network namespace bound at {@code path}. The thread cannot go
   * back: callers use a fresh thread and let it end.
   */
  static void enterNetworkNamespace(String path) {
    Libc libc = Holder.LIBC;
    int fd;
    try {
      fd = libc.open(path, O_RDONLY | O_CLOEXEC);
    } catch (LastErrorException e) {
      throw new TestLanException("open " + path + " failed: errno " + e.getErrorCode(), e);
    }
    try {
      libc.setns(fd, CLONE_NEWNET);
    } catch (LastErrorException e) {
      throw new TestLanException(
          "setns(" + path + ", CLONE_NEWNET) failed: errno " + e.getErrorCode(), e);
    } finally {
      try {
        libc.close(fd);
      } catch (LastErrorException e) {
        // The thread is already in the namespace; a failed close leaks one fd of a test JVM.
      }
    }
  }
}
