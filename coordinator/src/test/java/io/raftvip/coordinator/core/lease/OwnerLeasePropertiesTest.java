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
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The holder's state machine against arbitrary interleavings of renewals, late, duplicated and
 * reordered grants with changing holdings, and ticks. Checked on the effect stream, as the kernel
 * would see it: a fence is only armed to a deadline derived from a request actually sent and not
 * yet passed; an address is only added right after its fence is armed; a VIP is released only after
 * its fence is closed and its address removed, and a released epoch is never served again; epochs
 * armed per VIP never decrease; once the deadline passes (and a tick runs) nothing is served.
 *
 * <p>4 seeds x 100 runs = 400. Every seed starts with the two extreme runs (5 steps with every
 * field at its minimum, 150 with every field at its maximum); after that a run is 5 or 150 steps
 * one time in ten each, and each step field sits at an end of its range one time in ten. Each
 * failure names its seed, case and step; the runs come only from a seeded {@link SplittableRandom},
 * so they replay.
 */
class OwnerLeasePropertiesTest {
  private static final int CASES_PER_SEED = 100;

  private static final TimingSettings T = TimingSettings.defaults();
  private static final List<VipSpec> SPECS =
      List.of(
          VipSpec.of("a", "198.18.0.1/24"),
          VipSpec.of("b", "198.18.0.2/24"),
          VipSpec.of("c", "2001:db8::3/64"));

  /** Description of a failed check on one effect: where, the clock and the effect. */
  private static final String EFFECT_AT = "%s now=%d effect %s";

  private static final int RUN_SIZE_MIN = 5;
  private static final int RUN_SIZE_MAX = 150;

  /** One input: kind 0 = send renewal, 1 = grant for an earlier request, 2 = tick. */
  record Step(int kind, int advanceMs, int pick, int asOfBump, int holdingsMask, int releaseMask) {
    static final Step MIN = new Step(0, 0, 0, -2, 0, 0);
    static final Step MAX = new Step(2, 90, 1000, 3, 7, 7);

    static Step random(SplittableRandom random) {
      return new Step(
          between(random, MIN.kind, MAX.kind),
          between(random, MIN.advanceMs, MAX.advanceMs),
          between(random, MIN.pick, MAX.pick),
          between(random, MIN.asOfBump, MAX.asOfBump),
          between(random, MIN.holdingsMask, MAX.holdingsMask),
          between(random, MIN.releaseMask, MAX.releaseMask));
    }
  }

  /** Where in which run a check failed; formatted only when one does. */
  record At(String where, int step, Step st) {
    @Override
    public String toString() {
      return where + " step " + step + " " + st;
    }
  }

  /** What one run exercised, so a property that holds vacuously shows up. */
  record Coverage(boolean armed, boolean released) {}

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1L, 0x5eedL, 20250101L, -7L})
  void theKernelNeverServesOutsideALease(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int armedRuns = 0;
    int releasedRuns = 0;
    for (int i = 0; i < CASES_PER_SEED; i++) {
      List<Step> run = run(random, i);
      String where = String.format("seed %d case %d (%d steps)", seed, i, run.size());
      Coverage coverage;
      try {
        coverage = check(where, run);
      } catch (RuntimeException e) {
        throw new AssertionError(where + ": " + e, e);
      }
      armedRuns += coverage.armed() ? 1 : 0;
      releasedRuns += coverage.released() ? 1 : 0;
    }
    System.out.println(
        "COVERAGE seed " + seed + " armed " + armedRuns + " released " + releasedRuns);
    // Guard against a vacuous property: most runs must arm, many must release.
    assertThat(armedRuns * 100)
        .as("seed %d cases 0..%d: %d runs armed a fence", seed, CASES_PER_SEED - 1, armedRuns)
        .isGreaterThan(25 * CASES_PER_SEED);
    assertThat(releasedRuns * 100)
        .as("seed %d cases 0..%d: %d runs released", seed, CASES_PER_SEED - 1, releasedRuns)
        .isGreaterThan(5 * CASES_PER_SEED);
  }

  private static Coverage check(String where, List<Step> run) {
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

    for (int j = 0; j < run.size(); j++) {
      Step st = run.get(j);
      At at = new At(where, j, st);
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
          assertThat(a.deadlineMs())
              .as(EFFECT_AT, at, now, e)
              .isGreaterThan(now)
              .isLessThanOrEqualTo(maxDeadline);
          assertThat(sent).as(EFFECT_AT, at, now, e).contains(a.deadlineMs() - T.leaseDurationMs());
          assertThat(a.epoch())
              .as(EFFECT_AT, at, now, e)
              .isGreaterThanOrEqualTo(armedEpoch.getOrDefault(v, 0L));
          assertThat(released.getOrDefault(v, 0L)).as(EFFECT_AT, at, now, e).isLessThan(a.epoch());
          armedEpoch.put(v, a.epoch());
          fenceUntil.put(v, a.deadlineMs());
          armedAny = true;
        } else if (e instanceof OwnerEffect.AddAddress a) {
          assertThat(previous)
              .as(EFFECT_AT, at, now, e)
              .isEqualTo(new OwnerEffect.ArmFence(a.spec(), a.epoch(), fenceUntil.get(v)));
          assertThat(addressed).as(EFFECT_AT, at, now, e).doesNotContain(v);
          addressed.add(v);
        } else if (e instanceof OwnerEffect.CloseFence) {
          fenceUntil.remove(v);
          closedThisStep.add(v);
        } else if (e instanceof OwnerEffect.RemoveAddress) {
          assertThat(fenceUntil).as(EFFECT_AT, at, now, e).doesNotContainKey(v);
          addressed.remove(v);
          removedThisStep.add(v);
        } else if (e instanceof OwnerEffect.CommitRelease c) {
          assertThat(fenceUntil).as(EFFECT_AT, at, now, e).doesNotContainKey(v);
          assertThat(addressed).as(EFFECT_AT, at, now, e).doesNotContain(v);
          if (!released.containsKey(v) || released.get(v) != c.epoch()) {
            assertThat(closedThisStep).as(EFFECT_AT, at, now, e).contains(v);
            assertThat(removedThisStep).as(EFFECT_AT, at, now, e).contains(v);
          }
          released.put(v, c.epoch());
          releasedAny = true;
        }
        previous = e;
      }
      for (VipName v : addressed) {
        assertThat(fenceUntil).as("%s: %s has an address", at, v).containsKey(v);
      }
      if (st.kind() == 2 && now >= lease.deadlineMs()) {
        assertThat(addressed).as("%s: past the deadline", at).isEmpty();
        assertThat(lease.servingEpochs()).as("%s: past the deadline", at).isEmpty();
      }
      assertThat(lease.servingEpochs().keySet()).as("%s", at).isEqualTo(addressed);
    }
    return new Coverage(armedAny, releasedAny);
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

  /** Case {@code caseNo}'s run: first the all-minimum and all-maximum runs, then random ones. */
  private static List<Step> run(SplittableRandom random, int caseNo) {
    if (caseNo == 0) {
      return List.of(Step.MIN, Step.MIN, Step.MIN, Step.MIN, Step.MIN);
    }
    if (caseNo == 1) {
      List<Step> run = new ArrayList<>(RUN_SIZE_MAX);
      for (int i = 0; i < RUN_SIZE_MAX; i++) {
        run.add(Step.MAX);
      }
      return run;
    }
    int size =
        switch (random.nextInt(10)) {
          case 0 -> RUN_SIZE_MIN;
          case 1 -> RUN_SIZE_MAX;
          default -> random.nextInt(RUN_SIZE_MIN, RUN_SIZE_MAX + 1);
        };
    List<Step> run = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      run.add(Step.random(random));
    }
    return run;
  }

  /**
   * Uniform in [min, max], with one draw in ten at an end of the range, so the ends come up often.
   */
  private static int between(SplittableRandom random, int min, int max) {
    if (random.nextInt(10) == 0) {
      return random.nextBoolean() ? min : max;
    }
    return random.nextInt(min, max + 1);
  }
}
