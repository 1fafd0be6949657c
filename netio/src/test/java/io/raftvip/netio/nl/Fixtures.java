package io.raftvip.netio.nl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/** Loads the recorded kernel messages under src/test/resources/fixtures (see README.md there). */
public final class Fixtures {
  private Fixtures() {}

  /** The fixture bytes; also checks we run little-endian, as the recordings are. */
  public static byte[] bytes(String name) {
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw new AssertionError("fixtures were recorded on a little-endian host");
    }
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
      if (in == null) {
        throw new AssertionError("missing fixture " + name);
      }
      return HexFormat.of()
          .parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** All messages in a fixture datagram. */
  public static List<NetlinkMessage> messages(String name) {
    byte[] b = bytes(name);
    return NetlinkMessage.parseAll(b, 0, b.length);
  }

  /** The only (or first) message in a fixture. */
  public static NetlinkMessage message(String name) {
    return messages(name).get(0);
  }

  /** Hex string to bytes, ignoring spaces, for hand-written expectations. */
  public static byte[] hex(String spaced) {
    return HexFormat.of().parseHex(spaced.replaceAll("\\s+", ""));
  }
}
