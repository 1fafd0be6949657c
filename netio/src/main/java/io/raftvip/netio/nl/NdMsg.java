package io.raftvip.netio.nl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code struct ndmsg {u8 family; u8 pad1; u16 pad2; s32 ifindex; u16 state; u8 flags; u8 type}}
 * (12 bytes), the fixed header of RTM_NEWNEIGH/DELNEIGH/GETNEIGH. {@code state} is a NUD_* mask.
 */
public record NdMsg(int family, int ifindex, int state, int flags, int type) {
  public static final int BYTES = 12;

  public NdMsg {
    IfAddrMsg.checkU8("family", family);
    IfAddrMsg.checkU8("flags", flags);
    IfAddrMsg.checkU8("type", type);
    if (state < 0 || state > 0xffff) {
      throw new IllegalArgumentException("state out of u16 range: " + state);
    }
  }

  public byte[] toBytes() {
    return ByteBuffer.allocate(BYTES)
        .order(ByteOrder.nativeOrder())
        .put((byte) family)
        .put((byte) 0)
        .putShort((short) 0)
        .putInt(ifindex)
        .putShort((short) state)
        .put((byte) flags)
        .put((byte) type)
        .array();
  }

  public static NdMsg parse(NetlinkMessage m) {
    if (m.bodyLength() < BYTES) {
      throw new MalformedMessageException("ndmsg needs 12 bytes, message has " + m.bodyLength());
    }
    ByteBuffer b = m.bodyBuffer();
    return new NdMsg(
        Byte.toUnsignedInt(b.get(0)),
        b.getInt(4),
        Short.toUnsignedInt(b.getShort(8)),
        Byte.toUnsignedInt(b.get(10)),
        Byte.toUnsignedInt(b.get(11)));
  }
}
