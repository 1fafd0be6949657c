package io.raftvip.netio.nl;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One parsed attribute ({@code struct nlattr}/{@code rtattr}): its type without the flag bits,
 * whether NLA_F_NESTED was set, and a copy of its payload.
 */
public record Attribute(int type, boolean nestedFlag, byte[] value) {
  public Attribute {
    value = value.clone();
  }

  @Override
  public byte[] value() {
    return value.clone();
  }

  public int length() {
    return value.length;
  }

  public int u8() {
    requireLength(1);
    return Byte.toUnsignedInt(value[0]);
  }

  public int u16() {
    requireLength(2);
    return Short.toUnsignedInt(ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getShort());
  }

  /** A u32 payload; use {@link Integer#toUnsignedLong} where the full range matters. */
  public int u32() {
    requireLength(4);
    return ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getInt();
  }

  /** A string payload up to the first NUL (or the whole payload when there is none). */
  public String string() {
    int end = 0;
    while (end < value.length && value[end] != 0) {
      end++;
    }
    return new String(value, 0, end, StandardCharsets.UTF_8);
  }

  /** A 4- or 16-byte address payload in network byte order. */
  public InetAddress inetAddress() {
    if (value.length != 4 && value.length != 16) {
      throw new MalformedMessageException(
          "attribute " + type + " holds " + value.length + " bytes, not an IPv4/IPv6 address");
    }
    try {
      return InetAddress.getByAddress(value);
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes always form an address", e);
    }
  }

  /** The payload parsed as a list of attributes (whether or not NLA_F_NESTED was set). */
  public Attributes nested() {
    return Attributes.parse(value, 0, value.length);
  }

  private void requireLength(int min) {
    if (value.length < min) {
      throw new MalformedMessageException(
          "attribute " + type + " holds " + value.length + " bytes, need " + min);
    }
  }
}
