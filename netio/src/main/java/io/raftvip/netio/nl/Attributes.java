package io.raftvip.netio.nl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An ordered, immutable list of attributes parsed from a byte range, with lookup by type. Lookups
 * by type ignore the NLA_F_NESTED and NLA_F_NET_BYTEORDER bits.
 */
public final class Attributes {
  private final List<Attribute> all;

  private Attributes(List<Attribute> all) {
    this.all = List.copyOf(all);
  }

  /**
   * Parses {@code length} bytes at {@code offset}. Each attribute's {@code len} must be at least 4
   * and fit in the range; the 4-byte padding after the last one may be missing.
   */
  public static Attributes parse(byte[] buf, int offset, int length) {
    ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder());
    List<Attribute> out = new ArrayList<>();
    int end = offset + length;
    int pos = offset;
    while (end - pos >= 4) {
      int len = Short.toUnsignedInt(b.getShort(pos));
      int rawType = Short.toUnsignedInt(b.getShort(pos + 2));
      if (len < 4 || len > end - pos) {
        throw new MalformedMessageException(
            "attribute type "
                + rawType
                + " claims "
                + len
                + " bytes with "
                + (end - pos)
                + " left");
      }
      out.add(
          new Attribute(
              rawType & Nlmsg.NLA_TYPE_MASK,
              (rawType & Nlmsg.NLA_F_NESTED) != 0,
              Arrays.copyOfRange(buf, pos + 4, pos + len)));
      pos += Nlmsg.align(len);
    }
    return new Attributes(out);
  }

  public List<Attribute> all() {
    return all;
  }

  /** The first attribute of {@code type}, if present. */
  public Optional<Attribute> first(int type) {
    for (Attribute a : all) {
      if (a.type() == type) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  public boolean has(int type) {
    return first(type).isPresent();
  }

  public int size() {
    return all.size();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Attributes[");
    for (Attribute a : all) {
      sb.append(a.type())
          .append(a.nestedFlag() ? "N" : "")
          .append(':')
          .append(a.length())
          .append(' ');
    }
    return sb.append(']').toString();
  }
}
