package io.raftvip.coordinator.core;

import static io.raftvip.coordinator.core.TestLog.N1;
import static io.raftvip.coordinator.core.TestLog.N2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VipSpecTest {

  @Test
  void emptyPriorityMapMakesEveryNodeEligibleWithDefaultPriority() {
    VipSpec s = VipSpec.of("web", "198.18.0.200/24");
    assertThat(s.priorityOf(N1)).isEqualTo(OptionalInt.of(VipSpec.DEFAULT_PRIORITY));
  }

  @Test
  void nodeMissingFromNonEmptyMapIsNotEligible() {
    VipSpec s = VipSpec.of("web", "198.18.0.200/24").withPriorities(Map.of(N1, 200));
    assertThat(s.priorityOf(N1)).isEqualTo(OptionalInt.of(200));
    assertThat(s.priorityOf(N2)).isEmpty();
  }

  @Test
  void virtualMacFollowsVrrp() {
    assertThat(VipSpec.of("a", "198.18.0.200/24").withVrid(7).virtualMac())
        .contains("00:00:5e:00:01:07");
    assertThat(VipSpec.of("b", "2001:db8::200/64").withVrid(255).virtualMac())
        .contains("00:00:5e:00:02:ff");
    assertThat(VipSpec.of("c", "198.18.0.200/24").virtualMac()).isEmpty();
  }

  @Test
  void virtualMacConflictsNeedSameFamilyAndLink() {
    VipSpec a = VipSpec.of("a", "198.18.0.200/24").withVrid(7).withInterface("eth0");
    assertThat(a.sharesVirtualMacWith(VipSpec.of("b", "198.18.0.201/24").withVrid(7)))
        .as("the default interface may be eth0")
        .isTrue();
    assertThat(
            a.sharesVirtualMacWith(
                VipSpec.of("b", "198.18.0.201/24").withVrid(7).withInterface("eth1")))
        .isFalse();
    assertThat(a.sharesVirtualMacWith(VipSpec.of("b", "2001:db8::1/64").withVrid(7))).isFalse();
    assertThat(a.sharesVirtualMacWith(VipSpec.of("b", "198.18.0.201/24").withVrid(8))).isFalse();
  }

  @Test
  void refusesBadFields() {
    VipSpec s = VipSpec.of("web", "198.18.0.200/24");
    assertThatThrownBy(() -> s.withVrid(0)).hasMessageContaining("vrid 0 of VIP web");
    assertThatThrownBy(() -> s.withVrid(256)).hasMessageContaining("between 1 and 255");
    assertThatThrownBy(() -> s.withPriorities(Map.of(N1, 256)))
        .hasMessageContaining("priority 256 of node n1 for VIP web");
    assertThatThrownBy(() -> s.withInterface("a-very-long-ifname")).hasMessageContaining("1 to 15");
    assertThatThrownBy(() -> s.withInterface("eth0:1")).hasMessageContaining("':'");
    assertThatThrownBy(() -> s.withHealthChecks(Set.of("Bad_Check")))
        .hasMessageContaining("health check name \"Bad_Check\"");
    assertThatThrownBy(() -> VipSpec.of("-web", "198.18.0.200/24"))
        .hasMessageContaining("VIP name \"-web\"");
    assertThatThrownBy(() -> NodeId.of("")).hasMessageContaining("node id \"\"");
  }

  @Test
  void specsCompareByValue() {
    VipSpec a = VipSpec.of("web", "198.18.0.200/24").withPriorities(Map.of(N1, 1, N2, 2));
    VipSpec b =
        VipSpec.of("web", "198.18.000.200/24".replace("000", "0"))
            .withPriorities(Map.of(N2, 2, N1, 1));
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
  }
}
