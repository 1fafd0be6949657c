package io.raftvip.netio;

import com.sun.jna.LastErrorException;
import io.raftvip.netio.nl.Attribute;
import io.raftvip.netio.nl.Attributes;
import io.raftvip.netio.nl.MalformedMessageException;
import io.raftvip.netio.nl.NetlinkMessage;
import io.raftvip.netio.nl.NlMsgErr;
import io.raftvip.netio.nl.Nlmsg;
import io.raftvip.netio.sys.LibC;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AF_NETLINK/NETLINK_ROUTE socket: sends requests, matches replies by sequence number and turns
 * kernel errors into typed {@link RtnetlinkException}s.
 *
 * <p>The socket lives in the network namespace of the thread that opened it and keeps working in
 * that namespace when used from any other thread. It enables NETLINK_EXT_ACK (so errors carry the
 * kernel's text) and NETLINK_GET_STRICT_CHK (so the kernel validates dump headers and honours their
 * filters instead of silently ignoring them).
 *
 * <p>Thread rules: {@link #ack}, {@link #get} and {@link #dump} are synchronized, one request at a
 * time; a reply whose sequence number does not match the request in flight (e.g. the late answer to
 * a request that timed out) is dropped. {@link #receive} is for a socket that only listens to
 * multicast groups and must be called from one thread, never mixed with requests. Every wait is
 * bounded by the request timeout.
 */
public final class NetlinkSocket implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NetlinkSocket.class);

  /** Kernel dump replies are at most 32 KiB (SKB_WITH_OVERHEAD(32768)); twice that is ample. */
  static final int RECEIVE_BUFFER_BYTES = 64 * 1024;

  private static final int SOCKADDR_NL_BYTES = 12;

  /** What a request acts on; chooses the typed error for EEXIST/ENOENT-style answers. */
  public enum Subject {
    ADDRESS,
    LINK,
    NEIGHBOUR,
    OTHER
  }

  private final int fd;
  private final int portId;
  private final long requestTimeoutMs;
  private final int dumpAttemptsMax;
  private final byte[] buf = new byte[RECEIVE_BUFFER_BYTES];
  private final byte[] pollFd = new byte[8];
  private int nextSeq = 1;
  private boolean closed;

  private NetlinkSocket(Builder b) {
    int s;
    try {
      s = LibC.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, Nlmsg.NETLINK_ROUTE);
    } catch (LastErrorException e) {
      throw fromErrno(
          "open netlink socket", "NETLINK_ROUTE", e.getErrorCode(), null, Subject.OTHER);
    }
    this.fd = s;
    try {
      if (b.receiveBufferBytes > 0) {
        setIntOption(LibC.SOL_SOCKET, LibC.SO_RCVBUF, b.receiveBufferBytes, "SO_RCVBUF");
      }
      setIntOption(Nlmsg.SOL_NETLINK, Nlmsg.NETLINK_EXT_ACK, 1, "NETLINK_EXT_ACK");
      setIntOption(Nlmsg.SOL_NETLINK, Nlmsg.NETLINK_GET_STRICT_CHK, 1, "NETLINK_GET_STRICT_CHK");
      byte[] addr = new byte[SOCKADDR_NL_BYTES];
      addr[0] = (byte) LibC.AF_NETLINK;
      try {
        LibC.bind(fd, addr, addr.length);
      } catch (LastErrorException e) {
        throw fromErrno(
            "bind netlink socket", "NETLINK_ROUTE", e.getErrorCode(), null, Subject.OTHER);
      }
      for (int group : b.groups) {
        setIntOption(Nlmsg.SOL_NETLINK, Nlmsg.NETLINK_ADD_MEMBERSHIP, group, "group " + group);
      }
      byte[] bound = new byte[SOCKADDR_NL_BYTES];
      int[] len = {bound.length};
      try {
        LibC.getsockname(fd, bound, len);
      } catch (LastErrorException e) {
        throw fromErrno(
            "read netlink port id", "NETLINK_ROUTE", e.getErrorCode(), null, Subject.OTHER);
      }
      this.portId = ByteBuffer.wrap(bound).order(ByteOrder.nativeOrder()).getInt(4);
    } catch (RuntimeException e) {
      closeQuietly(fd);
      throw e;
    }
    this.requestTimeoutMs = b.requestTimeoutMs;
    this.dumpAttemptsMax = b.dumpAttemptsMax;
  }

  /** A socket with the defaults: 5 s request timeout, 5 dump attempts, kernel receive buffer. */
  public static NetlinkSocket open() {
    return builder().open();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The kernel-assigned port id (nl_pid) of this socket. */
  public int portId() {
    return portId;
  }

  public long requestTimeoutMs() {
    return requestTimeoutMs;
  }

  /**
   * Sends a change request with NLM_F_REQUEST|NLM_F_ACK added to its flags and waits for the
   * kernel's acknowledgement.
   *
   * @throws RtnetlinkException the kernel's refusal, typed by errno and {@code subject}
   */
  public void ack(NetlinkMessage request, String operation, String object, Subject subject) {
    exchange(request, Nlmsg.NLM_F_REQUEST | Nlmsg.NLM_F_ACK, operation, object, subject);
  }

  /**
   * Sends a non-dump query (e.g. RTM_GETLINK by name) with NLM_F_REQUEST|NLM_F_ACK and returns the
   * replies that precede the acknowledgement.
   */
  public List<NetlinkMessage> get(
      NetlinkMessage request, String operation, String object, Subject subject) {
    return exchange(request, Nlmsg.NLM_F_REQUEST | Nlmsg.NLM_F_ACK, operation, object, subject);
  }

  /**
   * Sends a dump request (NLM_F_REQUEST|NLM_F_DUMP) and returns every message up to NLMSG_DONE. A
   * dump marked NLM_F_DUMP_INTR is repeated, at most {@code dumpAttemptsMax} times in all.
   *
   * @throws DumpInterrupted when every attempt was interrupted
   */
  public List<NetlinkMessage> dump(
      NetlinkMessage request, String operation, String object, Subject subject) {
    for (int attempt = 1; attempt <= dumpAttemptsMax; attempt++) {
      List<NetlinkMessage> parts =
          exchange(request, Nlmsg.NLM_F_REQUEST | Nlmsg.NLM_F_DUMP, operation, object, subject);
      boolean interrupted = false;
      for (NetlinkMessage m : parts) {
        interrupted |= m.hasFlag(Nlmsg.NLM_F_DUMP_INTR);
      }
      if (!interrupted) {
        return parts;
      }
      log.debug(
          "{} {}: dump interrupted (attempt {} of {})",
          operation,
          object,
          attempt,
          dumpAttemptsMax);
    }
    throw new DumpInterrupted(operation, object, dumpAttemptsMax);
  }

  private synchronized List<NetlinkMessage> exchange(
      NetlinkMessage request, int addFlags, String operation, String object, Subject subject) {
    if (closed) {
      throw new IllegalStateException("netlink socket is closed");
    }
    int seq = nextSeq++;
    if (nextSeq == 0) {
      nextSeq = 1; // 0 is the seq of kernel notifications; never use it for a request
    }
    NetlinkMessage out =
        new NetlinkMessage(request.type(), request.flags() | addFlags, seq, 0, request.body());
    byte[] bytes = out.toBytes();
    try {
      long sent = LibC.send(fd, bytes, bytes.length, 0);
      if (sent != bytes.length) {
        throw KernelError.of(
            operation, object, "sent " + sent + " of " + bytes.length + " bytes", null);
      }
    } catch (LastErrorException e) {
      throw fromErrno(operation, object, e.getErrorCode(), null, subject);
    }
    long deadlineNs = System.nanoTime() + requestTimeoutMs * 1_000_000L;
    List<NetlinkMessage> replies = new ArrayList<>();
    while (true) {
      List<NetlinkMessage> batch = receiveBatch(deadlineNs, operation, object, subject);
      if (batch == null) {
        throw new NetlinkTimeout(operation, object, requestTimeoutMs);
      }
      for (NetlinkMessage m : batch) {
        if (m.seq() != seq || m.pid() != portId) {
          log.debug("{} {}: dropping stray {} (waiting for seq {})", operation, object, m, seq);
          continue;
        }
        switch (m.type()) {
          case Nlmsg.NLMSG_ERROR -> {
            NlMsgErr err = parseError(m, operation, object);
            if (err.isAck()) {
              return replies;
            }
            throw fromErrno(
                operation, object, err.errno(), err.extAckMessage().orElse(null), subject);
          }
          case Nlmsg.NLMSG_DONE -> {
            checkDoneError(m, operation, object, subject);
            return replies;
          }
          case Nlmsg.NLMSG_NOOP -> {}
          default -> replies.add(m); // a dump part, or a get reply that precedes the ACK
        }
      }
    }
  }

  private static NlMsgErr parseError(NetlinkMessage m, String operation, String object) {
    try {
      return NlMsgErr.parse(m);
    } catch (MalformedMessageException e) {
      throw KernelError.of(operation, object, "malformed error reply: " + e.getMessage(), e);
    }
  }

  private static void checkDoneError(
      NetlinkMessage done, String operation, String object, Subject subject) {
    if (done.bodyLength() < 4) {
      return;
    }
    int error = done.bodyBuffer().getInt(0);
    if (error < 0) {
      String text = null;
      if (done.hasFlag(Nlmsg.NLM_F_ACK_TLVS)) {
        try {
          Attributes tlvs = Attributes.parse(done.body(), 4, done.bodyLength() - 4);
          text = tlvs.first(Nlmsg.NLMSGERR_ATTR_MSG).map(Attribute::string).orElse(null);
        } catch (MalformedMessageException e) {
          text = "(unreadable extended ACK: " + e.getMessage() + ")";
        }
      }
      throw fromErrno(operation, object, -error, text, subject);
    }
  }

  /**
   * Waits until {@code deadlineNs} for one datagram and parses it; null on timeout. EINTR/EAGAIN
   * are retried within the deadline.
   */
  private List<NetlinkMessage> receiveBatch(
      long deadlineNs, String operation, String object, Subject subject) {
    while (true) {
      long remainingNs = deadlineNs - System.nanoTime();
      if (remainingNs <= 0) {
        return null;
      }
      int n = receiveOnce((int) Math.max(1, Math.min(Integer.MAX_VALUE, remainingNs / 1_000_000L)));
      if (n == -LibC.EAGAIN || n == -LibC.EINTR) {
        continue;
      }
      if (n < 0) {
        throw fromErrno(operation, object, -n, null, subject);
      }
      try {
        return NetlinkMessage.parseAll(buf, 0, n);
      } catch (MalformedMessageException e) {
        throw KernelError.of(operation, object, "malformed reply: " + e.getMessage(), e);
      }
    }
  }

  /**
   * Polls for up to {@code timeoutMs} and reads one datagram into {@link #buf}. Returns its length,
   * or a negative errno (-EAGAIN when nothing arrived in time).
   */
  private int receiveOnce(int timeoutMs) {
    ByteBuffer pfd = ByteBuffer.wrap(pollFd).order(ByteOrder.nativeOrder());
    pfd.putInt(0, fd).putShort(4, LibC.POLLIN).putShort(6, (short) 0);
    try {
      int ready = LibC.poll(pollFd, 1, timeoutMs);
      if (ready == 0) {
        return -LibC.EAGAIN;
      }
    } catch (LastErrorException e) {
      return -e.getErrorCode();
    }
    long n;
    try {
      n = LibC.recv(fd, buf, buf.length, LibC.MSG_DONTWAIT | LibC.MSG_TRUNC);
    } catch (LastErrorException e) {
      return -e.getErrorCode();
    }
    if (n > buf.length) {
      // MSG_TRUNC makes recv report the full datagram length; the tail is lost. Cannot happen
      // with the kernel's 32 KiB cap on netlink messages; treat it as a broken reply.
      throw KernelError.of(
          "receive netlink reply",
          "port " + portId,
          "datagram of " + n + " bytes exceeded the " + buf.length + "-byte buffer",
          null);
    }
    return (int) n;
  }

  /** Outcome of {@link #receive}: messages, or an overrun (ENOBUFS: notifications were lost). */
  record Received(List<NetlinkMessage> messages, boolean overrun) {}

  /**
   * For a multicast listener: waits up to {@code timeoutMs} for one datagram. Returns an empty list
   * on timeout and {@code overrun=true} when the kernel reported ENOBUFS (the receive queue
   * overflowed and notifications were dropped). One thread only; never mixed with requests.
   */
  Received receive(int timeoutMs, String operation) {
    if (closed) {
      throw new IllegalStateException("netlink socket is closed");
    }
    int n = receiveOnce(timeoutMs);
    if (n == -LibC.EAGAIN || n == -LibC.EINTR) {
      return new Received(List.of(), false);
    }
    if (n == -LibC.ENOBUFS) {
      return new Received(List.of(), true);
    }
    if (n < 0) {
      throw fromErrno(operation, "port " + portId, -n, null, Subject.OTHER);
    }
    try {
      return new Received(NetlinkMessage.parseAll(buf, 0, n), false);
    } catch (MalformedMessageException e) {
      throw KernelError.of(operation, "port " + portId, "malformed message: " + e.getMessage(), e);
    }
  }

  private void setIntOption(int level, int name, int value, String what) {
    try {
      LibC.setsockopt(fd, level, name, LibC.intValue(value), 4);
    } catch (LastErrorException e) {
      throw fromErrno("set netlink socket option", what, e.getErrorCode(), null, Subject.OTHER);
    }
  }

  /** Maps a kernel errno to the typed error for what the request acted on. */
  static RtnetlinkException fromErrno(
      String operation, String object, int errno, String kernelMessage, Subject subject) {
    return switch (errno) {
      case Errno.EPERM, Errno.EACCES -> new PermissionDenied(operation, object, errno);
      case Errno.ENODEV -> new NoSuchInterface(operation, object, errno);
      case Errno.EINVAL, Errno.ERANGE ->
          new InvalidArgument(operation, object, errno, kernelMessage);
      case Errno.EEXIST ->
          switch (subject) {
            case ADDRESS -> new AddressExists(operation, object, errno, kernelMessage);
            case LINK -> new LinkExists(operation, object, errno, kernelMessage);
            default -> new KernelError(operation, object, errno, kernelMessage);
          };
      case Errno.EADDRNOTAVAIL, Errno.ENOENT ->
          subject == Subject.ADDRESS
              ? new AddressNotFound(operation, object, errno)
              : new KernelError(operation, object, errno, kernelMessage);
      default -> new KernelError(operation, object, errno, kernelMessage);
    };
  }

  /** Closes the descriptor; waits for a request in flight (bounded by its timeout). Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeQuietly(fd);
  }

  private static void closeQuietly(int fd) {
    try {
      LibC.close(fd);
    } catch (LastErrorException e) {
      log.warn("closing netlink socket fd {} failed: errno {}", fd, e.getErrorCode());
    }
  }

  /** Socket settings, each validated on the spot. */
  public static final class Builder {
    private long requestTimeoutMs = 5_000;
    private int receiveBufferBytes;
    private int dumpAttemptsMax = 5;
    private int[] groups = new int[0];

    private Builder() {}

    /** How long one request may wait for its answer; default 5000 ms. */
    public Builder requestTimeoutMs(long ms) {
      if (ms < 1 || ms > 600_000) {
        throw new IllegalArgumentException("request timeout must be 1..600000 ms, was " + ms);
      }
      this.requestTimeoutMs = ms;
      return this;
    }

    /**
     * SO_RCVBUF in bytes (the kernel doubles it and enforces a minimum); 0 keeps the kernel
     * default. Small values make a multicast listener overrun (ENOBUFS) quickly.
     */
    public Builder receiveBufferBytes(int bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("receive buffer must not be negative, was " + bytes);
      }
      this.receiveBufferBytes = bytes;
      return this;
    }

    /** How many times a dump is tried when the kernel marks it NLM_F_DUMP_INTR; default 5. */
    public Builder dumpAttemptsMax(int attempts) {
      if (attempts < 1 || attempts > 100) {
        throw new IllegalArgumentException("dump attempts must be 1..100, was " + attempts);
      }
      this.dumpAttemptsMax = attempts;
      return this;
    }

    /** Multicast groups (RTNLGRP_* numbers) to join; none by default. */
    public Builder groups(int... rtnlGroups) {
      for (int g : rtnlGroups) {
        if (g < 1 || g > 64) {
          throw new IllegalArgumentException("rtnetlink group must be 1..64, was " + g);
        }
      }
      this.groups = rtnlGroups.clone();
      return this;
    }

    /** Opens the socket in the calling thread's network namespace. */
    public NetlinkSocket open() {
      return new NetlinkSocket(this);
    }
  }
}
