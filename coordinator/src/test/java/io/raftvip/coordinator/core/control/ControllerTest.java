package io.raftvip.coordinator.core.control;

import static io.raftvip.coordinator.core.TestLog.N1;
import static io.raftvip.coordinator.core.TestLog.N2;
import static io.raftvip.coordinator.core.TestLog.N3;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.TestLog;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.coordinator.core.lease.GrantReply;
import io.raftvip.coordinator.core.lease.NodeLeases;
import io.raftvip.coordinator.core.lease.RenewRequest;
import io.raftvip.coordinator.core.lease.TimingSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ControllerTest {

  private static final VipName WEB = VipName.of("web");
  private final TimingSettings t = TimingSettings.defaults();
  private final long wait = t.expiryWaitMs();
  private final TestLog log = TestLog.withNodes(3);

  /** n3 leads term 4 and prefers to place VIPs elsewhere. */
  private final Controller controller = new Controller(t, ControllerSettings.defaults(), N3, 4);

  private NodeLeases leases;
  private ControllerMemory memory = ControllerMemory.empty();
  private long now;

  /** Runs the controller every 10 ms up to {@code untilMs}, renewing {@code alive} each time. */
  private List<Command> runUntil(long untilMs, NodeId... alive) {
    List<Command> out = new ArrayList<>();
    while (now < untilMs) {
      now += 10;
      for (NodeId n : alive) {
        leases =
            leases
                .grant(
                    new RenewRequest(n, now, t.leaseDurationMs()),
                    log.state(),
                    now,
                    Long.MAX_VALUE,
                    t)
                .next();
      }
      out.addAll(tick());
    }
    return out;
  }

  private List<Command> tick() {
    Plan p = controller.plan(log.state(), leases, memory, now);
    leases = p.leases();
    memory = p.memory();
    return p.commands();
  }

  private void start() {
    leases = NodeLeases.start(log.state(), now);
  }

  @Test
  void unownedVipsGoToTheBestNodeAwayFromTheLeader() {
    log.accept(new Command.CreateVip(VipSpec.of("web", "198.18.0.200/24")));
    start();
    assertThat(tick()).containsExactly(new Command.Assign(WEB, N1, log.assignment("web").epoch()));
    assertThat(tick()).as("not proposed twice while pending").isEmpty();
  }

  @Test
  void severalVipsInOneTickSpreadOut() {
    for (int i = 0; i < 4; i++) {
      log.accept(new Command.CreateVip(VipSpec.of("v" + i, "198.18.0." + (10 + i) + "/24")));
    }
    start();
    List<NodeId> targets = tick().stream().map(c -> ((Command.Assign) c).node()).toList();
    assertThat(targets).containsExactly(N1, N2, N1, N2);
  }

  @Test
  void aSilentNodeIsExpiredExactlyAfterTheExpiryWait() {
    start();
    List<Command> before = runUntil(wait - 10, N1, N3);
    assertThat(before).isEmpty();
    List<Command> at = runUntil(wait, N1, N3);
    long incarnation = log.state().node(N2).orElseThrow().incarnation();
    assertThat(at).containsExactly(new Command.ExpireNode(N2, incarnation, 4, Optional.of(N3)));
    assertThat(leases.isExpiring(N2)).isTrue();
    GrantReply reply =
        leases
            .grant(
                new RenewRequest(N2, now, t.leaseDurationMs()), log.state(), now, Long.MAX_VALUE, t)
            .reply();
    assertThat(reply).isEqualTo(new GrantReply.Refusal(now, GrantReply.Reason.NODE_EXPIRING));
    assertThat(runUntil(wait + 490, N1, N3)).isEmpty();
    assertThat(runUntil(wait + 500, N1, N3))
        .as("re-proposed after the retry interval")
        .containsExactly(new Command.ExpireNode(N2, incarnation, 4, Optional.of(N3)));
  }

  @Test
  void vipsOfANodeBeingExpiredWaitForTheExpiry() {
    log.accept(new Command.CreateVip(VipSpec.of("web", "198.18.0.200/24")));
    log.accept(new Command.Assign(WEB, N2, log.assignment("web").epoch()));
    log.accept(new Command.SetDrained(N2, true));
    start();
    leases = leases.markExpiring(N2, now);
    assertThat(tick()).isEmpty();
  }

  @Test
  void aDrainedOrUnhealthyHolderIsMovedGracefully() {
    log.accept(
        new Command.CreateVip(
            VipSpec.of("web", "198.18.0.200/24").withHealthChecks(java.util.Set.of("web"))));
    log.accept(new Command.Assign(WEB, N1, log.assignment("web").epoch()));
    long epoch = log.assignment("web").epoch();
    start();
    assertThat(tick()).isEmpty();
    log.accept(new Command.ReportHealth(N1, "web", false));
    assertThat(tick())
        .containsExactly(new Command.MoveVip(WEB, Optional.of(N2), OptionalLong.of(epoch)));
  }

  @Test
  void aDrainedHolderStaysWhenNobodyElseCanHold() {
    log.accept(
        new Command.CreateVip(
            VipSpec.of("web", "198.18.0.200/24").withPriorities(Map.of(N1, 100))));
    log.accept(new Command.Assign(WEB, N1, log.assignment("web").epoch()));
    log.accept(new Command.SetDrained(N1, true));
    start();
    assertThat(tick()).isEmpty();
  }

  @Test
  void preemptionWaitsForTheHoldDownAndStickinessNeverMoves() {
    VipSpec spec =
        VipSpec.of("web", "198.18.0.200/24").withPriorities(Map.of(N1, 200, N2, 100, N3, 100));
    log.accept(new Command.CreateVip(spec));
    log.accept(new Command.SetDrained(N1, true));
    log.accept(new Command.Assign(WEB, N2, log.assignment("web").epoch()));
    log.accept(new Command.SetDrained(N1, false));
    long epoch = log.assignment("web").epoch();
    start();
    assertThat(runUntil(t.moveHoldDownMs() + 1000, N1, N2, N3)).as("sticky").isEmpty();
    log.accept(new Command.UpdateVip(spec.withPreempt(true)));
    List<Command> early = runUntil(now + 100, N1, N2, N3);
    assertThat(early)
        .as("the epoch was seen long enough ago")
        .containsExactly(new Command.MoveVip(WEB, Optional.of(N1), OptionalLong.of(epoch)));
  }

  @Test
  void aFreshEpochHoldsPreemptionDown() {
    VipSpec spec =
        VipSpec.of("web", "198.18.0.200/24")
            .withPreempt(true)
            .withPriorities(Map.of(N1, 200, N2, 100));
    log.accept(new Command.CreateVip(spec));
    log.accept(new Command.SetDrained(N1, true));
    log.accept(new Command.Assign(WEB, N2, log.assignment("web").epoch()));
    start();
    assertThat(tick()).isEmpty();
    log.accept(new Command.SetDrained(N1, false));
    Plan p = controller.plan(log.state(), leases, memory, now + 10);
    assertThat(p.commands()).isEmpty();
    Controller quick =
        new Controller(
            t.toBuilder().moveHoldDownMs(100).build(), ControllerSettings.defaults(), N3, 4);
    assertThat(quick.plan(log.state(), leases, memory, now + 10).wakeAtMs())
        .as("wakes when the hold-down ends")
        .isEqualTo(now + 100);
    assertThat(runUntil(now + t.moveHoldDownMs() - 20, N1, N2, N3)).isEmpty();
    assertThat(runUntil(now + 40, N1, N2, N3))
        .hasSize(1)
        .allMatch(c -> c instanceof Command.MoveVip m && m.target().equals(Optional.of(N1)));
  }

  @Test
  void aStalledLeaderRestartsItsLeaseClockInsteadOfExpiringEveryone() {
    start();
    runUntil(100, N1, N2, N3);
    now = 5000; // the leader's thread did not run for almost 5 s
    assertThat(tick()).isEmpty();
    assertThat(leases.lastGrantMs(N2)).hasValue(5000);
    assertThat(runUntil(5000 + wait - 10)).isEmpty();
    assertThat(runUntil(5000 + wait)).hasSize(3);
  }

  @Test
  void burstsAreBounded() {
    for (int i = 0; i < 5; i++) {
      log.accept(new Command.CreateVip(VipSpec.of("v" + i, "198.18.0." + (10 + i) + "/24")));
    }
    Controller small = new Controller(t, new ControllerSettings(true, 2, 500), N3, 4);
    start();
    Plan p = small.plan(log.state(), leases, memory, now);
    assertThat(p.commands()).hasSize(2);
    assertThat(p.wakeAtMs()).isEqualTo(now);
    Plan q = small.plan(log.state(), p.leases(), p.memory(), now + 1);
    assertThat(q.commands()).hasSize(2);
  }

  @Test
  void wakesUpForTheNextPossibleLapse() {
    start();
    Plan p = controller.plan(log.state(), leases, memory, now);
    assertThat(p.wakeAtMs()).isEqualTo(now + wait);
  }

  @Test
  void settingsAreValidated() {
    assertThatThrownBy(() -> new ControllerSettings(true, 0, 500))
        .hasMessage("maxCommandsPerTick (0) must be between 1 and 10000");
    assertThatThrownBy(() -> new ControllerSettings(true, 1, 0))
        .hasMessage("proposalRetryMs (0) must be between 1 and 600000");
  }
}
