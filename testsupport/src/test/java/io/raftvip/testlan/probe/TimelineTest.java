package io.raftvip.testlan.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftvip.testlan.probe.ProbeEvent.Kind;
import io.raftvip.testlan.probe.Timeline.Interval;
import io.raftvip.testlan.probe.Timeline.Overlap;
import io.raftvip.testlan.probe.Timeline.Report;
import io.raftvip.testlan.probe.Timeline.Window;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The failover figures on synthetic event lists: no root, no network. */
class TimelineTest {

  /** Milliseconds to the log's epoch microseconds, from an arbitrary base. */
  static final long BASE = 1_764_072_000_000_000L;

  static long ms(double ms) {
    return BASE + Math.round(ms * 1000);
  }

  /**
   * Probes every 5 ms (UDP) and every 10 ms (directed, ARP) over [0, endMs); {@code answerers} says
   * who answers a round sent at a given time (none, one or several node ids).
   */
  static List<ProbeEvent> run(double endMs, java.util.function.DoubleFunction<List<String>> who) {
    List<ProbeEvent> events = new ArrayList<>();
    long udp = 0;
    long round = 0;
    for (double t = 0; t < endMs; t += 5) {
      events.add(ProbeEvent.of(ms(t), Kind.UDP_SENT, udp));
      List<String> nodes = who.apply(t);
      if (!nodes.isEmpty()) {
        // the client's stack reaches one node only: the first in the list
        events.add(ProbeEvent.reply(ms(t + 0.3), Kind.UDP_REPLY, udp, nodes.get(0)));
      }
      udp++;
      if (((long) t) % 10 == 0) {
        events.add(ProbeEvent.of(ms(t + 0.1), Kind.DIRECTED_SENT, round));
        events.add(ProbeEvent.of(ms(t + 0.2), Kind.ARP_SENT, round));
        for (String n : nodes) {
          events.add(ProbeEvent.reply(ms(t + 0.5), Kind.DIRECTED_REPLY, round, n));
          events.add(new ProbeEvent(ms(t + 0.6), Kind.ARP_REPLY, round, n, mac(n), true, ""));
        }
        round++;
      }
    }
    return events;
  }

  static String mac(String node) {
    return "02:00:00:00:00:" + (node.equals("n1") ? "0b" : node.equals("n2") ? "0c" : "0d");
  }

  @Test
  void aCleanFailoverHasOneGapNoOverlapAndOneFlap() {
    // n1 answers until 1000 ms, nobody until 1240 ms, then n2.
    Timeline t =
        Timeline.of(
            run(2000, at -> at < 1000 ? List.of("n1") : at >= 1240 ? List.of("n2") : List.of()));

    Report r = t.analyze(new Window(ms(500), ms(1000), ms(1999), "n1", "n2"));

    // probes sent at 1000..1235 went unanswered; the one sent at 1240 was answered
    assertThat(r.outage()).isEqualTo(new Interval(ms(1000), ms(1240)));
    assertThat(r.outage().micros()).isEqualTo(240_000);
    // ARP rounds go every 10 ms: rounds sent at 1000.2..1230.2 got no answer
    assertThat(r.arpOutage()).isEqualTo(new Interval(ms(1000.2), ms(1240.2)));
    // the raw silence between answers: last from n1 to first from n2
    assertThat(r.replyGap()).isEqualTo(new Interval(ms(995.3), ms(1240.3)));
    assertThat(r.firstUdpFromNew()).hasValue(ms(1240.3));
    assertThat(r.firstDirectedFromNew()).hasValue(ms(1240.5));
    assertThat(r.lastUdpFromOld()).hasValue(ms(995.3));
    assertThat(r.lastDirectedFromOld()).hasValue(ms(990.5));
    assertThat(r.directed().none()).isTrue();
    assertThat(r.directed().totalMicros()).isZero();
    assertThat(r.arp().none()).isTrue();
    assertThat(r.anyOverlap()).isFalse();
    assertThat(r.udpFlaps()).isEqualTo(1);
    assertThat(r.arpFlaps()).isEqualTo(1);
    assertThat(r.udpSent()).isEqualTo(300);
    assertThat(r.udpAnswered()).isEqualTo(300 - 48);
  }

  @Test
  void twoNodesAnsweringTheSameRoundIsOverlapWithItsWindow() {
    // n1 keeps answering until 1300 ms although n2 answers from 1240 ms: keepalived without a
    // fence.
    Timeline t =
        Timeline.of(
            run(
                2000,
                at -> {
                  List<String> who = new ArrayList<>();
                  if (at >= 1240) {
                    who.add("n2");
                  }
                  if (at < 1300) {
                    who.add("n1");
                  }
                  return who;
                }));

    Overlap directed = t.directedOverlap(ms(0), ms(1999));
    Overlap arp = t.arpOverlap(ms(0), ms(1999));

    assertThat(directed.rounds()).isEqualTo(200);
    // rounds at 1240, 1250, ..., 1290
    assertThat(directed.roundsWithSeveral()).isEqualTo(6);
    assertThat(directed.windows()).hasSize(1);
    assertThat(directed.windows().get(0).startMicros()).isEqualTo(ms(1240.1));
    // ends when the next round (1300 ms) had a single answer
    assertThat(directed.windows().get(0).endMicros()).isEqualTo(ms(1300.1));
    assertThat(directed.windows().get(0).answerers()).containsExactly("n2", "n1");
    assertThat(directed.totalMicros()).isEqualTo(60_000);
    assertThat(arp.roundsWithSeveral()).isEqualTo(6);
    assertThat(arp.windows().get(0).startMicros()).isEqualTo(ms(1240.2));
    assertThat(arp.totalMicros()).isEqualTo(60_000);

    Report r = t.analyze(new Window(ms(0), ms(1000), ms(1999), "n1", "n2"));
    assertThat(r.anyOverlap()).isTrue();
    assertThat(r.overlapMicros()).isEqualTo(60_000);
  }

  @Test
  void separateOverlapRunsAreSeparateWindowsAndAnOpenRunEndsAtItsLastAnswer() {
    Timeline t =
        Timeline.of(
            run(
                200,
                at -> (at >= 20 && at < 40) || at >= 150 ? List.of("n1", "n2") : List.of("n1")));

    Overlap o = t.directedOverlap(ms(0), ms(199));

    assertThat(o.windows()).hasSize(2);
    assertThat(o.windows().get(0).startMicros()).isEqualTo(ms(20.1));
    assertThat(o.windows().get(0).endMicros()).isEqualTo(ms(40.1));
    // still open at the end: ends at the last answer of the last round (190.5 ms)
    assertThat(o.windows().get(1).startMicros()).isEqualTo(ms(150.1));
    assertThat(o.windows().get(1).endMicros()).isEqualTo(ms(190.5));
    assertThat(o.roundsWithSeveral()).isEqualTo(2 + 5);
    assertThat(o.totalMicros()).isEqualTo(20_000 + 40_400);
  }

  @Test
  void answersCountForTheirRoundWhenTheyArriveLate() {
    List<ProbeEvent> events =
        List.of(
            ProbeEvent.of(ms(0), Kind.DIRECTED_SENT, 0),
            ProbeEvent.reply(ms(0.2), Kind.DIRECTED_REPLY, 0, "n1"),
            ProbeEvent.of(ms(10), Kind.DIRECTED_SENT, 1),
            // round 0's answer from n2 arrives after round 1 was sent
            ProbeEvent.reply(ms(10.5), Kind.DIRECTED_REPLY, 0, "n2"),
            ProbeEvent.reply(ms(10.6), Kind.DIRECTED_REPLY, 1, "n1"));

    Overlap o = Timeline.of(events).directedOverlap(ms(0), ms(20));

    assertThat(o.roundsWithSeveral()).isEqualTo(1);
    assertThat(o.windows().get(0).startMicros()).isEqualTo(ms(0));
    assertThat(o.windows().get(0).endMicros()).isEqualTo(ms(10));
  }

  @Test
  void roundsSentOutsideTheWindowDoNotCount() {
    Timeline t = Timeline.of(run(100, at -> List.of("n1", "n2")));

    Overlap o = t.directedOverlap(ms(45), ms(75));

    assertThat(o.rounds()).isEqualTo(3); // sent at 50.1, 60.1, 70.1
    assertThat(o.roundsWithSeveral()).isEqualTo(3);
  }

  @Test
  void aStalledProberOrALateResponderIsNoOutage() {
    List<ProbeEvent> events = new ArrayList<>();
    long seq = 0;
    for (double t = 0; t < 1000; t += 5) {
      if (t >= 300 && t < 400) {
        continue; // the prober did not run: nothing sent, nothing answered
      }
      events.add(ProbeEvent.of(ms(t), Kind.UDP_SENT, seq));
      // the responder waited for a CPU from 600 to 660 ms, then answered everything at once
      double answeredAt = t >= 600 && t < 660 ? 660 : t + 0.3;
      events.add(ProbeEvent.reply(ms(answeredAt), Kind.UDP_REPLY, seq, "n1"));
      seq++;
    }
    Timeline t = Timeline.of(events);

    assertThat(t.longestUnanswered(Kind.UDP_SENT, Kind.UDP_REPLY, ms(0), ms(999)).micros())
        .isZero();
    // the raw silence sees both stalls
    assertThat(t.longestGap(Kind.UDP_REPLY, ms(0), ms(999)).micros()).isEqualTo(105_000);
  }

  @Test
  void unansweredProbesAtTheEndCountUpToTheWindowsEnd() {
    Timeline t = Timeline.of(run(500, at -> at < 400 ? List.of("n1") : List.of()));

    assertThat(t.longestUnanswered(Kind.UDP_SENT, Kind.UDP_REPLY, ms(0), ms(499)))
        .isEqualTo(new Interval(ms(400), ms(499)));
    assertThat(t.longestUnanswered(Kind.ARP_SENT, Kind.ARP_REPLY, ms(0), ms(399)))
        .isEqualTo(new Interval(ms(0), ms(0)));
  }

  @Test
  void theLongestGapStartsAtTheLastAnswerBeforeTheWindow() {
    Timeline t = Timeline.of(run(1000, at -> at < 300 || at >= 700 ? List.of("n1") : List.of()));

    // window starts inside the silence
    assertThat(t.longestGap(Kind.UDP_REPLY, ms(500), ms(999)))
        .isEqualTo(new Interval(ms(295.3), ms(700.3)));
  }

  @Test
  void aWindowWithoutAnswersIsOneGapFromItsStartAndASilentEndCountsToTheEnd() {
    Timeline none = Timeline.of(run(1000, at -> List.of()));
    assertThat(none.longestGap(Kind.UDP_REPLY, ms(100), ms(600)))
        .isEqualTo(new Interval(ms(100), ms(600)));

    Timeline stops = Timeline.of(run(1000, at -> at < 200 ? List.of("n1") : List.of()));
    assertThat(stops.longestGap(Kind.UDP_REPLY, ms(0), ms(999)))
        .isEqualTo(new Interval(ms(195.3), ms(999)));
  }

  @Test
  void steadyAnsweringHasOnlyTheProbeIntervalAsGap() {
    Timeline t = Timeline.of(run(1000, at -> List.of("n1")));

    assertThat(t.longestGap(Kind.UDP_REPLY, ms(100), ms(900)).micros()).isEqualTo(5_000);
    assertThat(t.flaps(Kind.UDP_REPLY, ms(0), ms(999))).isZero();
  }

  @Test
  void flapsCountEveryChangeOfTheAnsweringNode() {
    Timeline t =
        Timeline.of(run(100, at -> ((long) at / 20) % 2 == 0 ? List.of("n1") : List.of("n2")));

    // n1 0-15, n2 20-35, n1 40-55, n2 60-75, n1 80-95
    assertThat(t.flaps(Kind.UDP_REPLY, ms(0), ms(99))).isEqualTo(4);
    assertThat(t.flaps(Kind.ARP_REPLY, ms(0), ms(99))).isEqualTo(4);
  }

  @Test
  void firstAndLastRepliesMatchNodeOrMac() {
    Timeline t = Timeline.of(run(100, at -> at < 50 ? List.of("n1") : List.of("n2")));

    assertThat(t.firstReply(Kind.ARP_REPLY, "02:00:00:00:00:0c", ms(0), ms(99))).hasValue(ms(50.6));
    assertThat(t.lastReply(Kind.ARP_REPLY, "n1", ms(0), ms(99))).hasValue(ms(40.6));
    assertThat(t.firstReply(Kind.UDP_REPLY, "n3", ms(0), ms(99))).isEmpty();
    assertThat(t.lastReply(Kind.UDP_REPLY, "n1", ms(60), ms(99))).isEmpty();
  }

  @Test
  void answeringIntervalsJoinCloseAnswersPerNode() {
    Timeline t =
        Timeline.of(
            run(
                300,
                at ->
                    at < 100 ? List.of("n1") : at >= 150 && at < 200 ? List.of("n2") : List.of()));

    Map<String, List<Interval>> a = t.answering(Kind.UDP_REPLY, ms(0), ms(299), 20_000);

    assertThat(a.keySet()).containsExactly("n1", "n2");
    assertThat(a.get("n1")).containsExactly(new Interval(ms(0.3), ms(95.3)));
    assertThat(a.get("n2")).containsExactly(new Interval(ms(150.3), ms(195.3)));

    Map<String, List<Interval>> split = t.answering(Kind.UDP_REPLY, ms(0), ms(299), 4_000);
    assertThat(split.get("n1")).hasSize(20); // 5 ms apart: every answer is its own interval
  }

  @Test
  void windowsAreValidated() {
    assertThatThrownBy(() -> new Window(ms(10), ms(5), ms(20), "n1", "n2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("from <= fault <= to");
    Timeline t = Timeline.of(List.of());
    assertThatThrownBy(() -> t.longestGap(Kind.UDP_REPLY, ms(10), ms(5)))
        .hasMessageContaining("before it starts");
    assertThatThrownBy(() -> t.answering(Kind.UDP_REPLY, ms(0), ms(5), -1))
        .hasMessageContaining("joinGapMicros");
  }

  @Test
  void eventsNeedNotBeSorted() {
    List<ProbeEvent> events = new ArrayList<>(run(100, at -> List.of("n1")));
    java.util.Collections.reverse(events);

    assertThat(Timeline.of(events).longestGap(Kind.UDP_REPLY, ms(10), ms(90)).micros())
        .isEqualTo(5_000);
  }
}
