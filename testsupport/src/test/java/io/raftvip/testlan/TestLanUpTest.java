package io.raftvip.testlan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Netns
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TestLanUpTest {
  private static TestLan lan;

  @BeforeAll
  static void up() {
    lan = TestLan.builder().name("up").nodes(3).client(true).start();
  }

  @AfterAll
  static void down() {
    if (lan != null) {
      lan.close();
    }
  }

  @Test
  void everyNamespaceExistsWithThePrefixOfThisRun() {
    List<String> listed = Lans.netnsList();
    String prefix = lan.prefix();
    assertThat(prefix).matches("rvt" + ProcessHandle.current().pid() + "[a-p]{4}-up");
    assertThat(lan.namespaces())
        .containsExactly(
            prefix + "-sw", prefix + "-n1", prefix + "-n2", prefix + "-n3", prefix + "-c");
    assertThat(listed).containsAll(lan.namespaces());
    assertThat(lan.namespaces()).allSatisfy(n -> assertThat(n.length()).isLessThanOrEqualTo(40));
  }

  @Test
  void hostsHaveTheSpecifiedAddressesAndMacs() {
    assertThat(lan.node(1).ipv4()).isEqualTo("198.18.0.11");
    assertThat(lan.node(3).ipv6()).isEqualTo("2001:db8::13");
    assertThat(lan.client().ipv4()).isEqualTo("198.18.0.100");
    assertThat(lan.client().ipv6()).isEqualTo("2001:db8::100");
    assertThat(lan.node(2).macString()).isEqualTo("02:00:00:00:00:0c");
    assertThat(lan.client().macString()).isEqualTo("02:00:00:00:00:64");
    for (Host h : lan.hosts()) {
      String addrs = h.execOrThrow("ip", "-o", "addr", "show", "dev", "eth0").stdout();
      assertThat(addrs).contains("inet " + h.ipv4() + "/24").contains("inet6 " + h.ipv6() + "/64");
      String link = h.execOrThrow("ip", "-o", "link", "show", "dev", "eth0").stdout();
      assertThat(link).contains("link/ether " + h.macString()).contains("state UP");
      String lo = h.execOrThrow("ip", "-o", "link", "show", "dev", "lo").stdout();
      assertThat(lo).contains("LOOPBACK,UP");
      assertThat(h.ifname()).isEqualTo("eth0");
    }
    String bridge = execIn(lan.switchNetns(), "ip", "-d", "link", "show", "dev", "br0");
    assertThat(bridge)
        .contains("stp_state 0")
        .contains("forward_delay 0")
        .contains("mcast_snooping 0")
        .contains("state UP");
  }

  @Test
  void everyHostPingsEveryOtherOverIpv4AndIpv6() {
    List<String> failures = new ArrayList<>();
    for (Host from : lan.hosts()) {
      for (Host to : lan.hosts()) {
        if (from == to) {
          continue;
        }
        if (!Lans.reachable(from, to.ipv4())) {
          failures.add(from.name() + " -> " + to.ipv4());
        }
        if (!Lans.reachable(from, to.ipv6())) {
          failures.add(from.name() + " -> " + to.ipv6());
        }
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void theRootNamespaceHasNoneOfTheLanAddresses() throws Exception {
    String rootAddrs =
        Commands.runOrThrow(List.of("ip", "-o", "addr"), null, java.time.Duration.ofSeconds(10))
            .stdout();
    assertThat(rootAddrs).doesNotContain("198.18.0.").doesNotContain("2001:db8::1");
  }

  private static String execIn(String netns, String... command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", netns));
    full.addAll(List.of(command));
    return Commands.runOrThrow(full, null, java.time.Duration.ofSeconds(10)).stdout();
  }
}
