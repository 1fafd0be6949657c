package io.raftvip.cli.demo;

import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.coordinator.core.lease.GrantReply;
import io.raftvip.coordinator.core.lease.OwnedVip;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The line protocol between the demo driver and a {@link DemoOwnerAgent}, one message per line over
 * the agent's stdin (driver to agent) and stdout (agent to driver). It carries the core's lease
 * messages ({@link io.raftvip.coordinator.core.lease.RenewRequest}, {@link GrantReply}) and the
 * holder's Release, in text:
 *
 * <pre>
 * agent  -> driver   join
 *                    renew &lt;sentAtMs&gt; &lt;leaseDurationMs&gt;
 *                    release &lt;vip&gt; &lt;epoch&gt;
 *                    event &lt;what&gt; mono-ns=&lt;n&gt; wall-us=&lt;n&gt; [key=value]...
 * driver -> agent    grant &lt;requestSentAtMs&gt; &lt;asOfIndex&gt; [&lt;vip&gt;,&lt;cidr&gt;,&lt;epoch&gt;,&lt;0|1 releasing&gt;]...
 *                    refuse &lt;requestSentAtMs&gt; &lt;REASON&gt;
 *                    quit
 * </pre>
 *
 * Pure; thread-safe.
 */
final class AgentWire {

  /** Longest line either side accepts; anything longer is a bug, not a message. */
  static final int LINE_LENGTH_MAX = 4096;

  private AgentWire() {}

  /** A message from an agent. */
  sealed interface FromAgent permits Join, Renew, Release, Event {}

  /** The agent (a new process, or one told it expired) asks to become an ACTIVE member. */
  record Join() implements FromAgent {}

  /** A lease renewal request, sent at {@code sentAtMs} of the agent's monotonic clock. */
  record Renew(long sentAtMs, long leaseDurationMs) implements FromAgent {}

  /**
   * The holder's confirmation: fence closed and address removed for {@code vip} at {@code epoch}.
   */
  record Release(VipName vip, long epoch) implements FromAgent {}

  /**
   * Something the agent did, for the timeline.
   *
   * @param what e.g. {@code fence-armed}
   * @param monoNanos the agent's System.nanoTime (CLOCK_MONOTONIC) when it happened
   * @param wallMicros the agent's wall clock when it happened, epoch microseconds
   * @param fields further details
   */
  record Event(String what, long monoNanos, long wallMicros, Map<String, String> fields)
      implements FromAgent {
    Event {
      fields = Map.copyOf(fields);
    }

    /** A numeric field, or {@code fallback}. */
    long number(String key, long fallback) {
      String v = fields.get(key);
      if (v == null) {
        return fallback;
      }
      try {
        return Long.parseLong(v);
      } catch (NumberFormatException e) {
        return fallback;
      }
    }
  }

  static String join() {
    return "join";
  }

  static String renew(long sentAtMs, long leaseDurationMs) {
    return "renew " + sentAtMs + " " + leaseDurationMs;
  }

  static String release(VipName vip, long epoch) {
    return "release " + vip.value() + " " + epoch;
  }

  static String event(String what, long monoNanos, long wallMicros, Map<String, ?> fields) {
    StringBuilder sb = new StringBuilder("event ").append(token(what));
    sb.append(" mono-ns=").append(monoNanos).append(" wall-us=").append(wallMicros);
    for (Map.Entry<String, ?> e : fields.entrySet()) {
      sb.append(' ')
          .append(token(e.getKey()))
          .append('=')
          .append(token(String.valueOf(e.getValue())));
    }
    return sb.toString();
  }

  static String grant(GrantReply.Grant g) {
    StringBuilder sb =
        new StringBuilder("grant ").append(g.requestSentAtMs()).append(' ').append(g.asOfIndex());
    for (OwnedVip v : g.held().values()) {
      sb.append(' ')
          .append(v.spec().name().value())
          .append(',')
          .append(v.spec().address().cidr())
          .append(',')
          .append(v.epoch())
          .append(',')
          .append(v.releasing() ? 1 : 0);
    }
    return sb.toString();
  }

  static String refuse(GrantReply.Refusal r) {
    return "refuse " + r.requestSentAtMs() + " " + r.reason().name();
  }

  static String quit() {
    return "quit";
  }

  /** Parses a line from an agent; empty for anything else (a stray line is logged, not obeyed). */
  static Optional<FromAgent> parseFromAgent(String line) {
    String[] t = split(line);
    if (t.length == 0) {
      return Optional.empty();
    }
    try {
      switch (t[0]) {
        case "join":
          return t.length == 1 ? Optional.of(new Join()) : Optional.empty();
        case "renew":
          return t.length == 3
              ? Optional.of(new Renew(Long.parseLong(t[1]), Long.parseLong(t[2])))
              : Optional.empty();
        case "release":
          return t.length == 3
              ? Optional.of(new Release(VipName.of(t[1]), Long.parseLong(t[2])))
              : Optional.empty();
        case "event":
          return parseEvent(t);
        default:
          return Optional.empty();
      }
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Optional<FromAgent> parseEvent(String[] t) {
    if (t.length < 4) {
      return Optional.empty();
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (int i = 2; i < t.length; i++) {
      int eq = t[i].indexOf('=');
      if (eq < 1) {
        return Optional.empty();
      }
      fields.put(t[i].substring(0, eq), t[i].substring(eq + 1));
    }
    String mono = fields.remove("mono-ns");
    String wall = fields.remove("wall-us");
    if (mono == null || wall == null) {
      return Optional.empty();
    }
    return Optional.of(new Event(t[1], Long.parseLong(mono), Long.parseLong(wall), fields));
  }

  /** A message from the driver, decoded into the core's types. */
  sealed interface FromDriver permits GrantMessage, RefuseMessage, Quit {}

  record GrantMessage(GrantReply.Grant grant) implements FromDriver {}

  record RefuseMessage(GrantReply.Refusal refusal) implements FromDriver {}

  record Quit() implements FromDriver {}

  /** Parses a line from the driver; empty for anything else. */
  static Optional<FromDriver> parseFromDriver(String line) {
    String[] t = split(line);
    if (t.length == 0) {
      return Optional.empty();
    }
    try {
      switch (t[0]) {
        case "quit":
          return Optional.of(new Quit());
        case "refuse":
          if (t.length != 3) {
            return Optional.empty();
          }
          return Optional.of(
              new RefuseMessage(
                  new GrantReply.Refusal(Long.parseLong(t[1]), GrantReply.Reason.valueOf(t[2]))));
        case "grant":
          if (t.length < 3) {
            return Optional.empty();
          }
          TreeMap<VipName, OwnedVip> held = new TreeMap<>();
          for (int i = 3; i < t.length; i++) {
            String[] f = t[i].split(",", -1);
            if (f.length != 4 || !(f[3].equals("0") || f[3].equals("1"))) {
              return Optional.empty();
            }
            VipSpec spec = VipSpec.of(f[0], f[1]);
            held.put(spec.name(), new OwnedVip(spec, Long.parseLong(f[2]), f[3].equals("1")));
          }
          return Optional.of(
              new GrantMessage(
                  new GrantReply.Grant(Long.parseLong(t[1]), Long.parseLong(t[2]), held)));
        default:
          return Optional.empty();
      }
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String[] split(String line) {
    if (line == null || line.length() > LINE_LENGTH_MAX) {
      return new String[0];
    }
    String s = line.strip();
    return s.isEmpty() ? new String[0] : s.split(" +");
  }

  /** A value as one token: blanks become '_'. */
  private static String token(String s) {
    return s.isEmpty() ? "-" : s.replaceAll("\\s", "_");
  }

  /** The fields of an event as a list "k=v", for tests and logs. */
  static List<String> describe(Event e) {
    List<String> out = new ArrayList<>();
    e.fields().forEach((k, v) -> out.add(k + "=" + v));
    return out;
  }
}
