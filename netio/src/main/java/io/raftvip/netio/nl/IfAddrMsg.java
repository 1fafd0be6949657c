package io.raftvip.netio.nl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code struct ifaddrmsg {u8 family; u8 prefixlen; u8 flags; u8 scope; u32 index}} (8 bytes), the
 * fixed header of RTM_NEWADDR/DELADDR/GETADDR. {@code flags} holds only the low 8 address flags;
 * the full set travels in IFA_FLAGS.
 */
public record IfAddrMsg(int family, int prefixLength, int flags, int scope, int index) {
  public static final int BYTES = 8;

  public IfAddrMsg {
    checkU8("family", family);
    checkU8("prefixLength", prefixLength);
    checkU8("flags", flags);
    checkU8("scope", scope);
  }

  static void checkU8(String what, int v) {
    if (v < 0 || v > 0xff) {
      throw new IllegalArgumentException(what + " out of u8 range: " + v);
    }
  }

  public byte[] toBytes() {
    return ByteBuffer.allocate(BYTES)
        .order(ByteOrder.nativeOrder())
        .put((byte) family)
        .put((byte) prefixLength)
        .put((byte) flags)
        .put((byte) scope)
        .putInt(index)
        .array();
  }

  public static IfAddrMsg parse(NetlinkMessage m) {
    if (m.bodyLength() < BYTES) {
      throw new MalformedMessageException("ifaddrmsg needs 8 bytes, message has " + m.bodyLength());
    }
    ByteBuffer b = m.bodyBuffer();
    return new IfAddrMsg(
        Byte.toUnsignedInt(b.get(0)),
        Byte.toUnsignedInt(b.get(1)),
        Byte.toUnsignedInt(b.get(2)),
        Byte.toUnsignedInt(b.get(3)),
        b.getInt(4));
  }
}
