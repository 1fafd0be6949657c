package io.raftvip.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.cli.Json;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.lease.TimingSettings;
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
 * A kill scenario assembled from synthetic witnesses: the report must line the four clocks up and
 * compute the figures the demo prints. No root, no processes.
 */
class ScenarioReportTest {
  static final long FAULT = 1_764_072_000_000_000L;

  /** Leader and agent monotonic time 10 s = the fault. */
  static final long WALL_MINUS_MONO = FAULT - 10_000_000L;

  static long at(double ms) {
    return FAULT + Math.round(ms * 1000);
  }

  static ScenarioReport.NodeEvent event(String node, String what, double ms, Object... fields) {
    long wall = at(ms);
    long mono = (wall - WALL_MINUS_MONO) * 1000;
    Map<String, String> f = new java.util.LinkedHashMap<>();
    for (int i = 0; i + 1 < fields.length; i += 2) {
      f.put((String) fields[i], String.valueOf(fields[i + 1]));
    }
    return new ScenarioReport.NodeEvent(node, new AgentWire.Event(what, mono, wall, f));
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
    List<ScenarioReport.NodeEvent> events =
        List.of(
            // n1's last arm before the fault: deadline at mono 10 160 ms = fault + 160 ms
            event("n1", "fence-armed", -40, "deadline-ms", 10_160, "epoch", 5),
            event("n2", "view", 236, "as-of-index", 6),
            event("n2", "fence-armed", 237, "deadline-ms", 10_380, "epoch", 6),
            event("n2", "address-added", 238, "valid-lft-s", 2, "epoch", 6),
            event("n2", "announced", 239, "epoch", 6));
    List<DemoLeader.Decision> decisions =
        List.of(
            new DemoLeader.Decision(10_235, "lapsed", Optional.of(NodeId.of("n1")), "x", 10_000),
            new DemoLeader.Decision(
                10_235,
                "assigned",
                Optional.of(NodeId.of("n2")),
                "demo n1 -> n2 epoch 6 OWNED (OWNER_EXPIRED)",
                6));
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
        events,
        decisions,
        WALL_MINUS_MONO,
        neighbour,
        addresses,
        Timeline.of(probe),
        Map.of("n1", "02:00:00:00:00:0b", "n2", "02:00:00:00:00:0c", "n3", "02:00:00:00:00:0d"),
        TimingSettings.defaults());
  }

  @Test
  void theFiguresLineUpTheLeadersTheAgentsTheKernelsAndTheClientsClocks() {
    ScenarioReport r = killReport();
    ScenarioReport.Figures f = r.figures();

    assertThat(r.newNode()).hasValue("n2");
    assertThat(r.tookOver()).isTrue();
    assertThat(f.oldFenceDeadlineMs()).hasValue(160.0);
    assertThat(f.assignedMs()).hasValue(235.0);
    assertThat(f.addressAddedMs()).hasValue(238.0);
    assertThat(f.announcedMs()).hasValue(239.0);
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
    // n2 added at +238, n1's address gone at +1238: configured twice for 1000 ms, fenced
    assertThat(f.configuredOverlapMs()).isEqualTo(1000.0);
    assertThat(f.udpFlaps()).isEqualTo(1);
  }

  @Test
  void theTimelineIsInTimeOrderAndSaysWhatHappened() {
    ScenarioReport r = killReport();

    List<String> texts = r.entries().stream().map(ScenarioReport.Entry::text).toList();
    assertThat(texts)
        .containsSubsequence(
            "leader: last renewal of n1 granted",
            "FAULT: SIGKILL n1's agent",
            "last answer from n1 seen by the client",
            "leader: VIP -> n2 (epoch 6, OWNER_EXPIRED)",
            "n2 VIP address added (valid_lft 2 s backstop)",
            "first answer from n2 at the client (through its own stack)");
    assertThat(texts).anyMatch(t -> t.startsWith("n1 fence deadline"));
    assertThat(texts)
        .anyMatch(
            t ->
                t.startsWith(
                    "client's neighbour entry for the VIP:"
                        + " 02:00:00:00:00:0b -> 02:00:00:00:00:0c"));
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
        .contains("== 1/4 kill: SIGKILL the agent holding the VIP")
        .contains("client outage: 80.0 ms")
        .contains("overlap: 0 ms (0 of 200 directed rounds and 0 of 200 ARP rounds")
        .contains("fence deadline +160.0");

    String json = Json.write(DemoOutput.scenarioJson(r));
    assertThat(json)
        .contains("\"id\":\"kill\"")
        .contains("\"overlapMs\":0.0")
        .contains("\"newNode\":\"n2\"");

    String svg =
        DemoOutput.svg(
            List.of(r, r),
            List.of("n1", "n2", "n3"),
            Map.of("n1", "02:00:00:00:00:0b", "n2", "02:00:00:00:00:0c"));
    var doc =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
    assertThat(doc.getElementsByTagName("rect").getLength()).isGreaterThan(10);
    assertThat(svg).contains("kill: SIGKILL the agent holding the VIP");
  }
}
