package io.raftvip.netio.fence;

import com.sun.jna.LastErrorException;
import io.raftvip.netio.nl.MalformedMessageException;
import io.raftvip.netio.nl.NetlinkMessage;
import io.raftvip.netio.nl.NlMsgErr;
import io.raftvip.netio.nl.Nlmsg;
import io.raftvip.netio.sys.LibC;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AF_NETLINK/NETLINK_NETFILTER socket that commits {@link NftElementBatch} batches and reads
 * their acknowledgements.
 *
 * <p>The socket stays in the network namespace of the thread that opened it (the fence thread).
 * nfnetlink processes a batch synchronously inside {@code send()}, so the answers are queued by the
 * time it returns: one per element message (each carries NLM_F_ACK; errors are reported whether or
 * not it is set), plus one against BATCH_BEGIN when the commit itself fails. A failed batch changes
 * nothing. Answers to an earlier batch that was abandoned (timeout, failed commit) carry older
 * sequence numbers and are skipped.
 *
 * <p>NETLINK_CAP_ACK keeps error answers from echoing the whole request (a 256-VIP message is ~10
 * KiB); NETLINK_EXT_ACK adds the kernel's error text.
 *
 * <p>Not thread-safe: confined to the fence thread.
 */
final class NftNetlinkSocket implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NftNetlinkSocket.class);

  /** {@code NETLINK_NETFILTER} (include/uapi/linux/netlink.h). */
  static final int NETLINK_NETFILTER = 12;

  private static final int SOCKADDR_NL_BYTES = 12;

  /**
   * Answers are one datagram each: a 36-byte ACK, or an error with the kernel's short text (the
   * request is not echoed, NETLINK_CAP_ACK). Small because JNA copies the whole array on every
   * recv; a longer datagram would be reported as a failure, not misread.
   */
  private static final int RECEIVE_BUFFER_BYTES = 2 * 1024;

  /**
   * Datagrams read per batch at most: the batch's own answers plus this many strays (answers to an
   * abandoned batch). Bounds the loop even if the socket were flooded.
   */
  private static final int STRAY_DATAGRAMS_MAX = 1024;

  private static final int ETIMEDOUT = 110;

  private final int fd;
  private final int portId;
  private final long ackTimeoutMs;
  private final byte[] buf = new byte[RECEIVE_BUFFER_BYTES];
  private final byte[] pollFd = new byte[8];
  private int nextSeq = 1;
  private boolean closed;

  private NftNetlinkSocket(int fd, int portId, long ackTimeoutMs) {
    this.fd = fd;
    this.portId = portId;
    this.ackTimeoutMs = ackTimeoutMs;
  }

  /**
   * Opens the socket in the calling thread's network namespace.
   *
   * @param ackTimeoutMs how long {@link #commit} waits for the kernel's answers
   * @throws NftablesUnavailable if the kernel refuses NETLINK_NETFILTER sockets
   */
  static NftNetlinkSocket open(long ackTimeoutMs) {
    if (ackTimeoutMs < 1) {
      throw new IllegalArgumentException("ACK timeout must be at least 1 ms, got " + ackTimeoutMs);
    }
    int fd;
    try {
      fd = LibC.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, NETLINK_NETFILTER);
    } catch (LastErrorException e) {
      throw unavailable("socket", e);
    }
    try {
      setIntOption(fd, Nlmsg.NETLINK_CAP_ACK, "NETLINK_CAP_ACK");
      setIntOption(fd, Nlmsg.NETLINK_EXT_ACK, "NETLINK_EXT_ACK");
      byte[] addr = new byte[SOCKADDR_NL_BYTES];
      addr[0] = (byte) LibC.AF_NETLINK;
      byte[] bound = new byte[SOCKADDR_NL_BYTES];
      int[] len = {bound.length};
      try {
        LibC.bind(fd, addr, addr.length);
        LibC.getsockname(fd, bound, len);
      } catch (LastErrorException e) {
        throw unavailable("bind", e);
      }
      int portId = ByteBuffer.wrap(bound).order(ByteOrder.nativeOrder()).getInt(4);
      return new NftNetlinkSocket(fd, portId, ackTimeoutMs);
    } catch (RuntimeException e) {
      closeQuietly(fd);
      throw e;
    }
  }

  private static void setIntOption(int fd, int name, String what) {
    try {
      LibC.setsockopt(fd, Nlmsg.SOL_NETLINK, name, LibC.intValue(1), 4);
    } catch (LastErrorException e) {
      throw unavailable("setsockopt " + what, e);
    }
  }

  private static NftablesUnavailable unavailable(String call, LastErrorException e) {
    return new NftablesUnavailable(
        "netfilter netlink socket",
        e.getErrorCode(),
        call
            + " on a NETLINK_NETFILTER socket failed ("
            + LibC.errorText(e.getErrorCode())
            + "); is nf_tables built or loadable?",
        e);
  }

  /**
   * Encodes {@code plan} for the lease sets of {@code table}, sends it as one batch and waits for
   * every answer.
   *
   * @param description the batch in nft text, for the error (built only on failure)
   * @throws NftablesCommandFailed if the kernel rejected the batch (nothing of it applied) or did
   *     not answer in time (then whether it applied is unknown; the next renewal decides)
   */
  void commit(
      String table, LeasePlan plan, String operation, String object, Supplier<String> description) {
    if (closed) {
      throw new IllegalStateException("netfilter netlink socket is closed");
    }
    NftElementBatch.Encoded batch = NftElementBatch.encode(table, plan, nextSeq);
    // Wrap well before 2^31 so seq arithmetic below never overflows; 0 is never used.
    nextSeq = batch.endSeq() + 1 > 1 << 30 ? 1 : batch.endSeq() + 1;
    if (batch.messages().isEmpty()) {
      return;
    }
    byte[] bytes = batch.bytes();
    try {
      long sent = LibC.send(fd, bytes, bytes.length, 0);
      if (sent != bytes.length) {
        throw failed(
            operation, object, 0, "sent " + sent + " of " + bytes.length + " bytes", description);
      }
    } catch (LastErrorException e) {
      throw failed(
          operation,
          object,
          e.getErrorCode(),
          "send: " + LibC.errorText(e.getErrorCode()),
          description);
    }
    awaitAnswers(table, batch, operation, object, description);
  }

  private void awaitAnswers(
      String table,
      NftElementBatch.Encoded batch,
      String operation,
      String object,
      Supplier<String> description) {
    int first = batch.messages().get(0).seq();
    int count = batch.messages().size();
    boolean[] answered = new boolean[count];
    int pending = count;
    NlMsgErr firstError = null;
    long deadlineNanos = System.nanoTime() + ackTimeoutMs * 1_000_000L;
    for (int datagrams = 0; pending > 0; datagrams++) {
      if (datagrams > count + STRAY_DATAGRAMS_MAX) {
        throw failed(operation, object, 0, "too many stray netlink answers", description);
      }
      int n = receive(deadlineNanos);
      if (n == -LibC.EAGAIN) {
        throw failed(
            operation,
            object,
            ETIMEDOUT,
            "kernel answered "
                + (count - pending)
                + " of "
                + count
                + " messages within "
                + ackTimeoutMs
                + " ms",
            description);
      }
      if (n < 0) {
        throw failed(operation, object, -n, "recv: " + LibC.errorText(-n), description);
      }
      for (NetlinkMessage m : parse(n, operation, object, description)) {
        if (m.type() != Nlmsg.NLMSG_ERROR || m.pid() != portId) {
          continue;
        }
        NlMsgErr err = parseError(m, operation, object, description);
        if (m.seq() == batch.beginSeq() && !err.isAck()) {
          // The batch as a whole failed (commit error, malformed batch): nothing was applied.
          throw failed(operation, object, err.errno(), errorText("commit", err), description);
        }
        int index = m.seq() - first;
        if (index < 0 || index >= count || answered[index]) {
          log.debug("{} {}: skipping stray answer seq {}", operation, object, m.seq());
          continue;
        }
        answered[index] = true;
        pending--;
        if (!err.isAck() && firstError == null) {
          firstError = err;
        }
      }
    }
    if (firstError != null) {
      NftElementBatch.Message bad = batch.messages().get(firstError.requestSeq() - first);
      throw failed(
          operation,
          object,
          firstError.errno(),
          errorText(bad.describe(table), firstError),
          description);
    }
  }

  private static String errorText(String what, NlMsgErr err) {
    return "kernel rejected "
        + what
        + ": "
        + LibC.errorText(err.errno())
        + " (errno "
        + err.errno()
        + ")"
        + err.extAckMessage().map(s -> ": " + s).orElse("");
  }

  /** One datagram into {@link #buf}: its length, or -EAGAIN at the deadline, or -errno. */
  private int receive(long deadlineNanos) {
    while (true) {
      try {
        // The answers are normally queued before send() returns: try without waiting first.
        long n = LibC.recv(fd, buf, buf.length, LibC.MSG_DONTWAIT | LibC.MSG_TRUNC);
        if (n > buf.length) {
          return -LibC.ENOBUFS;
        }
        return (int) n;
      } catch (LastErrorException e) {
        if (e.getErrorCode() != LibC.EAGAIN && e.getErrorCode() != LibC.EINTR) {
          return -e.getErrorCode();
        }
      }
      long remainingMs = (deadlineNanos - System.nanoTime()) / 1_000_000L;
      if (remainingMs <= 0) {
        return -LibC.EAGAIN;
      }
      ByteBuffer pfd = ByteBuffer.wrap(pollFd).order(ByteOrder.nativeOrder());
      pfd.putInt(0, fd).putShort(4, LibC.POLLIN).putShort(6, (short) 0);
      try {
        LibC.poll(pollFd, 1, (int) Math.min(remainingMs, Integer.MAX_VALUE));
      } catch (LastErrorException e) {
        if (e.getErrorCode() != LibC.EINTR) {
          return -e.getErrorCode();
        }
      }
    }
  }

  private java.util.List<NetlinkMessage> parse(
      int n, String operation, String object, Supplier<String> description) {
    try {
      return NetlinkMessage.parseAll(buf, 0, n);
    } catch (MalformedMessageException e) {
      throw failed(operation, object, 0, "malformed answer: " + e.getMessage(), description);
    }
  }

  private static NlMsgErr parseError(
      NetlinkMessage m, String operation, String object, Supplier<String> description) {
    try {
      return NlMsgErr.parse(m);
    } catch (MalformedMessageException e) {
      throw failed(operation, object, 0, "malformed error answer: " + e.getMessage(), description);
    }
  }

  private static NftablesCommandFailed failed(
      String operation, String object, int errno, String error, Supplier<String> description) {
    return new NftablesCommandFailed(
        operation, object, errno, "(nf_tables netlink batch)\n" + description.get(), error);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      closeQuietly(fd);
    }
  }

  private static void closeQuietly(int fd) {
    try {
      LibC.close(fd);
    } catch (LastErrorException e) {
      log.warn("closing netfilter netlink socket fd {} failed: errno {}", fd, e.getErrorCode());
    }
  }
}
