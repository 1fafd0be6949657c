package io.raftvip.netio.nl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code struct ifa_cacheinfo {u32 ifa_prefered; u32 ifa_valid; u32 cstamp; u32 tstamp}} (16
 * bytes), the IFA_CACHEINFO payload. Lifetimes are in seconds, 0xFFFFFFFF meaning forever; note
 * that <b>preferred comes first</b>. The stamps are in hundredths of a second since boot and are
 * ignored on requests.
 */
public record IfaCacheInfo(
    long preferredLifetimeSec, long validLifetimeSec, long createdCentis, long updatedCentis) {
  public static final int BYTES = 16;

  public IfaCacheInfo {
    checkU32("preferredLifetimeSec", preferredLifetimeSec);
    checkU32("validLifetimeSec", validLifetimeSec);
    checkU32("createdCentis", createdCentis);
    checkU32("updatedCentis", updatedCentis);
  }

  private static void checkU32(String what, long v) {
    if (v < 0 || v > 0xFFFFFFFFL) {
      throw new IllegalArgumentException(what + " out of u32 range: " + v);
    }
  }

  /** A request payload: the two lifetimes, stamps zero. */
  public static IfaCacheInfo lifetimes(long preferredLifetimeSec, long validLifetimeSec) {
    return new IfaCacheInfo(preferredLifetimeSec, validLifetimeSec, 0, 0);
  }

  public byte[] toBytes() {
    return ByteBuffer.allocate(BYTES)
        .order(ByteOrder.nativeOrder())
        .putInt((int) preferredLifetimeSec)
        .putInt((int) validLifetimeSec)
        .putInt((int) createdCentis)
        .putInt((int) updatedCentis)
        .array();
  }

  public static IfaCacheInfo parse(Attribute a) {
    if (a.length() < BYTES) {
      throw new MalformedMessageException(
          "ifa_cacheinfo needs 16 bytes, attribute has " + a.length());
    }
    ByteBuffer b = ByteBuffer.wrap(a.value()).order(ByteOrder.nativeOrder());
    return new IfaCacheInfo(
        Integer.toUnsignedLong(b.getInt(0)),
        Integer.toUnsignedLong(b.getInt(4)),
        Integer.toUnsignedLong(b.getInt(8)),
        Integer.toUnsignedLong(b.getInt(12)));
  }
}
