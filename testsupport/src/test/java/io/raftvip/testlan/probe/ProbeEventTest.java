package io.raftvip.testlan.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftvip.testlan.probe.ProbeEvent.Kind;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log line format: round trips, what is not an event, reading a growing file. */
class ProbeEventTest {
  @TempDir Path dir;

  @Test
  void everyKindRoundTrips() {
    List<ProbeEvent> events =
        List.of(
            new ProbeEvent(1, Kind.START, -1, "", "", false, "vip=198.18.0.200 port=7777"),
            ProbeEvent.of(2, Kind.UDP_SENT, 0),
            new ProbeEvent(3, Kind.UDP_REPLY, 0, "n1", "", true, ""),
            ProbeEvent.of(4, Kind.DIRECTED_SENT, 7),
            new ProbeEvent(5, Kind.DIRECTED_REPLY, 7, "n2", "", false, ""),
            ProbeEvent.of(6, Kind.ARP_SENT, 3),
            new ProbeEvent(7, Kind.ARP_REPLY, 3, "n3", "02:00:00:00:00:0d", true, ""),
            new ProbeEvent(8, Kind.GARP, -1, "", "02:00:00:00:00:0e", true, ""),
            new ProbeEvent(9, Kind.STOP, -1, "", "", false, "reason=max-duration events=8"));

    for (ProbeEvent e : events) {
      assertThat(ProbeEvent.parse(e.format())).as(e.format()).hasValue(e);
    }
  }

  @Test
  void linesLookAsDocumented() {
    assertThat(new ProbeEvent(1764072000123712L, Kind.UDP_REPLY, 41, "n1", "", true, "").format())
        .isEqualTo("1764072000123712 udp-reply seq=41 node=n1 clock=k");
    assertThat(ProbeEvent.of(1764072000123456L, Kind.UDP_SENT, 41).format())
        .isEqualTo("1764072000123456 udp-sent seq=41");
    ProbeEvent stop = ProbeEvent.parse("5 stop reason=signal events=12").orElseThrow();
    assertThat(stop.noteValue("reason")).hasValue("signal");
    assertThat(stop.noteValue("events")).hasValue("12");
    assertThat(stop.noteValue("missing")).isEmpty();
  }

  @Test
  void nonEventsAreNotParsed() {
    for (String line :
        List.of(
            "",
            "# comment",
            "[main] INFO something happened",
            "12 unknown-kind seq=1",
            "12 udp-sent seq=x",
            "12 udp-sent seq",
            "12 udp-reply node=bad/id",
            "1234567890123456789012 udp-sent",
            "176407200012")) {
      assertThat(ProbeEvent.parse(line)).as(line).isEmpty();
    }
  }

  @Test
  void fieldsMustBeTokens() {
    assertThatThrownBy(() -> new ProbeEvent(1, Kind.UDP_REPLY, 1, "n 1", "", false, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("node id");
    assertThatThrownBy(() -> new ProbeEvent(1, Kind.UDP_REPLY, -2, "n1", "", false, ""))
        .hasMessageContaining("seq");
  }

  @Test
  void aLogSkipsNoiseAndATornLastLineAndSortsByTime() throws Exception {
    Path file = dir.resolve("probe.log");
    Files.writeString(
        file,
        String.join(
            "\n",
            "# raftvip probe",
            "20 udp-reply seq=1 node=n1 clock=k",
            "10 udp-sent seq=1",
            "SLF4J: noise",
            "30 udp-se"),
        StandardCharsets.UTF_8);

    ProbeLog log = ProbeLog.read(file);

    assertThat(log.events()).extracting(ProbeEvent::epochMicros).containsExactly(10L, 20L);
    // the comment, the noise and the torn last line
    assertThat(log.skippedLines()).isEqualTo(3);
  }

  @Test
  void aMissingFileIsAnEmptyLog() {
    ProbeLog log = ProbeLog.read(dir.resolve("absent.log"));

    assertThat(log.events()).isEmpty();
    assertThat(log.stop()).isEmpty();
  }

  @Test
  void theWriterWritesLinesTheLogReadsBack() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ProbeLogWriter w = new ProbeLogWriter(out, true)) {
      w.comment("header");
      w.accept(ProbeEvent.of(1, Kind.UDP_SENT, 0));
      w.accept(new ProbeEvent(2, Kind.STOP, -1, "", "", false, "reason=max-events events=1"));
      assertThat(w.written()).isEqualTo(2);
    }

    ProbeLog log = ProbeLog.parse(out.toString(StandardCharsets.UTF_8).lines().toList());

    assertThat(log.events()).hasSize(2);
    assertThat(log.skippedLines()).isEqualTo(1); // the comment
    assertThat(log.stop().orElseThrow().noteValue("reason")).hasValue("max-events");
  }
}
