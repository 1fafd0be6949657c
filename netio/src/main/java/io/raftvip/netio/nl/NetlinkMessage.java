package io.raftvip.netio.nl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One netlink message: the {@code nlmsghdr} fields and the body that follows the 16-byte header (a
 * family struct such as {@code ifaddrmsg} and its attributes, or an {@code nlmsgerr}).
 *
 * <p>Immutable; {@link #body()} returns a copy. Build requests with {@link #builder}, parse a
 * received datagram (which may hold several messages) with {@link #parseAll}. All integers are in
 * host byte order, as the kernel writes them; addresses inside attributes stay in network order.
 */
public final class NetlinkMessage {
  /** Largest message a builder produces; far above any rtnetlink request netio sends. */
  public static final int MAX_MESSAGE_BYTES = 32 * 1024;

  private final int type;
  private final int flags;
  private final int seq;
  private final int pid;
  private final byte[] body;

  public NetlinkMessage(int type, int flags, int seq, int pid, byte[] body) {
    if (type < 0 || type > 0xffff) {
      throw new IllegalArgumentException("message type out of u16 range: " + type);
    }
    if (flags < 0 || flags > 0xffff) {
      throw new IllegalArgumentException("message flags out of u16 range: " + flags);
    }
    this.type = type;
    this.flags = flags;
    this.seq = seq;
    this.pid = pid;
    this.body = body.clone();
  }

  /** Starts a request of {@code type} with header {@code flags} (NLM_F_REQUEST is not implied). */
  public static Builder builder(int type, int flags) {
    return new Builder(type, flags);
  }

  public int type() {
    return type;
  }

  public int flags() {
    return flags;
  }

  public boolean hasFlag(int flag) {
    return (flags & flag) == flag;
  }

  public int seq() {
    return seq;
  }

  public int pid() {
    return pid;
  }

  /** A copy of the bytes after the header. */
  public byte[] body() {
    return body.clone();
  }

  public int bodyLength() {
    return body.length;
  }

  /** The body as a read-only host-order buffer positioned at 0; no copy. */
  public ByteBuffer bodyBuffer() {
    return ByteBuffer.wrap(body).asReadOnlyBuffer().order(ByteOrder.nativeOrder());
  }

  /** The attributes that follow a fixed struct of {@code structBytes} at the start of the body. */
  public Attributes attributes(int structBytes) {
    int start = Nlmsg.align(structBytes);
    if (start > body.length) {
      throw new MalformedMessageException(
          "message type "
              + type
              + " body of "
              + body.length
              + " bytes has no room for a "
              + structBytes
              + "-byte header");
    }
    return Attributes.parse(body, start, body.length - start);
  }

  /** The same message with another sequence number. */
  public NetlinkMessage withSeq(int newSeq) {
    return new NetlinkMessage(type, flags, newSeq, pid, body);
  }

  /** The wire form: header with {@code nlmsg_len} = 16 + body length, then the body. */
  public byte[] toBytes() {
    ByteBuffer b =
        ByteBuffer.allocate(Nlmsg.HEADER_BYTES + body.length).order(ByteOrder.nativeOrder());
    b.putInt(Nlmsg.HEADER_BYTES + body.length);
    b.putShort((short) type);
    b.putShort((short) flags);
    b.putInt(seq);
    b.putInt(pid);
    b.put(body);
    return b.array();
  }

  /**
   * Splits a received datagram into messages. Every message must fit in the datagram and claim at
   * least a full header; anything else is a {@link MalformedMessageException}.
   */
  public static List<NetlinkMessage> parseAll(byte[] buf, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > buf.length) {
      throw new IllegalArgumentException(
          "range " + offset + "+" + length + " outside buffer of " + buf.length);
    }
    ByteBuffer b = ByteBuffer.wrap(buf, offset, length).order(ByteOrder.nativeOrder());
    List<NetlinkMessage> out = new ArrayList<>();
    int end = offset + length;
    int pos = offset;
    while (end - pos >= Nlmsg.HEADER_BYTES) {
      int len = b.getInt(pos);
      if (len < Nlmsg.HEADER_BYTES || len > end - pos) {
        throw new MalformedMessageException(
            "nlmsg_len "
                + len
                + " at offset "
                + (pos - offset)
                + " of a "
                + length
                + "-byte datagram");
      }
      int type = Short.toUnsignedInt(b.getShort(pos + 4));
      int flags = Short.toUnsignedInt(b.getShort(pos + 6));
      int seq = b.getInt(pos + 8);
      int pid = b.getInt(pos + 12);
      byte[] body = Arrays.copyOfRange(buf, pos + Nlmsg.HEADER_BYTES, pos + len);
      out.add(new NetlinkMessage(type, flags, seq, pid, body));
      pos += Nlmsg.align(len);
    }
    return out;
  }

  @Override
  public String toString() {
    return "NetlinkMessage{type="
        + type
        + ", flags=0x"
        + Integer.toHexString(flags)
        + ", seq="
        + seq
        + ", pid="
        + pid
        + ", bodyBytes="
        + body.length
        + "}";
  }

  /**
   * Accumulates a message body: fixed structs first, then attributes, each padded to 4 bytes.
   * Nested attributes are opened with {@link #beginNested} and closed with {@link #endNested}. Not
   * thread-safe; one builder per message.
   */
  public static final class Builder {
    private final int type;
    private final int flags;
    private ByteBuffer buf = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
    private int openNests;

    private Builder(int type, int flags) {
      this.type = type;
      this.flags = flags;
    }

    private void ensure(int more) {
      int need = buf.position() + more;
      if (need > MAX_MESSAGE_BYTES - Nlmsg.HEADER_BYTES) {
        throw new IllegalStateException(
            "netlink message would exceed " + MAX_MESSAGE_BYTES + " bytes");
      }
      if (need > buf.capacity()) {
        ByteBuffer bigger =
            ByteBuffer.allocate(Math.max(need, buf.capacity() * 2)).order(ByteOrder.nativeOrder());
        buf.flip();
        bigger.put(buf);
        buf = bigger;
      }
    }

    private void pad() {
      int padding = Nlmsg.align(buf.position()) - buf.position();
      ensure(padding);
      for (int i = 0; i < padding; i++) {
        buf.put((byte) 0);
      }
    }

    /** Appends raw struct bytes (e.g. an encoded ifaddrmsg) and pads to 4 bytes. */
    public Builder struct(byte[] bytes) {
      ensure(bytes.length);
      buf.put(bytes);
      pad();
      return this;
    }

    /** Appends an attribute {@code {u16 len; u16 type} + value}, padded to 4 bytes. */
    public Builder attr(int attrType, byte[] value) {
      int len = 4 + value.length;
      if (len > 0xffff) {
        throw new IllegalArgumentException("attribute " + attrType + " too long: " + len);
      }
      ensure(len);
      buf.putShort((short) len);
      buf.putShort((short) attrType);
      buf.put(value);
      pad();
      return this;
    }

    public Builder attrU8(int attrType, int value) {
      return attr(attrType, new byte[] {(byte) value});
    }

    public Builder attrU16(int attrType, int value) {
      return attr(
          attrType,
          ByteBuffer.allocate(2).order(ByteOrder.nativeOrder()).putShort((short) value).array());
    }

    public Builder attrU32(int attrType, int value) {
      return attr(
          attrType, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array());
    }

    /** A NUL-terminated string attribute, as the kernel's NLA_STRING/NLA_NUL_STRING expect. */
    public Builder attrString(int attrType, String value) {
      byte[] s = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      return attr(attrType, Arrays.copyOf(s, s.length + 1));
    }

    /** Opens a nested attribute with NLA_F_NESTED set; returns the token for {@link #endNested}. */
    public int beginNested(int attrType) {
      ensure(4);
      int start = buf.position();
      buf.putShort((short) 0);
      buf.putShort((short) (attrType | Nlmsg.NLA_F_NESTED));
      openNests++;
      return start;
    }

    /** Closes the nested attribute opened at {@code token}: its length covers all children. */
    public Builder endNested(int token) {
      if (openNests == 0) {
        throw new IllegalStateException("endNested without beginNested");
      }
      int len = buf.position() - token;
      buf.putShort(token, (short) len);
      openNests--;
      return this;
    }

    /** The finished message with seq and pid 0; the socket assigns the sequence number. */
    public NetlinkMessage build() {
      if (openNests != 0) {
        throw new IllegalStateException(openNests + " nested attribute(s) not closed");
      }
      return new NetlinkMessage(type, flags, 0, 0, Arrays.copyOf(buf.array(), buf.position()));
    }
  }
}
