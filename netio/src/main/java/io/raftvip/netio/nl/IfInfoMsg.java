package io.raftvip.netio.nl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code struct ifinfomsg {u8 family; u8 pad; u16 type; s32 index; u32 flags; u32 change}} (16
 * bytes), the fixed header of RTM_NEWLINK/DELLINK/GETLINK. {@code change} selects which bits of
 * {@code flags} a NEWLINK request changes (e.g. IFF_UP to bring a link up or down).
 */
public record IfInfoMsg(int family, int type, int index, int flags, int change) {
  public static final int BYTES = 16;

  public IfInfoMsg {
    IfAddrMsg.checkU8("family", family);
    if (type < 0 || type > 0xffff) {
      throw new IllegalArgumentException("type out of u16 range: " + type);
    }
  }

  /** A header that names a link by index and changes nothing else. */
  public static IfInfoMsg ofIndex(int index) {
    return new IfInfoMsg(Rtnl.AF_UNSPEC, 0, index, 0, 0);
  }

  public byte[] toBytes() {
    return ByteBuffer.allocate(BYTES)
        .order(ByteOrder.nativeOrder())
        .put((byte) family)
        .put((byte) 0)
        .putShort((short) type)
        .putInt(index)
        .putInt(flags)
        .putInt(change)
        .array();
  }

  public static IfInfoMsg parse(NetlinkMessage m) {
    if (m.bodyLength() < BYTES) {
      throw new MalformedMessageException(
          "ifinfomsg needs 16 bytes, message has " + m.bodyLength());
    }
    ByteBuffer b = m.bodyBuffer();
    return new IfInfoMsg(
        Byte.toUnsignedInt(b.get(0)),
        Short.toUnsignedInt(b.getShort(2)),
        b.getInt(4),
        b.getInt(8),
        b.getInt(12));
  }
}
