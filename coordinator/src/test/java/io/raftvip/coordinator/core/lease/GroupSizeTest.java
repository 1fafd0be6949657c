package io.raftvip.coordinator.core.lease;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Why {@link LeaderLease#VOTERS_MAX} is 4 (docs/safety.md, Group size), by enumeration.
 *
 * <p>Voter 0 is the old leader L, voter 1 the candidate C. A leader lease can outlive C's election
 * only if there are majorities S (the lease quorum: contains L, not C — a candidate in S starts
 * campaigning only after its own bound), P (C's pre-vote majority) and V (C's election majority),
 * neither P nor V containing L (L steps down before voting), such that no follower of S in P is
 * also in V. Only then did every follower of S in P grant its pre-vote before its last
 * acknowledgement (after its bound is harmless), sit out its quarantine, and still never vote for
 * C, so never learn of C's term while it keeps acknowledging L.
 */
class GroupSizeTest {

  @Test
  void theLeaseArgumentHoldsUpToFourVotersAndFailsAtFive() {
    for (int n = 1; n <= LeaderLease.VOTERS_MAX; n++) {
      assertThat(holeExists(n)).as("%d voters", n).isFalse();
    }
    assertThat(holeExists(LeaderLease.VOTERS_MAX + 1)).as("5 voters").isTrue();
  }

  @Test
  void evenGroupsHaveLargerQuorumsButOddOnesKeepTheHole() {
    // Six voters: every three quorums meet (3 + 3 + 3 of 4 others); seven: they need not. Six is
    // still refused: simpler to state, and nothing here was simulated beyond three.
    assertThat(holeExists(6)).isFalse();
    assertThat(holeExists(7)).isTrue();
  }

  private static boolean holeExists(int n) {
    if (n < 2) {
      return false;
    }
    int majority = LeaseMath.majority(n);
    int all = 1 << n;
    for (int s = 0; s < all; s++) {
      if (!isQuorum(s, majority) || !has(s, 0) || has(s, 1)) {
        continue;
      }
      for (int p = 0; p < all; p++) {
        if (!isQuorum(p, majority) || has(p, 0) || !has(p, 1)) {
          continue;
        }
        for (int v = 0; v < all; v++) {
          if (!isQuorum(v, majority) || has(v, 0) || !has(v, 1)) {
            continue;
          }
          if ((p & s & v) == 0) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static boolean isQuorum(int set, int majority) {
    return Integer.bitCount(set) >= majority;
  }

  private static boolean has(int set, int member) {
    return (set & (1 << member)) != 0;
  }
}
