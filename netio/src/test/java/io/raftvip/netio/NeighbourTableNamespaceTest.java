package io.raftvip.netio;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.testlan.Host;
import io.raftvip.testlan.TestLan;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NeighbourTableNamespaceTest {
  private TestLan lan;
  private Host node;
  private Host client;
  private Netlink nl;

  @BeforeEach
  void start() {
    lan = TestLan.builder().name("neigh").nodes(1).client(true).start();
    node = lan.node(1);
    client = lan.client();
    nl = node.inNetns(Netlink::open);
  }

  @AfterEach
  void stop() {
    if (nl != null) {
      nl.close();
    }
    if (lan != null) {
      lan.close();
    }
  }

  @Test
  void entryAppearsAfterAPingWithThePeersMac() {
    assertThat(nl.neighbours().get("eth0", client.ipv4Address())).isEmpty();

    node.execOrThrow("ping", "-c", "1", "-W", "2", client.ipv4());
    node.execOrThrow("ping", "-6", "-c", "1", "-W", "2", client.ipv6());

    Neighbour v4 = nl.neighbours().get("eth0", client.ipv4Address()).orElseThrow();
    assertThat(v4.mac()).contains(MacAddress.of(client.mac()));
    assertThat(v4.states()).containsAnyOf(NudState.REACHABLE, NudState.STALE, NudState.DELAY);
    assertThat(v4.ifindex()).isEqualTo(nl.links().indexOf("eth0"));
    Neighbour v6 = nl.neighbours().get("eth0", client.ipv6Address()).orElseThrow();
    assertThat(v6.mac()).contains(MacAddress.of(client.mac()));

    String ipNeigh = node.execOrThrow("ip", "neigh", "show", "dev", "eth0", client.ipv4()).stdout();
    assertThat(ipNeigh).contains(MacAddress.of(client.mac()).toString()).contains(v4.stateName());
    assertThat(nl.neighbours().list("eth0"))
        .extracting(Neighbour::address)
        .contains(client.ipv4Address(), client.ipv6Address());
  }
}
