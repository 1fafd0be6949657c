package io.raftvip.testlan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Netns
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LinkFaultTest {
  private static TestLan lan;

  @BeforeAll
  static void up() {
    lan = TestLan.builder().name("link").nodes(2).start();
  }

  @AfterAll
  static void down() {
    if (lan != null) {
      lan.close();
    }
  }

  @Test
  void cutLinkIsCarrierLossSeenByTheHostAndRestoreLinkUndoesIt() {
    Host n1 = lan.node(1);
    Host n2 = lan.node(2);
    assertThat(Lans.reachable(n1, n2.ipv4())).isTrue();

    lan.cutLink(n1);
    try {
      assertThat(n1.execOrThrow("cat", "/sys/class/net/eth0/carrier").stdout().strip())
          .isEqualTo("0");
      String link = n1.execOrThrow("ip", "-o", "link", "show", "dev", "eth0").stdout();
      assertThat(link).contains("NO-CARRIER").contains(",UP");
      assertThat(Lans.pingOnce(n1, n2.ipv4())).isFalse();
      assertThat(Lans.pingOnce(lan.client(), n1.ipv6())).isFalse();
    } finally {
      lan.restoreLink(n1);
    }

    assertThat(n1.execOrThrow("cat", "/sys/class/net/eth0/carrier").stdout().strip())
        .isEqualTo("1");
    assertThat(Lans.reachable(n1, n2.ipv4())).isTrue();
    assertThat(Lans.reachable(lan.client(), n1.ipv6())).isTrue();
  }

  @Test
  void linkDownIsAdminDownAndKeepsAddressesForLinkUp() {
    Host n2 = lan.node(2);
    assertThat(Lans.reachable(lan.client(), n2.ipv4())).isTrue();

    lan.linkDown(n2);
    try {
      String link = n2.execOrThrow("ip", "-o", "link", "show", "dev", "eth0").stdout();
      assertThat(link).contains("state DOWN").doesNotContain(",UP");
      assertThat(Lans.pingOnce(lan.client(), n2.ipv4())).isFalse();
      assertThat(Lans.pingOnce(lan.client(), n2.ipv6())).isFalse();
      String addrs = n2.execOrThrow("ip", "-o", "addr", "show", "dev", "eth0").stdout();
      assertThat(addrs).contains(n2.ipv4() + "/24").contains(n2.ipv6() + "/64");
    } finally {
      lan.linkUp(n2);
    }

    assertThat(Lans.reachable(lan.client(), n2.ipv4())).isTrue();
    assertThat(Lans.reachable(lan.client(), n2.ipv6())).isTrue();
    assertThat(Lans.reachable(n2, lan.node(1).ipv6())).isTrue();
  }
}
