package io.raftvip.netio.announce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftvip.netio.MacAddress;
import io.raftvip.netio.announce.frames.ArpFrame;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure parts of the announcer: conflict rules, sockaddr_ll bytes, validation, the fake. */
class AnnouncerUnitTest {
  private static final MacAddress OWN = MacAddress.parse("02:00:00:00:00:0b");
  private static final MacAddress OTHER = MacAddress.parse("02:00:00:00:00:0c");

  private static Inet4Address v4(String s) {
    try {
      return (Inet4Address) InetAddress.getByName(s);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static final Inet4Address CANDIDATE = v4("198.18.0.50");
  private static final ArpProbe PROBE = ArpProbe.of(CANDIDATE, "eth0");

  private static java.util.Optional<ProbeResult> judge(ArpFrame f) {
    byte[] b = f.encode();
    return AfPacketAnnouncer.conflict(PROBE, OWN, b, b.length, 7);
  }

  @Test
  void anotherHostUsingTheCandidateAsSenderIsAConflict() {
    ArpFrame reply =
        new ArpFrame(OWN, OTHER, ArpFrame.REPLY, OTHER, CANDIDATE, OWN, v4("198.18.0.11"));
    assertThat(judge(reply))
        .contains(new ProbeResult.ConflictDetected(CANDIDATE, OTHER, 2, false, 7));
    assertThat(judge(ArpFrame.gratuitousRequest(OTHER, CANDIDATE)))
        .contains(new ProbeResult.ConflictDetected(CANDIDATE, OTHER, 1, false, 7));
  }

  @Test
  void anotherHostProbingForTheCandidateAtTheSameTimeIsAConflict() {
    assertThat(judge(ArpFrame.probe(OTHER, CANDIDATE)))
        .contains(new ProbeResult.ConflictDetected(CANDIDATE, OTHER, 1, true, 7));
  }

  @Test
  void ourOwnFramesAndUnrelatedArpAreNot() {
    assertThat(judge(ArpFrame.probe(OWN, CANDIDATE))).isEmpty();
    assertThat(judge(ArpFrame.gratuitousReply(OWN, CANDIDATE))).isEmpty();
    assertThat(judge(ArpFrame.gratuitousRequest(OTHER, v4("198.18.0.51")))).isEmpty();
    // someone asking who has the candidate is not using it
    ArpFrame whoHas =
        new ArpFrame(
            MacAddress.BROADCAST,
            OTHER,
            ArpFrame.REQUEST,
            OTHER,
            v4("198.18.0.100"),
            MacAddress.ZERO,
            CANDIDATE);
    assertThat(judge(whoHas)).isEmpty();
    byte[] notArp = new byte[60];
    assertThat(AfPacketAnnouncer.conflict(PROBE, OWN, notArp, 60, 1)).isEmpty();
  }

  @Test
  void sockaddrLlLayout() {
    byte[] a = PacketSocket.sockaddrLl(0x0806, 0x01020304, MacAddress.BROADCAST);
    assertThat(HexFormat.of().formatHex(a))
        .isEqualTo(
            "1100" // AF_PACKET 17, host order
                + "0806" // protocol, network order
                + "04030201" // ifindex, host order
                + "0100" // ARPHRD_ETHER
                + "00" // pkttype
                + "06" // halen
                + "ffffffffffff0000"); // address, 8 bytes
  }

  @Test
  void announcementValidatesOnTheSpot() {
    Announcement a = Announcement.of(CANDIDATE, "eth0");
    assertThat(a.arpForms()).containsExactlyInAnyOrder(ArpForm.REQUEST, ArpForm.REPLY);
    assertThat(a.count()).isEqualTo(3);
    assertThatThrownBy(() -> a.withBurst(0, 100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 0");
    assertThatThrownBy(() -> a.withBurst(3, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> a.withArpForms(Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ARP form");
    assertThatThrownBy(() -> Announcement.of(CANDIDATE, "an-interface-name-too-long"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PROBE.withTiming(0, 10, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(PROBE.withTiming(3, 20, 100).maxDurationMs()).isEqualTo(140);
  }

  @Test
  void recordingAnnouncerRecordsAndHonoursTheOwnershipCheck() throws Exception {
    try (RecordingAnnouncer fake = new RecordingAnnouncer()) {
      Announcement a = Announcement.of(CANDIDATE, "eth0");
      assertThat(fake.announce(a).get().roundsSent()).isEqualTo(3);
      assertThat(fake.announce(a.withOwnershipCheck(() -> false)).get().ownershipLost()).isTrue();
      assertThat(fake.sent()).containsExactly(a);
      fake.startRefresh(a, 1000);
      assertThat(fake.refreshing()).containsExactly(CANDIDATE);
      assertThat(fake.stopRefresh(CANDIDATE)).isTrue();
      fake.answerProbesWith(
          p -> new ProbeResult.ConflictDetected(p.candidate(), OTHER, 2, false, 1));
      assertThat(fake.probe(PROBE).get()).isInstanceOf(ProbeResult.ConflictDetected.class);
    }
  }
}
