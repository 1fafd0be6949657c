package io.raftvip.coordinator.core.lease;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.VipSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The holder's state machine against arbitrary interleavings of renewals, late, duplicated and
 * reordered grants with changing holdings, and ticks. Checked on the effect stream, as the kernel
 * would see it: a fence is only armed to a deadline derived from a request actually sent and not
 * yet passed; an address is only added right after its fence is armed; a VIP is released only after
 * its fence is closed and its address removed, and a released epoch is never served again; epochs
 * armed per VIP never decrease; once the deadline passes (and a tick runs) nothing is served.
 */
class OwnerLeaseProperties {

  private static final TimingSettings T = TimingSettings.defaults();
  private static final List<VipSpec> SPECS =
      List.of(
          VipSpec.of("a", "198.18.0.1/24"),
          VipSpec.of("b", "198.18.0.2/24"),
          VipSpec.of("c", "2001:db8::3/64"));

  /** One input: kind 0 = send renewal, 1 = grant for an earlier request, 2 = tick. */
  record Step(int kind, int advanceMs, int pick, int asOfBump, int holdingsMask, int releaseMask) {}

  @Provide
  Arbitrary<List<Step>> runs() {
    Arbitrary<Step> step =
        Combinators.combine(
                Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 90),
                Arbitraries.integers().between(0, 1000),
                Arbitraries.integers().between(-2, 3),
                Arbitraries.integers().between(0, 7),
                Arbitraries.integers().between(0, 7))
            .as(Step::new);
    return step.list().ofMinSize(5).ofMaxSize(150);
  }

  /**
   * The holdings after the log moved on to {@code asOf}: a held VIP may be asked to release (same
   * epoch) or stay; a releasing one stays releasing or leaves; a VIP that (re)joins the holdings
   * does so under a new epoch. Views for the same index are always the same.
   */
  private static TreeMap<VipName, OwnedVip> nextView(
      TreeMap<VipName, OwnedVip> prev, long asOf, Step st) {
    TreeMap<VipName, OwnedVip> next = new TreeMap<>();
    for (VipSpec s : SPECS) {
      int bit = 1 << SPECS.indexOf(s);
      if ((st.holdingsMask() & bit) == 0) {
        continue;
      }
      OwnedVip p = prev.get(s.name());
      boolean release = (st.releaseMask() & bit) != 0;
      if (p == null || (p.releasing() && !release)) {
        next.put(s.name(), new OwnedVip(s, asOf, false));
      } else {
        next.put(s.name(), new OwnedVip(s, p.epoch(), p.releasing() || release));
      }
    }
    return next;
  }

  @Property(tries = 400)
  void theKernelNeverServesOutsideALease(@ForAll("runs") List<Step> run) {
    OwnerLease lease = OwnerLease.start(NodeId.of("n1"), T);
    long now = 1_000;
    List<Long> sent = new ArrayList<>();
    long asOf = 5;
    TreeMap<Long, TreeMap<VipName, OwnedVip>> history = new TreeMap<>();
    history.put(asOf, new TreeMap<>());
    // Kernel model.
    Map<VipName, Long> fenceUntil = new HashMap<>();
    Set<VipName> addressed = new HashSet<>();
    Map<VipName, Long> armedEpoch = new HashMap<>();
    Map<VipName, Long> released = new HashMap<>();
    long maxDeadline = Long.MIN_VALUE;
    boolean armedAny = false;
    boolean releasedAny = false;

    for (Step st : run) {
      now += st.advanceMs();
      List<OwnerEffect> effects;
      if (st.kind() == 0) {
        lease = lease.renewalSent(now).next();
        sent.add(now);
        continue;
      } else if (st.kind() == 1 && !sent.isEmpty()) {
        long sx = sent.get(st.pick() % sent.size());
        if (st.asOfBump() > 0) {
          asOf += st.asOfBump();
          history.put(asOf, nextView(history.lastEntry().getValue(), asOf, st));
        }
        // Often the newest view, sometimes an older one (a late or slow reply).
        long grantAsOf =
            st.asOfBump() == -2
                ? history.floorKey(Math.max(history.firstKey(), asOf - st.pick() % 7))
                : asOf;
        if (sx + T.leaseDurationMs() > now) {
          maxDeadline = Math.max(maxDeadline, sx + T.leaseDurationMs());
        }
        OwnerLease.Step s =
            lease.grantReceived(new GrantReply.Grant(sx, grantAsOf, history.get(grantAsOf)), now);
        effects = s.effects();
        lease = s.next();
      } else {
        OwnerLease.Step s = lease.tick(now);
        effects = s.effects();
        lease = s.next();
      }

      OwnerEffect previous = null;
      Set<VipName> closedThisStep = new HashSet<>();
      Set<VipName> removedThisStep = new HashSet<>();
      for (OwnerEffect e : effects) {
        VipName v = e.vip();
        if (e instanceof OwnerEffect.ArmFence a) {
          assertThat(a.deadlineMs()).isGreaterThan(now).isLessThanOrEqualTo(maxDeadline);
          assertThat(sent).contains(a.deadlineMs() - T.leaseDurationMs());
          assertThat(a.epoch()).isGreaterThanOrEqualTo(armedEpoch.getOrDefault(v, 0L));
          assertThat(released.getOrDefault(v, 0L)).isLessThan(a.epoch());
          armedEpoch.put(v, a.epoch());
          fenceUntil.put(v, a.deadlineMs());
          armedAny = true;
        } else if (e instanceof OwnerEffect.AddAddress a) {
          assertThat(previous)
              .isEqualTo(new OwnerEffect.ArmFence(a.spec(), a.epoch(), fenceUntil.get(v)));
          assertThat(addressed).doesNotContain(v);
          addressed.add(v);
        } else if (e instanceof OwnerEffect.CloseFence) {
          fenceUntil.remove(v);
          closedThisStep.add(v);
        } else if (e instanceof OwnerEffect.RemoveAddress) {
          assertThat(fenceUntil).doesNotContainKey(v);
          addressed.remove(v);
          removedThisStep.add(v);
        } else if (e instanceof OwnerEffect.CommitRelease c) {
          assertThat(fenceUntil).doesNotContainKey(v);
          assertThat(addressed).doesNotContain(v);
          if (!released.containsKey(v) || released.get(v) != c.epoch()) {
            assertThat(closedThisStep).contains(v);
            assertThat(removedThisStep).contains(v);
          }
          released.put(v, c.epoch());
          releasedAny = true;
        }
        previous = e;
      }
      for (VipName v : addressed) {
        assertThat(fenceUntil).containsKey(v);
      }
      if (st.kind() == 2 && now >= lease.deadlineMs()) {
        assertThat(addressed).isEmpty();
        assertThat(lease.servingEpochs()).isEmpty();
      }
      assertThat(lease.servingEpochs().keySet()).isEqualTo(addressed);
    }
    // Guard against a vacuous property: most runs must arm, many must release.
    Statistics.label("armed").collect(armedAny);
    Statistics.label("released").collect(releasedAny);
    Statistics.label("armed").coverage(c -> c.check(true).percentage(p -> p > 25));
    Statistics.label("released").coverage(c -> c.check(true).percentage(p -> p > 5));
  }
}
