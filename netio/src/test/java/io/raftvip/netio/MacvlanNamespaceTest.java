package io.raftvip.netio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftvip.testlan.Host;
import io.raftvip.testlan.TestLan;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MacvlanNamespaceTest {
  private TestLan lan;
  private Host node;
  private Netlink nl;

  @BeforeEach
  void start() {
    lan = TestLan.builder().name("vmac").nodes(1).client(true).ipv6(false).start();
    node = lan.node(1);
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

  private String sysctl(String key) {
    return node.execOrThrow("sysctl", "-n", key).stdout().strip();
  }

  @Test
  void vmacIsCreatedWithItsMacModeAliasAndSettingsThenDeleted() {
    Link vmac =
        nl.macvlans().create(MacvlanSpec.builder("vip7", "eth0", VirtualMac.ipv4(7)).build());

    Link eth0 = nl.links().get("eth0");
    assertThat(vmac.mac()).contains(MacAddress.parse("00:00:5e:00:01:07"));
    assertThat(vmac.kind()).contains("macvlan");
    assertThat(vmac.macvlanMode()).contains(MacvlanMode.PRIVATE);
    assertThat(vmac.parentIndex()).isEqualTo(eth0.index());
    assertThat(vmac.alias()).contains("raftvip:vmac");
    assertThat(vmac.isUp()).isFalse();
    String ipLink = node.execOrThrow("ip", "-d", "link", "show", "vip7").stdout();
    assertThat(ipLink)
        .contains("vip7@eth0")
        .contains("link/ether 00:00:5e:00:01:07")
        .contains("macvlan mode private")
        .contains("alias raftvip:vmac");
    assertThat(nl.macvlans().list()).extracting(Link::name).containsExactly("vip7");

    VmacSysctls.apply(nl, "vip7", "eth0");
    // Read back through sysctl (procfs) ...
    assertThat(sysctl("net.ipv4.conf.vip7.arp_ignore")).isEqualTo("1");
    assertThat(sysctl("net.ipv4.conf.vip7.arp_announce")).isEqualTo("2");
    assertThat(sysctl("net.ipv4.conf.vip7.accept_local")).isEqualTo("1");
    assertThat(sysctl("net.ipv4.conf.vip7.rp_filter")).isEqualTo("0");
    assertThat(sysctl("net.ipv4.conf.vip7.promote_secondaries")).isEqualTo("1");
    assertThat(sysctl("net.ipv4.conf.eth0.arp_ignore")).isEqualTo("1");
    assertThat(sysctl("net.ipv4.conf.eth0.arp_filter")).isEqualTo("1");
    assertThat(sysctl("net.ipv4.conf.eth0.arp_announce")).isEqualTo("2");
    assertThat(sysctl("net.ipv4.conf.eth0.accept_local")).isEqualTo("0"); // parent: only its set
    // ... and through netlink (IFLA_AF_SPEC in the link reply).
    Link after = nl.links().get("vip7");
    VmacSysctls.VMAC.forEach(
        (k, v) -> assertThat(after.ipv4Conf(k)).as(k.sysctlName()).hasValue(v));
    Link parent = nl.links().get("eth0");
    VmacSysctls.PARENT.forEach(
        (k, v) -> assertThat(parent.ipv4Conf(k)).as(k.sysctlName()).hasValue(v));

    nl.macvlans().setUp("vip7");
    assertThat(
            Poll.condition(
                Duration.ofSeconds(5),
                20,
                () -> nl.links().get("vip7").operState() == OperState.UP))
        .isTrue();
    nl.macvlans().setDown("vip7");
    assertThat(nl.links().get("vip7").isUp()).isFalse();

    nl.macvlans().delete("vip7");
    assertThat(nl.links().find("vip7")).isEmpty();
    assertThat(node.exec("ip", "link", "show", "vip7").ok()).isFalse();
    assertThat(nl.links().get("eth0").isUp()).isTrue();
  }

  @Test
  void bridgeModeAndIpv6VirtualMac() {
    Link v =
        nl.macvlans()
            .create(
                MacvlanSpec.builder("vip6", "eth0", VirtualMac.ipv6(9))
                    .mode(MacvlanMode.BRIDGE)
                    .tag("group-9")
                    .build());
    assertThat(v.macvlanMode()).contains(MacvlanMode.BRIDGE);
    assertThat(v.mac()).contains(MacAddress.parse("00:00:5e:00:02:09"));
    assertThat(v.alias()).contains("raftvip:group-9");
    assertThat(node.execOrThrow("ip", "-d", "link", "show", "vip6").stdout())
        .contains("macvlan mode bridge");
    nl.macvlans().delete("vip6");
  }

  @Test
  void clientLearnsTheVirtualMacOfAVipOnTheVmac() {
    nl.macvlans().create(MacvlanSpec.builder("vip1", "eth0", VirtualMac.ipv4(1)).build());
    VmacSysctls.apply(nl, "vip1", "eth0");
    nl.addresses().add("vip1", AddressSpec.of("198.18.0.200/32"));
    nl.macvlans().setUp("vip1");
    assertThat(
            Poll.condition(
                Duration.ofSeconds(5),
                20,
                () -> nl.links().get("vip1").operState() == OperState.UP))
        .isTrue();

    Host client = lan.client();
    client.execOrThrow("ping", "-c", "1", "-W", "2", "198.18.0.200");
    try (Netlink clientNl = client.inNetns(Netlink::open)) {
      Neighbour n =
          clientNl.neighbours().get("eth0", AddressCodecTest.addr("198.18.0.200")).orElseThrow();
      assertThat(n.mac()).contains(VirtualMac.ipv4(1));
      // With arp_ignore=1 on the parent, the node's own MAC is never given out for the VIP.
      Neighbour node1 = clientNl.neighbours().get("eth0", node.ipv4Address()).orElse(null);
      if (node1 != null) {
        assertThat(node1.mac()).contains(MacAddress.of(node.mac()));
      }
    }
    nl.macvlans().delete("vip1"); // takes its address with it
    assertThat(nl.addresses().list()).noneMatch(a -> a.cidr().equals("198.18.0.200/32"));
  }

  @Test
  void refusesToTouchAMacvlanMadeByHand() {
    node.execOrThrow(
        "ip", "link", "add", "link", "eth0", "name", "hand0", "type", "macvlan", "mode", "private");

    assertThatThrownBy(() -> nl.macvlans().delete("hand0"))
        .isInstanceOf(NotOwnedByRaftvip.class)
        .hasMessageMatching(
            "hand0 \\(ifindex \\d+\\) was not added by raftvip \\(alias none\\); refusing to delete it");
    assertThatThrownBy(() -> nl.macvlans().setUp("hand0")).isInstanceOf(NotOwnedByRaftvip.class);
    assertThatThrownBy(() -> VmacSysctls.apply(nl, "hand0", "eth0"))
        .isInstanceOf(NotOwnedByRaftvip.class);
    node.execOrThrow("ip", "link", "set", "hand0", "alias", "someone-else");
    assertThatThrownBy(() -> nl.macvlans().delete("hand0"))
        .isInstanceOf(NotOwnedByRaftvip.class)
        .hasMessageContaining("(alias 'someone-else')");
    assertThatThrownBy(() -> nl.macvlans().delete("eth0")).isInstanceOf(NotOwnedByRaftvip.class);

    Link hand = nl.links().get("hand0");
    assertThat(hand.isUp()).isFalse();
    assertThat(hand.ipv4Conf(Ipv4DevConf.ARP_IGNORE)).hasValue(0);
    assertThat(nl.macvlans().list()).isEmpty();
    assertThat(nl.links().list()).extracting(Link::name).contains("hand0", "eth0");
  }

  @Test
  void createErrorsAreTyped() {
    nl.macvlans().create(MacvlanSpec.builder("vip2", "eth0", VirtualMac.ipv4(2)).build());
    assertThatThrownBy(
            () ->
                nl.macvlans()
                    .create(MacvlanSpec.builder("vip2", "eth0", VirtualMac.ipv4(3)).build()))
        .isInstanceOf(LinkExists.class)
        .hasMessageStartingWith(
            "create macvlan vip2 on eth0 with MAC 00:00:5e:00:01:03: interface exists (EEXIST)");
    assertThatThrownBy(
            () ->
                nl.macvlans()
                    .create(MacvlanSpec.builder("vip3", "eth9", VirtualMac.ipv4(3)).build()))
        .isInstanceOf(NoSuchInterface.class)
        .hasMessageContaining("vip3 on eth9");
    assertThatThrownBy(() -> nl.macvlans().delete("vip9")).isInstanceOf(NoSuchInterface.class);
    // A kernel-rejected setting value (arp_announce is 0..2? no: any int is stored) vs unknown
    // devconf:
    assertThatThrownBy(() -> nl.links().setIpv4Conf("eth9", Map.of(Ipv4DevConf.ARP_IGNORE, 1)))
        .isInstanceOf(NoSuchInterface.class);
    assertThat(nl.links().find("vip3")).isEqualTo(Optional.empty());
  }
}
