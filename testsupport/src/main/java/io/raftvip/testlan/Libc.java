package io.raftvip.testlan;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * The three libc calls {@link Host#inNetns} needs to move the calling thread into a named network
 * namespace. Private to the fixture on purpose: netio owns the production bindings.
 */
interface Libc extends Library {
  /** open(2) flags from asm-generic/fcntl.h, identical on x86_64 and aarch64. */
  int O_RDONLY = 0;

  /** Close the namespace fd in any child the JVM forks while we hold it. */
  int O_CLOEXEC = 0x80000;

  /** From linux/sched.h: the namespace type for setns(2). */
  int CLONE_NEWNET = 0x40000000;

  int open(String path, int flags) throws LastErrorException;

  int setns(int fd, int nstype) throws LastErrorException;

  int close(int fd) throws LastErrorException;

  /** Loads libc lazily so that a JVM which never calls inNetns never loads JNA. */
  final class Holder {
    static final Libc LIBC = Native.load("c", Libc.class);

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
