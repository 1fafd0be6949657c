package io.raftvip.testlan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Netns
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CaptureTest {
  private static TestLan lan;

  @BeforeAll
  static void up() {
    lan = TestLan.builder().name("cap").nodes(2).start();
  }

  @AfterAll
  static void down() {
    if (lan != null) {
      lan.close();
    }
  }

  @Test
  void seesTheArpRequestOfANodeResolvingAFreshNeighbour() {
    Host n1 = lan.node(1);
    Host n2 = lan.node(2);
    n1.execOrThrow("ip", "neigh", "flush", "dev", "eth0");
    long before = System.currentTimeMillis() * 1000;
    List<Frame> frames;
    try (Capture capture = lan.capture("arp")) {
      assertThat(capture.isRunning()).isTrue();
      assertThat(Lans.reachable(n1, n2.ipv4())).isTrue();
      frames = capture.stop();
      assertThat(capture.isRunning()).isFalse();
      assertThat(capture.stop()).isSameAs(frames);
    }
    long after = System.currentTimeMillis() * 1000;

    assertThat(frames).isNotEmpty().allMatch(f -> f.etherType() == Frame.ETHER_TYPE_ARP);
    Frame request =
        frames.stream()
            .filter(f -> Arrays.equals(f.sourceMac(), n1.mac()) && arpOperation(f) == 1)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no ARP request from n1 in " + frames));
    byte[] arp = request.payload();
    assertThat(Arrays.copyOfRange(arp, 8, 14)).isEqualTo(n1.mac()); // sender hardware address
    assertThat(Arrays.copyOfRange(arp, 14, 18)).isEqualTo(n1.ipv4Address().getAddress());
    assertThat(Arrays.copyOfRange(arp, 24, 28)).isEqualTo(n2.ipv4Address().getAddress());
    assertThat(request.destinationMac()).containsOnly((byte) 0xff);
    assertThat(request.epochMicros()).isBetween(before - 1_000_000, after + 1_000_000);
    assertThat(frames)
        .anyMatch(f -> Arrays.equals(f.sourceMac(), n2.mac()) && arpOperation(f) == 2);
  }

  @Test
  void filterExcludesOtherTrafficAndNdpFloodsThroughTheBridge() {
    Host n1 = lan.node(1);
    Host n2 = lan.node(2);
    n1.execOrThrow("ip", "-6", "neigh", "flush", "dev", "eth0");
    List<Frame> frames;
    try (Capture capture = lan.capture("icmp6")) {
      assertThat(Lans.reachable(n1, n2.ipv6())).isTrue();
      assertThat(Lans.reachable(n1, n2.ipv4())).isTrue();
      frames = capture.stop();
    }
    assertThat(frames).isNotEmpty().allMatch(f -> f.etherType() == Frame.ETHER_TYPE_IPV6);
    // A neighbour solicitation to the solicited-node multicast group 33:33:ff:00:00:12.
    byte[] solicitedNode = {0x33, 0x33, (byte) 0xff, 0x00, 0x00, 0x12};
    assertThat(frames)
        .anyMatch(
            f ->
                Arrays.equals(f.destinationMac(), solicitedNode)
                    && Arrays.equals(f.sourceMac(), n1.mac()));
  }

  @Test
  void closeDeletesTheFileAndABadFilterFailsClearly() {
    Path file;
    try (Capture capture = lan.capture("")) {
      file = capture.file();
      assertThat(file).exists();
    }
    assertThat(Files.exists(file)).isFalse();
    assertThatThrownBy(() -> lan.capture("no such protocol"))
        .isInstanceOf(TestLanException.class)
        .hasMessageContaining("tcpdump");
  }

  private static int arpOperation(Frame f) {
    byte[] p = f.payload();
    return ((p[6] & 0xff) << 8) | (p[7] & 0xff);
  }
}
