package io.raftvip.netio.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NftCommandsTest {
  private final NftCommands nft = new NftCommands("raftvip_fence");

  private static InetAddress ip(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void rulesetTouchesOnlyOurTablesAndGatesEveryPath() {
    String text = nft.createRuleset();
    for (String line : text.split("\n")) {
      assertThat(line)
          .matches("(add|flush) (table|set|chain|rule) (arp|inet|netdev) raftvip_fence.*");
    }
    assertThat(text)
        .contains("add set arp raftvip_fence lease4 { type ipv4_addr; flags timeout; }")
        .contains(
            "add rule arp raftvip_fence output arp saddr ip @vips4 arp saddr ip != @lease4 counter"
                + " drop")
        .contains(
            "add rule inet raftvip_fence input ip daddr @vips4 ip daddr != @lease4 counter drop")
        .contains(
            "add rule inet raftvip_fence input ip6 daddr @vips6 ip6 daddr != @lease6 counter drop")
        .contains(
            "add rule inet raftvip_fence output icmpv6 type { nd-neighbor-solicit,"
                + " nd-neighbor-advert } ip6 saddr @vips6 ip6 saddr != @lease6 counter drop")
        .contains(
            "add rule inet raftvip_fence output ip saddr @vips4 ip saddr != @lease4 counter drop")
        .contains(
            "add rule inet raftvip_fence output ip6 saddr @vips6 ip6 saddr != @lease6 counter drop")
        .contains("add set netdev raftvip_fence lease6 { type ipv6_addr; flags timeout; }");
    // Rules are replaced, not appended, when a previous run's tables are adopted.
    assertThat(text.indexOf("flush chain arp raftvip_fence output"))
        .isLessThan(text.indexOf("add rule arp raftvip_fence output"));
    // Only drops: nothing here ever accepts traffic another ruleset drops.
    assertThat(text).doesNotContain(" accept\n").doesNotContain("policy drop");
  }

  @Test
  void interfaceChainHooksEgressOfThatDevice() {
    assertThat(nft.ensureInterface("eth0"))
        .isEqualTo(
            "add chain netdev raftvip_fence egress_eth0 { type filter hook egress device \"eth0\""
                + " priority 0; policy accept; }\n"
                + "flush chain netdev raftvip_fence egress_eth0\n"
                + "add rule netdev raftvip_fence egress_eth0 arp saddr ip @vips4 arp saddr ip !="
                + " @lease4 counter drop\n"
                + "add rule netdev raftvip_fence egress_eth0 ip saddr @vips4 ip saddr != @lease4"
                + " counter drop\n"
                + "add rule netdev raftvip_fence egress_eth0 ip6 saddr @vips6 ip6 saddr != @lease6"
                + " counter drop\n");
    assertThat(nft.deleteInterface("vip-1"))
        .isEqualTo("delete chain netdev raftvip_fence egress_vip-1\n");
  }

  @Test
  void manageAddsToTheVipSetsOfEveryTableOfTheFamily() {
    assertThat(nft.manage(ip("198.18.0.50")))
        .isEqualTo(
            "add element arp raftvip_fence vips4 { 198.18.0.50 }\n"
                + "add element inet raftvip_fence vips4 { 198.18.0.50 }\n"
                + "add element netdev raftvip_fence vips4 { 198.18.0.50 }\n");
    assertThat(nft.manage(ip("2001:db8::50")))
        .isEqualTo(
            "add element inet raftvip_fence vips6 { 2001:db8:0:0:0:0:0:50 }\n"
                + "add element netdev raftvip_fence vips6 { 2001:db8:0:0:0:0:0:50 }\n");
  }

  @Test
  void renewalIsAddDeleteAddOfEveryLeaseSetInOneBatch() {
    Map<InetAddress, Long> grants = new LinkedHashMap<>();
    grants.put(ip("198.18.0.50"), 300L);
    grants.put(ip("198.18.0.51"), 299L);
    String batch = nft.apply(new LeasePlan(grants, Set.of()));
    String elems = "198.18.0.50 timeout 300ms, 198.18.0.51 timeout 299ms";
    String keys = "198.18.0.50, 198.18.0.51";
    StringBuilder expected = new StringBuilder();
    for (String t : List.of("arp", "inet", "netdev")) {
      String set = t + " raftvip_fence lease4";
      expected.append("add element ").append(set).append(" { ").append(elems).append(" }\n");
      expected.append("delete element ").append(set).append(" { ").append(keys).append(" }\n");
      expected.append("add element ").append(set).append(" { ").append(elems).append(" }\n");
    }
    assertThat(batch).isEqualTo(expected.toString());
  }

  @Test
  void closingNeverFailsOnAnAbsentElementAndLeavesNoneBehind() {
    String batch = nft.apply(new LeasePlan(Map.of(), Set.of(ip("2001:db8::50"))));
    assertThat(batch)
        .isEqualTo(
            "add element inet raftvip_fence lease6 { 2001:db8:0:0:0:0:0:50 timeout 1ms }\n"
                + "delete element inet raftvip_fence lease6 { 2001:db8:0:0:0:0:0:50 }\n"
                + "add element netdev raftvip_fence lease6 { 2001:db8:0:0:0:0:0:50 timeout 1ms }\n"
                + "delete element netdev raftvip_fence lease6 { 2001:db8:0:0:0:0:0:50 }\n");
    assertThat(nft.close(List.of(ip("2001:db8::50")))).isEqualTo(batch);
  }

  @Test
  void mixedFamiliesGrantsAndClosesShareOneBatch() {
    String batch =
        nft.apply(new LeasePlan(Map.of(ip("198.18.0.50"), 1000L), Set.of(ip("2001:db8::51"))));
    assertThat(batch)
        .contains("add element arp raftvip_fence lease4 { 198.18.0.50 timeout 1000ms }")
        .contains("delete element netdev raftvip_fence lease6 { 2001:db8:0:0:0:0:0:51 }")
        .doesNotContain("lease6 { 2001:db8:0:0:0:0:0:51 timeout 1000ms");
    // every lease element that is written carries a timeout: a lease never becomes permanent
    for (String line : batch.split("\n")) {
      if (line.startsWith("add element")) {
        assertThat(line).contains(" timeout ");
      }
    }
    assertThat(nft.apply(new LeasePlan(Map.of(), Set.of()))).isEmpty();
  }

  @Test
  void releaseClosesAndLeavesTheVipSet() {
    assertThat(nft.release(ip("198.18.0.50")))
        .endsWith(
            "add element netdev raftvip_fence vips4 { 198.18.0.50 }\n"
                + "delete element netdev raftvip_fence vips4 { 198.18.0.50 }\n")
        .contains("delete element arp raftvip_fence lease4 { 198.18.0.50 }")
        .contains("delete element arp raftvip_fence vips4 { 198.18.0.50 }");
  }

  @Test
  void teardownDeletesOnlyOurThreeTables() {
    assertThat(nft.teardown())
        .isEqualTo(
            "add table arp raftvip_fence\ndelete table arp raftvip_fence\n"
                + "add table inet raftvip_fence\ndelete table inet raftvip_fence\n"
                + "add table netdev raftvip_fence\ndelete table netdev raftvip_fence\n");
  }

  @Test
  void parsesLeaseExpiriesFromListOutput() {
    String out =
        "table inet raftvip_fence {\n\tset lease4 {\n\t\ttype ipv4_addr\n\t\tflags timeout\n"
            + "\t\telements = { 198.18.0.50 timeout 3s expires 2s816ms, 198.18.0.51 timeout 1s"
            + " expires 984ms }\n\t}\n}\n"
            + "table inet raftvip_fence {\n\tset lease6 {\n\t\ttype ipv6_addr\n"
            + "\t\tflags timeout\n\t\telements = { 2001:db8::50 timeout 10m expires 9m59s990ms }\n"
            + "\t}\n}\n";
    Map<InetAddress, Long> leases = NftCommands.parseLeases(out);
    assertThat(leases)
        .containsExactly(
            Map.entry(ip("198.18.0.50"), 2816L),
            Map.entry(ip("198.18.0.51"), 984L),
            Map.entry(ip("2001:db8::50"), 599_990L));
  }

  @Test
  void parsesDurations() {
    assertThat(NftCommands.parseDurationMs("984ms")).isEqualTo(984);
    assertThat(NftCommands.parseDurationMs("2s816ms")).isEqualTo(2816);
    assertThat(NftCommands.parseDurationMs("1d2h3m4s5ms")).isEqualTo(93_784_005L);
    assertThatThrownBy(() -> NftCommands.parseDurationMs("2x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NftCommands.parseDurationMs(""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parsesEgressChainNames() {
    String out =
        "table netdev raftvip_fence {\n\tchain egress_eth0 {\n\t\ttype filter hook egress device"
            + " \"eth0\" priority filter; policy accept;\n\t}\n\tchain egress_vip-1 {\n\t}\n}\n";
    assertThat(NftCommands.parseEgressInterfaces(out)).containsExactly("eth0", "vip-1");
  }

  @Test
  void validatesNamesAndVips() {
    assertThatThrownBy(() -> new NftCommands("raftvip fence"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("raftvip fence");
    assertThatThrownBy(() -> NftCommands.checkIfname("eth0\"; flush ruleset"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NftCommands.checkIfname("averyveryverylongname"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(NftCommands.checkIfname("macvlan.1-a")).isEqualTo("macvlan.1-a");
    for (String bad : List.of("0.0.0.0", "127.0.0.1", "169.254.1.1", "fe80::1", "ff02::1", "::")) {
      assertThatThrownBy(() -> NftCommands.checkVip(ip(bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void errnoIsRecognisedInNftErrorText() {
    assertThat(
            Libnftables.errnoIn(
                "Error: Could not process rule: No such file or directory\ndelete element ..."))
        .isEqualTo(2);
    assertThat(Libnftables.errnoIn("Error: syntax error, unexpected junk")).isZero();
  }
}
