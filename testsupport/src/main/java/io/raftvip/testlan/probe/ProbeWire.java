package io.raftvip.testlan.probe;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The probe and reply payloads, ASCII text so a capture is readable:
 *
 * <pre>
 * probe: RVP1 &lt;kind&gt; &lt;seq&gt;            kind u = through the client's stack, d = directed
 * reply: RVR1 &lt;node&gt; &lt;kind&gt; &lt;seq&gt;
 * </pre>
 *
 * Pure; thread-safe.
 */
public final class ProbeWire {

  /** Default UDP port of {@link VipResponder}. */
  public static final int DEFAULT_PORT = 7777;

  /** Node ids: short, no spaces, so they fit one log token. */
  public static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9_.-]{1,32}");

  static final String PROBE_MAGIC = "RVP1 ";
  static final String REPLY_MAGIC = "RVR1 ";

  /** Longest payload either side sends; receivers use buffers at least this large. */
  static final int PAYLOAD_BYTES_MAX = 128;

  private ProbeWire() {}

  /** Which path a probe took. */
  public enum Kind {
    /** A datagram sent through the client's own IP stack and neighbour cache. */
    UDP('u'),
    /** A hand-built frame sent to one node's MAC with the VIP as destination IP. */
    DIRECTED('d');

    private final char code;

    Kind(char code) {
      this.code = code;
    }

    char code() {
      return code;
    }

    static Optional<Kind> of(char code) {
      for (Kind k : values()) {
        if (k.code == code) {
          return Optional.of(k);
        }
      }
      return Optional.empty();
    }
  }

  /** A decoded reply: who answered which probe. */
  public record Reply(String node, Kind kind, long seq) {}

  /** The payload of probe {@code seq}. */
  public static byte[] probe(Kind kind, long seq) {
    if (seq < 0) {
      throw new IllegalArgumentException("seq must not be negative, was " + seq);
    }
    return (PROBE_MAGIC + kind.code() + " " + seq).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The reply {@code node} sends for a probe payload, or empty when the payload is not a probe (the
   * responder then stays silent).
   */
  public static Optional<byte[]> replyTo(byte[] payload, int length, String node) {
    String text = ascii(payload, length);
    if (!text.startsWith(PROBE_MAGIC)) {
      return Optional.empty();
    }
    String rest = text.substring(PROBE_MAGIC.length());
    if (parseKindAndSeq(rest).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of((REPLY_MAGIC + node + " " + rest).getBytes(StandardCharsets.US_ASCII));
  }

  /** Decodes a reply payload; empty for anything else. */
  public static Optional<Reply> parseReply(byte[] payload, int length) {
    String text = ascii(payload, length);
    if (!text.startsWith(REPLY_MAGIC)) {
      return Optional.empty();
    }
    String rest = text.substring(REPLY_MAGIC.length());
    int space = rest.indexOf(' ');
    if (space < 1) {
      return Optional.empty();
    }
    String node = rest.substring(0, space);
    if (!NODE_ID.matcher(node).matches()) {
      return Optional.empty();
    }
    return parseKindAndSeq(rest.substring(space + 1))
        .map(ks -> new Reply(node, ks.kind(), ks.seq()));
  }

  private record KindAndSeq(Kind kind, long seq) {}

  private static Optional<KindAndSeq> parseKindAndSeq(String text) {
    if (text.length() < 3 || text.charAt(1) != ' ') {
      return Optional.empty();
    }
    Optional<Kind> kind = Kind.of(text.charAt(0));
    if (kind.isEmpty()) {
      return Optional.empty();
    }
    String digits = text.substring(2);
    if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(Character::isDigit)) {
      return Optional.empty();
    }
    return Optional.of(new KindAndSeq(kind.get(), Long.parseLong(digits)));
  }

  private static String ascii(byte[] payload, int length) {
    int n = Math.max(0, Math.min(length, Math.min(payload.length, PAYLOAD_BYTES_MAX)));
    return new String(payload, 0, n, StandardCharsets.US_ASCII);
  }
}
