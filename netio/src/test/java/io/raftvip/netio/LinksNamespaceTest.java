package io.raftvip.netio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftvip.testlan.Host;
import io.raftvip.testlan.TestLan;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LinksNamespaceTest {
  private TestLan lan;
  private Host host;
  private Netlink nl;

  @BeforeEach
  void start() {
    lan = TestLan.builder().name("links").nodes(1).client(false).start();
    host = lan.node(1);
    nl = host.inNetns(Netlink::open);
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
  void readsNameIndexMacMtuStateAndKind() {
    Link eth0 = nl.links().get("eth0");
    assertThat(eth0.name()).isEqualTo("eth0");
    assertThat(eth0.mac()).contains(MacAddress.of(host.mac()));
    assertThat(eth0.mtu()).isEqualTo(1500);
    assertThat(eth0.operState()).isEqualTo(OperState.UP);
    assertThat(eth0.isUp()).isTrue();
    assertThat(eth0.isLowerUp()).isTrue();
    assertThat(eth0.kind()).contains("veth");
    assertThat(eth0.ipv4Conf(Ipv4DevConf.ARP_IGNORE)).hasValue(0);
    String ifindex = host.execOrThrow("cat", "/sys/class/net/eth0/ifindex").stdout().strip();
    assertThat(eth0.index()).isEqualTo(Integer.parseInt(ifindex));

    assertThat(nl.links().get(eth0.index())).isEqualTo(eth0);
    assertThat(nl.links().list()).extracting(Link::name).containsExactly("lo", "eth0");
    assertThat(nl.links().get("lo").operState()).isEqualTo(OperState.UNKNOWN);
  }

  @Test
  void missingInterfacesAreTyped() {
    assertThatThrownBy(() -> nl.links().get("eth9"))
        .isInstanceOf(NoSuchInterface.class)
        .hasMessage("get link eth9: no such interface (ENODEV)");
    assertThatThrownBy(() -> nl.links().get(999))
        .isInstanceOf(NoSuchInterface.class)
        .hasMessage("get link ifindex 999: no such interface (ENODEV)");
    assertThat(nl.links().find("eth9")).isEmpty();
    assertThatThrownBy(() -> nl.links().get("an-interface-name-too-long"))
        .isInstanceOf(InvalidArgument.class);
  }

  @Test
  void carrierLossAndAdminDownShowInFlagsAndOperState() {
    lan.cutLink(host);
    assertThat(Poll.condition(Duration.ofSeconds(5), 20, () -> !nl.links().get("eth0").isLowerUp()))
        .isTrue();
    Link cut = nl.links().get("eth0");
    assertThat(cut.isUp()).isTrue();
    assertThat(cut.operState()).isIn(OperState.LOWER_LAYER_DOWN, OperState.DOWN);

    lan.restoreLink(host);
    assertThat(
            Poll.condition(
                Duration.ofSeconds(5),
                20,
                () -> nl.links().get("eth0").operState() == OperState.UP))
        .isTrue();

    lan.linkDown(host);
    Link down = nl.links().get("eth0");
    assertThat(down.isUp()).isFalse();
    assertThat(down.operState()).isEqualTo(OperState.DOWN);
  }
}
