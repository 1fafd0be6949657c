package io.raftvip.testlan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Netns
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PartitionTest {
  private TestLan lan;
  private Host n1;
  private Host n2;
  private Host n3;
  private Host client;

  @BeforeEach
  void up() {
    lan = TestLan.builder().name("part").nodes(3).start();
    n1 = lan.node(1);
    n2 = lan.node(2);
    n3 = lan.node(3);
    client = lan.client();
    // Warm every neighbour cache so a blocked ping cannot be blamed on resolution alone.
    for (Host from : lan.hosts()) {
      for (Host to : lan.hosts()) {
        if (from != to) {
          assertThat(Lans.reachable(from, to.ipv4())).as(from + " -> " + to).isTrue();
          assertThat(Lans.reachable(from, to.ipv6())).as(from + " -> " + to).isTrue();
        }
      }
    }
  }

  @AfterEach
  void down() {
    lan.close();
  }

  @Test
  void partitionBlocksBothWaysAndOnlyBetweenThePairUntilHealed() {
    lan.partition(n1, n2);

    assertThat(Lans.pingOnce(n1, n2.ipv4())).isFalse();
    assertThat(Lans.pingOnce(n1, n2.ipv6())).isFalse();
    assertThat(Lans.pingOnce(n2, n1.ipv4())).isFalse();
    assertThat(Lans.pingOnce(n2, n1.ipv6())).isFalse();
    assertThat(Lans.reachable(n1, n3.ipv4())).isTrue();
    assertThat(Lans.reachable(n2, n3.ipv6())).isTrue();
    assertThat(Lans.reachable(client, n1.ipv4())).isTrue();
    assertThat(Lans.reachable(client, n2.ipv6())).isTrue();

    String rules = n1.execOrThrow("nft", "list", "tables").stdout();
    assertThat(rules)
        .contains("table inet " + TestLan.PARTITION_TABLE)
        .contains("table arp " + TestLan.PARTITION_TABLE)
        .contains("table netdev " + TestLan.PARTITION_TABLE);

    lan.heal();

    assertThat(n1.execOrThrow("nft", "list", "tables").stdout()).isBlank();
    assertThat(Lans.reachable(n1, n2.ipv4())).isTrue();
    assertThat(Lans.reachable(n1, n2.ipv6())).isTrue();
    assertThat(Lans.reachable(n2, n1.ipv4())).isTrue();
  }

  @Test
  void partitionAlsoBlocksFreshArpResolution() {
    // Forget n2 so n1 has to ARP for it: the request must not get an answer.
    n1.execOrThrow("ip", "neigh", "flush", "dev", "eth0");
    lan.partition(n1, n2);

    assertThat(Lans.pingOnce(n1, n2.ipv4())).isFalse();
    String neighbours = n1.execOrThrow("ip", "neigh", "show", n2.ipv4()).stdout();
    assertThat(neighbours).doesNotContain("lladdr " + n2.macString());
  }

  @Test
  void isolateCutsANodeFromAllNodesButNotFromTheClient() {
    lan.isolate(n1);

    assertThat(Lans.pingOnce(n1, n2.ipv4())).isFalse();
    assertThat(Lans.pingOnce(n1, n3.ipv4())).isFalse();
    assertThat(Lans.pingOnce(n3, n1.ipv6())).isFalse();
    assertThat(Lans.reachable(n2, n3.ipv4())).isTrue();
    assertThat(Lans.reachable(client, n1.ipv4())).isTrue();
    assertThat(Lans.reachable(n1, client.ipv6())).isTrue();

    lan.heal();

    assertThat(Lans.reachable(n1, n2.ipv4())).isTrue();
    assertThat(Lans.reachable(n3, n1.ipv6())).isTrue();
  }

  @Test
  void healingOnePairKeepsTheOtherPartitions() {
    lan.partition(n1, n2);
    lan.partition(n1, n3);
    lan.partition(n1, n2); // idempotent

    lan.heal(n1, n2);

    assertThat(Lans.reachable(n1, n2.ipv4())).isTrue();
    assertThat(Lans.pingOnce(n1, n3.ipv4())).isFalse();
  }

  @Test
  void rejectsPartitioningAHostFromItselfOrFromAnotherLan() {
    assertThatThrownBy(() -> lan.partition(n1, n1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("itself");
    try (TestLan other = TestLan.builder().name("other").nodes(1).client(false).start()) {
      assertThatThrownBy(() -> lan.partition(n1, other.node(1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a host of test LAN");
    }
  }
}
