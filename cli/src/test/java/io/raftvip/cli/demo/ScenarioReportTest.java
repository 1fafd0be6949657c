package io.raftvip.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.cli.Json;
import io.raftvip.cli.lan.KernelView;
import io.raftvip.testlan.probe.ProbeEvent;
import io.raftvip.testlan.probe.ProbeEvent.Kind;
import io.raftvip.testlan.probe.Timeline;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;

/**
 * A kill scenario assembled from synthetic witnesses: the report must line the log, the nodes'
 * kernels and the client's kernel and probes up and compute the figures the demo prints. No root,
 * no processes.
 */
class ScenarioReportTest {
  static final long FAULT = 1_764_072_000_000_000L;

  static long at(double ms) {
    return FAULT + Math.round(ms * 1000);
  }

  /** Kernel samples every 10 ms: n1 live until +160 (fence then closed), n2 live from +238. */
  static List<KernelView.Round> rounds() {
    List<KernelView.Round> out = new ArrayList<>();
    for (double t = -500; t < 1500; t += 10) {
      int conf = (t < 1238 ? 1 : 0) | (t >= 238 ? 2 : 0);
      int open = (t < 160 ? 1 : 0) | (t >= 238 ? 2 : 0);
      out.add(new KernelView.Round(at(t), at(t + 2), conf & open, conf, open));
    }
    return out;
  }

  static ScenarioReport killReport() {
    ScenarioRun run =
        new ScenarioRun(
            Scenario.KILL,
            "n1",
            "SIGKILL n1's agent",
            at(-500),
            FAULT,
            Optional.empty(),
            "",
            at(1500),
            List.of());
    List<ScenarioReport.Commit> commits =
        List.of(
            new ScenarioReport.Commit(at(-9000), "n1", 5, "placed", "n3"),
            new ScenarioReport.Commit(at(235), "n2", 6, "OWNER_EXPIRED", "n3"));
    List<KernelWatcher.NeighbourChange> neighbour =
        List.of(
            new KernelWatcher.NeighbourChange(
                at(-2000), Optional.of("02:00:00:00:00:0b"), "REACHABLE"),
            new KernelWatcher.NeighbourChange(at(240), Optional.of("02:00:00:00:00:0c"), "STALE"));
    List<KernelWatcher.AddressChange> addresses =
        List.of(
            new KernelWatcher.AddressChange("n1", at(-3000), true),
            new KernelWatcher.AddressChange("n2", at(-3000), false),
            new KernelWatcher.AddressChange("n2", at(238), true),
            new KernelWatcher.AddressChange("n1", at(1238), false));
    List<ProbeEvent> probe = new ArrayList<>();
    long round = 0;
    for (double t = -500; t < 1500; t += 10) {
      probe.add(ProbeEvent.of(at(t), Kind.UDP_SENT, round));
      probe.add(ProbeEvent.of(at(t), Kind.DIRECTED_SENT, round));
      probe.add(ProbeEvent.of(at(t), Kind.ARP_SENT, round));
      String who = t < 160 ? "n1" : t >= 240 ? "n2" : "";
      if (!who.isEmpty()) {
        String mac = who.equals("n1") ? "02:00:00:00:00:0b" : "02:00:00:00:00:0c";
        probe.add(ProbeEvent.reply(at(t + 0.5), Kind.UDP_REPLY, round, who));
        probe.add(ProbeEvent.reply(at(t + 0.5), Kind.DIRECTED_REPLY, round, who));
        probe.add(new ProbeEvent(at(t + 0.4), Kind.ARP_REPLY, round, who, mac, true, ""));
      }
      round++;
    }
    probe.add(new ProbeEvent(at(239.4), Kind.GARP, -1, "n2", "02:00:00:00:00:0c", true, ""));
    return ScenarioReport.build(
        run,
        commits,
        rounds(),
        List.of("n1", "n2", "n3"),
        neighbour,
        addresses,
        Timeline.of(probe),
        Map.of("n1", "02:00:00:00:00:0b", "n2", "02:00:00:00:00:0c", "n3", "02:00:00:00:00:0d"));
  }

  @Test
  void theFiguresLineUpTheLogTheKernelsAndTheClient() {
    ScenarioReport r = killReport();
    ScenarioReport.Figures f = r.figures();

    assertThat(r.newNode()).hasValue("n2");
    assertThat(r.tookOver()).isTrue();
    assertThat(f.oldFenceClosedMs()).hasValue(160.0);
    assertThat(f.committedMs()).hasValue(235.0);
    assertThat(f.addressAddedMs()).hasValue(238.0);
    assertThat(f.announcedMs()).hasValue(239.4);
    assertThat(f.neighbourSwitchMs()).hasValue(240.0);
    assertThat(f.firstAnswerNewMs()).hasValue(240.5);
    assertThat(f.lastAnswerOldMs()).hasValue(150.5);
    assertThat(f.oldDropsVipMs()).hasValue(1238.0);
    // probes sent at +160..+230 went unanswered; the one sent at +240 was answered
    assertThat(f.outageMs()).isEqualTo(80.0);
    assertThat(f.arpOutageMs()).isEqualTo(80.0);
    assertThat(f.replyGapMs()).isEqualTo(90.0); // last answer +150.5, next +240.5
    assertThat(f.overlapMs()).isZero();
    assertThat(f.directedRoundsWithTwo()).isZero();
    assertThat(f.directedRounds()).isEqualTo(200);
    assertThat(f.kernelRoundsWithTwo()).isZero();
    assertThat(f.kernelRounds()).isEqualTo(200);
    // n2 added at +238, n1's address gone at +1238: configured twice for 1000 ms, fenced
    assertThat(f.configuredOverlapMs()).isEqualTo(1000.0);
    assertThat(f.udpFlaps()).isEqualTo(1);
  }

  @Test
  void twoLiveKernelsAreOverlapEvenWhenNoProbeSawIt() {
    ScenarioReport clean = killReport();
    List<KernelView.Round> rounds = new ArrayList<>(rounds());
    rounds.add(new KernelView.Round(at(300), at(305), 3, 3, 3));
    ScenarioReport r =
        ScenarioReport.build(
            clean.run(),
            List.of(),
            rounds,
            List.of("n1", "n2", "n3"),
            List.of(),
            List.of(),
            Timeline.of(List.of()),
            Map.of());

    assertThat(r.figures().kernelRoundsWithTwo()).isEqualTo(1);
    assertThat(r.figures().overlapMs()).isEqualTo(5.0);
  }

  @Test
  void theTimelineIsInTimeOrderAndSaysWhatHappened() {
    ScenarioReport r = killReport();

    List<String> texts = r.entries().stream().map(ScenarioReport.Entry::text).toList();
    assertThat(texts)
        .containsSubsequence(
            "FAULT: SIGKILL n1's agent",
            "last answer from n1 seen by the client",
            "n1's fence closed (lease element expired or deleted): it stops answering",
            "committed: VIP -> n2 (epoch 6, OWNER_EXPIRED; applied on n3)",
            "n2 added the VIP address",
            "n2 announced: its G-ARP seen on the wire",
            "first answer from n2 at the client (through its own stack)",
            "n1's kernel no longer has the VIP address");
    assertThat(texts)
        .anyMatch(
            t ->
                t.startsWith(
                    "client's neighbour entry for the VIP:"
                        + " 02:00:00:00:00:0b -> 02:00:00:00:00:0c"));
    assertThat(texts).noneMatch(t -> t.contains("epoch 5"));
    assertThat(r.entries())
        .isSortedAccordingTo(java.util.Comparator.comparingLong(ScenarioReport.Entry::wallMicros));
  }

  @Test
  void configuredOverlapCountsOnlyTimeWithTwoKernelsHoldingTheVip() {
    List<KernelWatcher.AddressChange> c =
        List.of(
            new KernelWatcher.AddressChange("n1", 0, true),
            new KernelWatcher.AddressChange("n2", 100, true),
            new KernelWatcher.AddressChange("n1", 250, false),
            new KernelWatcher.AddressChange("n3", 260, true));

    assertThat(ScenarioReport.configuredOverlapMicros(c, 50, 300)).isEqualTo(150 + 40);
    assertThat(ScenarioReport.configuredOverlapMicros(c, 120, 200)).isEqualTo(80);
    assertThat(ScenarioReport.configuredOverlapMicros(List.of(), 0, 100)).isZero();
  }

  @Test
  void theOutputsRenderTheReport() throws Exception {
    ScenarioReport r = killReport();

    List<String> text = DemoOutput.text(r, 1, 4, 5);
    assertThat(String.join("\n", text))
        .contains("== 1/4 kill: SIGKILL the owner's agent, then restart it")
        .contains("client outage: 80.0 ms")
        .contains("overlap: 0 ms (0 of 200 directed rounds and 0 of 200 ARP rounds")
        .contains("0 of 200 kernel samples with the VIP live on two nodes")
        .contains("old owner: fence closed +160.0")
        .contains(
            "takeover: committed +235.0, address added +238.0, announced (G-ARP) +239.4, client"
                + " neighbour entry switched MAC +240.0, first answer from n2 +240.5");

    String json = Json.write(DemoOutput.scenarioJson(r));
    assertThat(json)
        .contains("\"id\":\"kill\"")
        .contains("\"overlapMs\":0.0")
        .contains("\"newNode\":\"n2\"");

    String svg =
        DemoOutput.svg(
            List.of(r, r),
            List.of("n1", "n2", "n3"),
            Map.of("n1", "02:00:00:00:00:0b", "n2", "02:00:00:00:00:0c"),
            "real");
    var doc =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
    assertThat(doc.getElementsByTagName("rect").getLength()).isGreaterThan(10);
    assertThat(svg).contains("kill: SIGKILL the owner's agent").contains("(real)");
  }
}
