package io.raftvip.testlan.probe;

import io.raftvip.testlan.probe.ProbeEvent.Kind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * The failover figures computed from prober events. Pure: no IO, no clock; immutable and
 * thread-safe. All times are epoch microseconds as in the log; windows are closed intervals {@code
 * [from, to]}.
 *
 * <ul>
 *   <li><b>outage</b>: the longest run of consecutive UDP probes (through the client's stack) that
 *       got no answer, from the first one's send time to the send time of the next answered one. A
 *       prober that did not run sent nothing unanswered, and a late answer (a responder waiting for
 *       a CPU) is still an answer, so on a busy host this measures whether the VIP took the probes,
 *       not how the probe tools were scheduled. The raw longest silence between two answers is kept
 *       as {@code replyGap}.
 *   <li><b>first answer from the new node</b>, <b>last answer from the old node</b>: per kind.
 *   <li><b>overlap</b>: directed rounds in which two or more nodes answered, and ARP rounds in
 *       which two or more MACs answered; each run of such rounds is a window from the first such
 *       round's send time to the next round without overlap (the measurement's resolution).
 *   <li><b>flaps</b>: how often the answering node (UDP) or MAC (ARP) changed.
 * </ul>
 */
public final class Timeline {

  private final List<ProbeEvent> events;

  private Timeline(List<ProbeEvent> events) {
    this.events = events;
  }

  /** A timeline of these events (sorted by time here; the list is copied). */
  public static Timeline of(List<ProbeEvent> events) {
    List<ProbeEvent> sorted = new ArrayList<>(events);
    sorted.sort(Comparator.comparingLong(ProbeEvent::epochMicros));
    return new Timeline(List.copyOf(sorted));
  }

  /** The events, in time order. */
  public List<ProbeEvent> events() {
    return events;
  }

  /** A time interval; {@code end >= start}. */
  public record Interval(long startMicros, long endMicros) {
    public Interval {
      if (endMicros < startMicros) {
        throw new IllegalArgumentException(
            "interval ends at " + endMicros + " before it starts at " + startMicros);
      }
    }

    public long micros() {
      return endMicros - startMicros;
    }
  }

  /** A run of rounds in which several identities answered. */
  public record OverlapWindow(long startMicros, long endMicros, List<String> answerers) {
    public OverlapWindow {
      answerers = List.copyOf(answerers);
    }

    public long micros() {
      return endMicros - startMicros;
    }
  }

  /**
   * Overlap found in one kind of round.
   *
   * @param rounds rounds sent inside the window
   * @param roundsAnswered rounds with at least one answer
   * @param roundsWithSeveral rounds answered by two or more nodes (or MACs)
   * @param totalMicros summed length of the windows
   */
  public record Overlap(
      int rounds,
      int roundsAnswered,
      int roundsWithSeveral,
      long totalMicros,
      List<OverlapWindow> windows) {
    public Overlap {
      windows = List.copyOf(windows);
    }

    /** True when no round had two answerers. */
    public boolean none() {
      return roundsWithSeveral == 0;
    }
  }

  /**
   * The window of one fault.
   *
   * @param fromMicros observation start (before the fault, to see the steady state)
   * @param faultMicros when the fault was injected
   * @param toMicros observation end
   * @param oldNode the node that held the VIP before the fault
   * @param newNode the node expected to hold it afterwards
   */
  public record Window(
      long fromMicros, long faultMicros, long toMicros, String oldNode, String newNode) {
    public Window {
      Objects.requireNonNull(oldNode, "oldNode");
      Objects.requireNonNull(newNode, "newNode");
      if (!(fromMicros <= faultMicros && faultMicros <= toMicros)) {
        throw new IllegalArgumentException(
            "window needs from <= fault <= to, got "
                + fromMicros
                + ", "
                + faultMicros
                + ", "
                + toMicros);
      }
    }
  }

  /**
   * The figures of one window.
   *
   * @param outage the longest run of unanswered UDP probes (see the class comment)
   * @param arpOutage the longest run of ARP rounds nobody answered (kernel-answered)
   * @param replyGap the longest silence between two UDP answers, whatever its cause (includes the
   *     prober or a responder waiting for a CPU)
   * @param firstUdpFromNew first UDP answer from the new node at or after the fault
   * @param firstDirectedFromNew first directed answer from the new node at or after the fault
   * @param lastUdpFromOld last UDP answer from the old node in the window
   * @param lastDirectedFromOld last directed answer from the old node in the window
   * @param directed overlap in directed rounds
   * @param arp overlap in ARP rounds
   * @param udpFlaps changes of the node answering UDP probes
   * @param arpFlaps changes of the MAC answering ARP probes
   * @param udpSent UDP probes sent in the window
   * @param udpAnswered UDP answers in the window
   */
  public record Report(
      Window window,
      Interval outage,
      Interval arpOutage,
      Interval replyGap,
      OptionalLong firstUdpFromNew,
      OptionalLong firstDirectedFromNew,
      OptionalLong lastUdpFromOld,
      OptionalLong lastDirectedFromOld,
      Overlap directed,
      Overlap arp,
      int udpFlaps,
      int arpFlaps,
      int udpSent,
      int udpAnswered) {

    /** Overlap in either kind of round. */
    public boolean anyOverlap() {
      return !directed.none() || !arp.none();
    }

    /** The larger of the two overlap totals, in microseconds. */
    public long overlapMicros() {
      return Math.max(directed.totalMicros(), arp.totalMicros());
    }
  }

  /** All figures of {@code w}. */
  public Report analyze(Window w) {
    long from = w.fromMicros();
    long to = w.toMicros();
    return new Report(
        w,
        longestUnanswered(Kind.UDP_SENT, Kind.UDP_REPLY, from, to),
        longestUnanswered(Kind.ARP_SENT, Kind.ARP_REPLY, from, to),
        longestGap(Kind.UDP_REPLY, from, to),
        firstReply(Kind.UDP_REPLY, w.newNode(), w.faultMicros(), to),
        firstReply(Kind.DIRECTED_REPLY, w.newNode(), w.faultMicros(), to),
        lastReply(Kind.UDP_REPLY, w.oldNode(), from, to),
        lastReply(Kind.DIRECTED_REPLY, w.oldNode(), from, to),
        directedOverlap(from, to),
        arpOverlap(from, to),
        flaps(Kind.UDP_REPLY, from, to),
        flaps(Kind.ARP_REPLY, from, to),
        count(Kind.UDP_SENT, from, to),
        count(Kind.UDP_REPLY, from, to));
  }

  /**
   * The longest stretch without an answer of {@code replyKind} that overlaps {@code [from, to]}. It
   * starts at the last answer before {@code from} (or at {@code from} when there was none) and ends
   * at the next answer (or at {@code to}).
   */
  public Interval longestGap(Kind replyKind, long from, long to) {
    requireWindow(from, to);
    long prev = Long.MIN_VALUE;
    for (ProbeEvent e : events) {
      if (e.epochMicros() >= from) {
        break;
      }
      if (e.kind() == replyKind) {
        prev = e.epochMicros();
      }
    }
    if (prev == Long.MIN_VALUE) {
      prev = from;
    }
    Interval longest = null;
    for (ProbeEvent e : events) {
      long t = e.epochMicros();
      if (t < from || e.kind() != replyKind) {
        continue;
      }
      if (t > to) {
        break;
      }
      if (longest == null || t - prev > longest.micros()) {
        longest = new Interval(prev, t);
      }
      prev = t;
    }
    if (longest == null || to - prev > longest.micros()) {
      longest = new Interval(prev, Math.max(prev, to));
    }
    return longest;
  }

  /**
   * The longest run of consecutive probes of {@code sentKind} (in sequence order, sent within
   * {@code [from, to]}) without any answer of {@code replyKind}: from the send time of the run's
   * first probe to the send time of the next answered probe, or to {@code to} when the run lasts to
   * the end. An empty interval at {@code from} when every probe was answered.
   */
  public Interval longestUnanswered(Kind sentKind, Kind replyKind, long from, long to) {
    requireWindow(from, to);
    TreeMap<Long, Long> sentAt = new TreeMap<>();
    for (ProbeEvent e : events) {
      if (e.kind() == sentKind
          && e.seq() >= 0
          && e.epochMicros() >= from
          && e.epochMicros() <= to) {
        sentAt.putIfAbsent(e.seq(), e.epochMicros());
      }
    }
    Set<Long> answered = new java.util.HashSet<>();
    for (ProbeEvent e : events) {
      if (e.kind() == replyKind && sentAt.containsKey(e.seq())) {
        answered.add(e.seq());
      }
    }
    Interval longest = new Interval(from, from);
    long runStart = -1;
    for (Map.Entry<Long, Long> probe : sentAt.entrySet()) {
      if (!answered.contains(probe.getKey())) {
        if (runStart < 0) {
          runStart = probe.getValue();
        }
      } else if (runStart >= 0) {
        if (probe.getValue() - runStart > longest.micros()) {
          longest = new Interval(runStart, probe.getValue());
        }
        runStart = -1;
      }
    }
    if (runStart >= 0 && to - runStart > longest.micros()) {
      longest = new Interval(runStart, to);
    }
    return longest;
  }

  /** The first answer of {@code replyKind} from {@code identity} in {@code [from, to]}. */
  public OptionalLong firstReply(Kind replyKind, String identity, long from, long to) {
    requireWindow(from, to);
    for (ProbeEvent e : events) {
      long t = e.epochMicros();
      if (t > to) {
        break;
      }
      if (t >= from && e.kind() == replyKind && answeredBy(e, identity)) {
        return OptionalLong.of(t);
      }
    }
    return OptionalLong.empty();
  }

  /** The last answer of {@code replyKind} from {@code identity} in {@code [from, to]}. */
  public OptionalLong lastReply(Kind replyKind, String identity, long from, long to) {
    requireWindow(from, to);
    for (int i = events.size() - 1; i >= 0; i--) {
      ProbeEvent e = events.get(i);
      long t = e.epochMicros();
      if (t < from) {
        break;
      }
      if (t <= to && e.kind() == replyKind && answeredBy(e, identity)) {
        return OptionalLong.of(t);
      }
    }
    return OptionalLong.empty();
  }

  /** Rounds of directed probes answered by two or more nodes. */
  public Overlap directedOverlap(long from, long to) {
    return overlap(Kind.DIRECTED_SENT, Kind.DIRECTED_REPLY, from, to);
  }

  /** ARP rounds answered by two or more MACs. */
  public Overlap arpOverlap(long from, long to) {
    return overlap(Kind.ARP_SENT, Kind.ARP_REPLY, from, to);
  }

  /**
   * Rounds (identified by {@code seq}) sent in {@code [from, to]} and the identities that answered
   * each; answers count for their round whenever they arrive.
   */
  public Overlap overlap(Kind sentKind, Kind replyKind, long from, long to) {
    requireWindow(from, to);
    TreeMap<Long, Long> sentAt = new TreeMap<>();
    for (ProbeEvent e : events) {
      if (e.kind() == sentKind
          && e.seq() >= 0
          && e.epochMicros() >= from
          && e.epochMicros() <= to) {
        sentAt.putIfAbsent(e.seq(), e.epochMicros());
      }
    }
    Map<Long, Set<String>> answerers = new LinkedHashMap<>();
    Map<Long, Long> lastAnswerAt = new LinkedHashMap<>();
    for (ProbeEvent e : events) {
      if (e.kind() == replyKind && sentAt.containsKey(e.seq())) {
        answerers.computeIfAbsent(e.seq(), s -> new LinkedHashSet<>()).add(e.identity());
        lastAnswerAt.merge(e.seq(), e.epochMicros(), Math::max);
      }
    }
    List<OverlapWindow> windows = new ArrayList<>();
    int answered = 0;
    int several = 0;
    long openStart = 0;
    long openLastAnswer = 0;
    Set<String> openWho = null;
    for (Map.Entry<Long, Long> round : sentAt.entrySet()) {
      Set<String> who = answerers.getOrDefault(round.getKey(), Set.of());
      if (!who.isEmpty()) {
        answered++;
      }
      if (who.size() >= 2) {
        several++;
        if (openWho == null) {
          openWho = new LinkedHashSet<>();
          openStart = round.getValue();
        }
        openWho.addAll(who);
        openLastAnswer = Math.max(openLastAnswer, lastAnswerAt.get(round.getKey()));
      } else if (openWho != null) {
        windows.add(new OverlapWindow(openStart, round.getValue(), List.copyOf(openWho)));
        openWho = null;
      }
    }
    if (openWho != null) {
      windows.add(
          new OverlapWindow(openStart, Math.max(openStart, openLastAnswer), List.copyOf(openWho)));
    }
    long total = 0;
    for (OverlapWindow w : windows) {
      total += w.micros();
    }
    return new Overlap(sentAt.size(), answered, several, total, windows);
  }

  /** How often the identity answering {@code replyKind} changed within {@code [from, to]}. */
  public int flaps(Kind replyKind, long from, long to) {
    requireWindow(from, to);
    String last = null;
    int changes = 0;
    for (ProbeEvent e : events) {
      long t = e.epochMicros();
      if (t > to) {
        break;
      }
      if (t < from || e.kind() != replyKind) {
        continue;
      }
      String who = e.identity();
      if (last != null && !last.equals(who)) {
        changes++;
      }
      last = who;
    }
    return changes;
  }

  /** Events of {@code kind} within {@code [from, to]}. */
  public int count(Kind kind, long from, long to) {
    requireWindow(from, to);
    int n = 0;
    for (ProbeEvent e : events) {
      long t = e.epochMicros();
      if (t > to) {
        break;
      }
      if (t >= from && e.kind() == kind) {
        n++;
      }
    }
    return n;
  }

  /**
   * Per identity, the intervals in which it answered {@code replyKind}: consecutive answers no more
   * than {@code joinGapMicros} apart form one interval. Identities in order of first answer.
   */
  public Map<String, List<Interval>> answering(
      Kind replyKind, long from, long to, long joinGapMicros) {
    requireWindow(from, to);
    if (joinGapMicros < 0) {
      throw new IllegalArgumentException(
          "joinGapMicros must not be negative, was " + joinGapMicros);
    }
    Map<String, List<Interval>> out = new LinkedHashMap<>();
    Map<String, long[]> open = new LinkedHashMap<>();
    for (ProbeEvent e : events) {
      long t = e.epochMicros();
      if (t > to) {
        break;
      }
      if (t < from || e.kind() != replyKind) {
        continue;
      }
      String who = e.identity();
      out.computeIfAbsent(who, k -> new ArrayList<>());
      long[] cur = open.get(who);
      if (cur != null && t - cur[1] <= joinGapMicros) {
        cur[1] = t;
      } else {
        if (cur != null) {
          out.get(who).add(new Interval(cur[0], cur[1]));
        }
        open.put(who, new long[] {t, t});
      }
    }
    open.forEach((who, cur) -> out.get(who).add(new Interval(cur[0], cur[1])));
    Map<String, List<Interval>> frozen = new LinkedHashMap<>();
    out.forEach((who, list) -> frozen.put(who, List.copyOf(list)));
    return frozen;
  }

  private static boolean answeredBy(ProbeEvent e, String identity) {
    return identity.equals(e.node()) || identity.equals(e.mac());
  }

  private static void requireWindow(long from, long to) {
    if (to < from) {
      throw new IllegalArgumentException("window ends at " + to + " before it starts at " + from);
    }
  }
}
