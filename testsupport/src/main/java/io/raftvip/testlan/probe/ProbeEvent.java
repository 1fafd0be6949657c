package io.raftvip.testlan.probe;

import java.util.Objects;
import java.util.Optional;

/**
 * One line of the prober's log: {@code <epochMicros> <kind> [seq=N] [node=ID] [mac=MAC] [clock=k|j]
 * [key=value...]}, e.g.
 *
 * <pre>
 * 1764072000123456 udp-sent seq=41
 * 1764072000123712 udp-reply seq=41 node=n1 clock=k
 * 1764072000130001 arp-reply seq=20 node=n1 mac=02:00:00:00:00:0b clock=k
 * </pre>
 *
 * Times are microseconds since the epoch (CLOCK_REALTIME, the same for every process on the host).
 * {@code clock=k} marks a kernel receive timestamp, {@code clock=j} the JVM's clock read after
 * receiving.
 *
 * @param epochMicros when it happened
 * @param kind what happened
 * @param seq the probe sequence or round number; -1 when the kind has none
 * @param node the answering node's id; "" when unknown or not applicable
 * @param mac the answering MAC ("02:00:00:00:00:0b"); "" when unknown or not applicable
 * @param kernelClock whether {@code epochMicros} is a kernel receive timestamp
 * @param note further {@code key=value} tokens (start and stop lines), "" when none
 */
public record ProbeEvent(
    long epochMicros,
    Kind kind,
    long seq,
    String node,
    String mac,
    boolean kernelClock,
    String note) {

  /** What a line records. */
  public enum Kind {
    START("start"),
    UDP_SENT("udp-sent"),
    UDP_REPLY("udp-reply"),
    DIRECTED_SENT("directed-sent"),
    DIRECTED_REPLY("directed-reply"),
    ARP_SENT("arp-sent"),
    ARP_REPLY("arp-reply"),
    /** A gratuitous ARP for the VIP seen on the wire (a node announcing itself). */
    GARP("garp"),
    STOP("stop");

    private final String token;

    Kind(String token) {
      this.token = token;
    }

    /** The token written in the log. */
    public String token() {
      return token;
    }

    static Optional<Kind> ofToken(String token) {
      for (Kind k : values()) {
        if (k.token.equals(token)) {
          return Optional.of(k);
        }
      }
      return Optional.empty();
    }
  }

  /** Validates that the fields fit on one line as single tokens. */
  public ProbeEvent {
    Objects.requireNonNull(kind, "kind");
    node = node == null ? "" : node;
    mac = mac == null ? "" : mac;
    note = note == null ? "" : note.strip();
    if (!node.isEmpty() && !ProbeWire.NODE_ID.matcher(node).matches()) {
      throw new IllegalArgumentException("node id '" + node + "' is not a log token");
    }
    if (mac.indexOf(' ') >= 0 || mac.indexOf('\n') >= 0 || note.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("event fields must not contain line breaks or blanks");
    }
    if (seq < -1) {
      throw new IllegalArgumentException("seq must be -1 (none) or more, was " + seq);
    }
  }

  /** An event with only a time, a kind and a sequence number. */
  public static ProbeEvent of(long epochMicros, Kind kind, long seq) {
    return new ProbeEvent(epochMicros, kind, seq, "", "", false, "");
  }

  /** An answer from {@code node} (MAC unknown). */
  public static ProbeEvent reply(long epochMicros, Kind kind, long seq, String node) {
    return new ProbeEvent(epochMicros, kind, seq, node, "", false, "");
  }

  /** Whether this is an answer from some node (UDP, directed or ARP). */
  public boolean isReply() {
    return kind == Kind.UDP_REPLY || kind == Kind.DIRECTED_REPLY || kind == Kind.ARP_REPLY;
  }

  /** Who answered: the node id when known, else the MAC. */
  public String identity() {
    return node.isEmpty() ? mac : node;
  }

  /** The log line, without a line break. */
  public String format() {
    StringBuilder sb = new StringBuilder(64);
    sb.append(epochMicros).append(' ').append(kind.token());
    if (seq >= 0) {
      sb.append(" seq=").append(seq);
    }
    if (!node.isEmpty()) {
      sb.append(" node=").append(node);
    }
    if (!mac.isEmpty()) {
      sb.append(" mac=").append(mac);
    }
    if (isReply() || kind == Kind.GARP) {
      sb.append(" clock=").append(kernelClock ? 'k' : 'j');
    }
    if (!note.isEmpty()) {
      sb.append(' ').append(note);
    }
    return sb.toString();
  }

  /**
   * Parses one log line; empty for lines that are not events (comments starting with '#', blank
   * lines, a torn last line, output of a logger).
   */
  public static Optional<ProbeEvent> parse(String line) {
    String[] tokens = line.strip().split("\\s+");
    if (tokens.length < 2
        || tokens[0].isEmpty()
        || !tokens[0].chars().allMatch(Character::isDigit)
        || tokens[0].length() > 18) {
      return Optional.empty();
    }
    Optional<Kind> kind = Kind.ofToken(tokens[1]);
    if (kind.isEmpty()) {
      return Optional.empty();
    }
    long seq = -1;
    String node = "";
    String mac = "";
    boolean kernel = false;
    StringBuilder note = new StringBuilder();
    for (int i = 2; i < tokens.length; i++) {
      String t = tokens[i];
      int eq = t.indexOf('=');
      if (eq < 1) {
        return Optional.empty();
      }
      String key = t.substring(0, eq);
      String value = t.substring(eq + 1);
      switch (key) {
        case "seq" -> {
          if (value.isEmpty()
              || value.length() > 18
              || !value.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
          }
          seq = Long.parseLong(value);
        }
        case "node" -> {
          if (!ProbeWire.NODE_ID.matcher(value).matches()) {
            return Optional.empty();
          }
          node = value;
        }
        case "mac" -> mac = value;
        case "clock" -> kernel = value.equals("k");
        default -> note.append(note.length() == 0 ? "" : " ").append(t);
      }
    }
    return Optional.of(
        new ProbeEvent(
            Long.parseLong(tokens[0]), kind.get(), seq, node, mac, kernel, note.toString()));
  }

  /** The value of {@code key=value} in {@link #note()}, if present. */
  public Optional<String> noteValue(String key) {
    for (String t : note.split(" ")) {
      if (t.startsWith(key + "=")) {
        return Optional.of(t.substring(key.length() + 1));
      }
    }
    return Optional.empty();
  }
}
