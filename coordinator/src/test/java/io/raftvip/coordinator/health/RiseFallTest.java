package io.raftvip.coordinator.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RiseFallTest {

  @Test
  void startsUnknownAndRisesAfterRisePassesInARow() {
    RiseFall m = RiseFall.start(2, 3);
    assertThat(m.verdict()).isEqualTo(Verdict.UNKNOWN);
    RiseFall.Step s = m.observe(true);
    assertThat(s.changedTo()).isEmpty();
    s = s.next().observe(false); // the streak breaks
    s = s.next().observe(true);
    assertThat(s.changedTo()).isEmpty();
    s = s.next().observe(true);
    assertThat(s.changedTo()).contains(Verdict.HEALTHY);
    s = s.next().observe(true);
    assertThat(s.changedTo()).as("reported once").isEmpty();
    assertThat(s.next().verdict()).isEqualTo(Verdict.HEALTHY);
  }

  @Test
  void fallsAfterFallFailuresInARowAndOnePassResetsTheStreak() {
    RiseFall m = trace(RiseFall.start(1, 3), true).next();
    assertThat(m.verdict()).isEqualTo(Verdict.HEALTHY);
    RiseFall.Step s = trace(m, false, false, true, false, false);
    assertThat(s.next().verdict()).isEqualTo(Verdict.HEALTHY);
    s = s.next().observe(false);
    assertThat(s.changedTo()).contains(Verdict.UNHEALTHY);
  }

  @Test
  void unknownFallsToUnhealthyToo() {
    RiseFall.Step s = trace(RiseFall.start(2, 2), false, false);
    assertThat(s.changedTo()).contains(Verdict.UNHEALTHY);
  }

  @Test
  void riseAndFallOfOneFollowEveryResult() {
    RiseFall m = RiseFall.start(1, 1);
    assertThat(m.observe(true).changedTo()).contains(Verdict.HEALTHY);
    assertThat(m.observe(true).next().observe(false).changedTo()).contains(Verdict.UNHEALTHY);
  }

  @Test
  void validatesOnConstruction() {
    assertThatThrownBy(() -> RiseFall.start(0, 1)).hasMessage("rise 0 must be between 1 and 100");
    assertThatThrownBy(() -> RiseFall.start(1, 101))
        .hasMessage("fall 101 must be between 1 and 100");
    assertThatThrownBy(() -> new RiseFall(2, 2, Verdict.UNKNOWN, 1, 1))
        .hasMessageContaining("cannot both be streaks");
    assertThatThrownBy(() -> new RiseFall(2, 2, Verdict.UNKNOWN, 3, 0))
        .hasMessageContaining("must be within");
  }

  /**
   * Against a reference that looks at the whole history: after each result the verdict is HEALTHY
   * when the last rise results all passed, UNHEALTHY when the last fall all failed, else unchanged;
   * a change is reported exactly when it happens. Same input, same output.
   */
  @Test
  void matchesTheHistoryModelOnRandomSequences() {
    long seed = new SplittableRandom().nextLong();
    SplittableRandom random = new SplittableRandom(seed);
    for (int run = 0; run < 500; run++) {
      int rise = 1 + random.nextInt(5);
      int fall = 1 + random.nextInt(5);
      double passRate = random.nextDouble();
      List<Boolean> history = new ArrayList<>();
      RiseFall m = RiseFall.start(rise, fall);
      Verdict expected = Verdict.UNKNOWN;
      for (int i = 0; i < 200; i++) {
        boolean passed = random.nextDouble() < passRate;
        history.add(passed);
        Verdict before = expected;
        if (lastAll(history, rise, true)) {
          expected = Verdict.HEALTHY;
        } else if (lastAll(history, fall, false)) {
          expected = Verdict.UNHEALTHY;
        }
        RiseFall.Step s = m.observe(passed);
        RiseFall.Step again = m.observe(passed);
        String where = "seed " + seed + " run " + run + " rise " + rise + " fall " + fall;
        assertThat(again).as("deterministic, %s", where).isEqualTo(s);
        assertThat(s.next().verdict()).as("%s history %s", where, history).isEqualTo(expected);
        assertThat(s.changedTo())
            .as("%s history %s", where, history)
            .isEqualTo(before == expected ? Optional.empty() : Optional.of(expected));
        m = s.next();
      }
    }
  }

  private static boolean lastAll(List<Boolean> history, int n, boolean value) {
    if (history.size() < n) {
      return false;
    }
    for (int i = history.size() - n; i < history.size(); i++) {
      if (history.get(i) != value) {
        return false;
      }
    }
    return true;
  }

  private static RiseFall.Step trace(RiseFall m, boolean... results) {
    RiseFall.Step s = null;
    for (boolean r : results) {
      s = (s == null ? m : s.next()).observe(r);
    }
    return s;
  }
}
