package io.raftvip.coordinator.core;

import static io.raftvip.coordinator.core.TestLog.N1;
import static io.raftvip.coordinator.core.TestLog.N2;
import static io.raftvip.coordinator.core.TestLog.N3;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlacementTest {

  private final TestLog log = TestLog.withNodes(3);

  @Test
  void highestPriorityWins() {
    VipSpec spec =
        VipSpec.of("web", "198.18.0.200/24").withPriorities(Map.of(N1, 10, N2, 30, N3, 20));
    assertThat(choose(spec, Optional.empty(), Map.of())).contains(N2);
  }

  @Test
  void tiesGoToTheLeastLoadedThenTheLowestId() {
    VipSpec spec = VipSpec.of("web", "198.18.0.200/24");
    assertThat(choose(spec, Optional.empty(), Map.of())).contains(N1);
    assertThat(choose(spec, Optional.empty(), Map.of(N1, 2, N2, 1, N3, 1))).contains(N2);
  }

  @Test
  void theAvoidedNodeLosesTiesButNotPriority() {
    VipSpec equal = VipSpec.of("web", "198.18.0.200/24");
    assertThat(choose(equal, Optional.of(N1), Map.of(N2, 5, N3, 5))).contains(N2);
    VipSpec preferred = equal.withPriorities(Map.of(N1, 200, N2, 100));
    assertThat(choose(preferred, Optional.of(N1), Map.of())).contains(N1);
  }

  @Test
  void drainedUnhealthyExpiredAndUnlistedNodesAreNeverChosen() {
    VipSpec spec =
        VipSpec.of("web", "198.18.0.200/24")
            .withHealthChecks(Set.of("web"))
            .withPriorities(Map.of(N1, 1, N2, 1));
    log.accept(new Command.SetDrained(N1, true));
    assertThat(choose(spec, Optional.empty(), Map.of())).contains(N2);
    log.accept(new Command.ReportHealth(N2, "web", false));
    assertThat(choose(spec, Optional.empty(), Map.of())).isEmpty();
    assertThat(Placement.eligibleNodes(log.state(), spec)).isEmpty();
    assertThat(Placement.ineligibility(log.state(), spec, N3))
        .contains(Ineligibility.NOT_IN_PRIORITY_MAP);
    log.accept(new Command.ReportHealth(N2, "web", true));
    long inc = log.state().node(N2).orElseThrow().incarnation();
    log.accept(new Command.ExpireNode(N2, inc, 1, Optional.empty()));
    assertThat(Placement.ineligibility(log.state(), spec, N2)).contains(Ineligibility.EXPIRED);
  }

  @Test
  void excludedNodesAreSkipped() {
    VipSpec spec = VipSpec.of("web", "198.18.0.200/24");
    assertThat(Placement.choose(log.state(), spec, Set.of(N1, N2), Optional.empty(), Map.of()))
        .contains(N3);
  }

  @Test
  void loadCountsHeldVips() {
    log.accept(new Command.CreateVip(VipSpec.of("a", "198.18.0.1/24")));
    log.accept(new Command.CreateVip(VipSpec.of("b", "198.18.0.2/24")));
    log.accept(new Command.Assign(VipName.of("a"), N2, log.assignment("a").epoch()));
    log.accept(new Command.Assign(VipName.of("b"), N2, log.assignment("b").epoch()));
    log.accept(TestLog.move("b", N3));
    assertThat(Placement.load(log.state())).isEqualTo(Map.of(N2, 2));
  }

  private Optional<NodeId> choose(VipSpec spec, Optional<NodeId> avoid, Map<NodeId, Integer> l) {
    return Placement.choose(log.state(), spec, Set.of(), avoid, l);
  }
}
