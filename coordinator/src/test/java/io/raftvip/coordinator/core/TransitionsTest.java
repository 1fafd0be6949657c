package io.raftvip.coordinator.core;

import static io.raftvip.coordinator.core.TestLog.N1;
import static io.raftvip.coordinator.core.TestLog.N2;
import static io.raftvip.coordinator.core.TestLog.N3;
import static io.raftvip.coordinator.core.TestLog.move;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class TransitionsTest {

  private static final VipName WEB = VipName.of("web");

  private static VipSpec web() {
    return VipSpec.of("web", "198.18.0.200/24");
  }

  /** n1..n3 healthy, "web" created and assigned to n1. */
  private static TestLog webOnN1() {
    TestLog log = TestLog.withNodes(3);
    log.accept(new Command.CreateVip(web()));
    log.accept(new Command.Assign(WEB, N1, log.assignment("web").epoch()));
    return log;
  }

  @Test
  void applyAtANonIncreasingIndexIsACallerBug() {
    TestLog log = webOnN1();
    ClusterState s = log.state();
    assertThatThrownBy(
            () -> Transitions.apply(s, new Command.SetDrained(N2, true), s.lastChangeIndex()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not after the state's last change");
  }

  @Test
  void sameLogSameState() {
    TestLog a = webOnN1();
    TestLog b = webOnN1();
    assertThat(a.state()).isEqualTo(b.state()).hasSameHashCodeAs(b.state());
  }

  @Nested
  class Bootstrap {
    @Test
    void createsEveryConfigVipOnceAndThenRefuses() {
      TestLog log = TestLog.withNodes(2);
      assertThat(log.state().bootstrapped()).isFalse();
      Outcome.Accepted out =
          log.accept(new Command.Bootstrap(List.of(web(), VipSpec.of("api", "2001:db8::200/64"))));
      assertThat(log.state().bootstrapped()).isTrue();
      assertThat(log.state().vips()).containsOnlyKeys(WEB, VipName.of("api"));
      assertThat(out.assignments()).hasSize(2);
      assertThat(log.reject(new Command.Bootstrap(List.of(VipSpec.of("x", "198.18.0.230/32")))))
          .isEqualTo(new Rejection.AlreadyBootstrapped());
      assertThat(log.state().vips()).containsOnlyKeys(WEB, VipName.of("api"));
    }

    @Test
    void anAdminChangeToVipsEndsTheBootstrapWindow() {
      TestLog log = TestLog.withNodes(1);
      log.accept(new Command.CreateVip(VipSpec.of("api", "198.18.0.201/32")));
      log.accept(new Command.DeleteVip(VipName.of("api")));
      assertThat(log.state().bootstrapped()).isTrue();
      assertThat(log.reject(new Command.Bootstrap(List.of(web()))))
          .isEqualTo(new Rejection.AlreadyBootstrapped());
      assertThat(log.state().vips()).isEmpty();
    }

    @Test
    void conflictingSpecsRejectTheWholeBootstrap() {
      TestLog log = TestLog.withNodes(1);
      Rejection r =
          log.reject(new Command.Bootstrap(List.of(web(), VipSpec.of("other", "198.18.0.200/25"))));
      assertThat(r).isInstanceOf(Rejection.AddressInUse.class);
      assertThat(log.state().vips()).isEmpty();
      assertThat(log.state().bootstrapped()).isFalse();
    }

    @Test
    void anEmptyBootstrapOnlyMarksTheCluster() {
      TestLog log = TestLog.withNodes(1);
      log.accept(new Command.Bootstrap(List.of()));
      assertThat(log.state().bootstrapped()).isTrue();
      assertThat(log.state().vips()).isEmpty();
    }
  }

  @Nested
  class CreateUpdateDelete {
    @Test
    void createStartsUnownedAtItsIndex() {
      TestLog log = TestLog.withNodes(1);
      Outcome.Accepted out = log.accept(new Command.CreateVip(web()));
      assertThat(log.assignment("web")).isEqualTo(new Assignment.Unowned(log.index()));
      assertThat(out.assignments())
          .singleElement()
          .extracting(AssignmentChange::cause)
          .isEqualTo(AssignmentChange.Cause.CREATED);
    }

    @Test
    void createRefusesDuplicates() {
      TestLog log = TestLog.withNodes(1);
      log.accept(new Command.CreateVip(web().withVrid(3)));
      assertThat(log.reject(new Command.CreateVip(web()))).isEqualTo(new Rejection.VipExists(WEB));
      assertThat(log.reject(new Command.CreateVip(VipSpec.of("other", "198.18.0.200/25"))))
          .isInstanceOf(Rejection.AddressInUse.class)
          .extracting(Rejection::message)
          .asString()
          .contains("198.18.0.200", "web");
      assertThat(
              log.reject(new Command.CreateVip(VipSpec.of("other", "198.18.0.201/24").withVrid(3))))
          .isEqualTo(new Rejection.VirtualRouterIdInUse(3, WEB));
      log.accept(new Command.CreateVip(VipSpec.of("v6", "2001:db8::1/64").withVrid(3)));
    }

    @Test
    void updateChangesPolicyButNotWhatAHolderServes() {
      TestLog log = webOnN1();
      Assignment before = log.assignment("web");
      log.accept(new Command.UpdateVip(web().withPreempt(true).withPriorities(Map.of(N2, 5))));
      assertThat(log.assignment("web")).isEqualTo(before);
      assertThat(log.reject(new Command.UpdateVip(VipSpec.of("web", "198.18.0.201/24"))))
          .isInstanceOf(Rejection.ImmutableField.class)
          .extracting(Rejection::message)
          .asString()
          .contains("address", "delete and create");
      assertThat(log.reject(new Command.UpdateVip(web().withInterface("eth1"))))
          .extracting(r -> ((Rejection.ImmutableField) r).field())
          .isEqualTo("interface");
      assertThat(log.reject(new Command.UpdateVip(web().withVrid(9))))
          .extracting(r -> ((Rejection.ImmutableField) r).field())
          .isEqualTo("vrid");
      assertThat(log.reject(new Command.UpdateVip(VipSpec.of("nope", "198.18.0.9/24"))))
          .isEqualTo(new Rejection.UnknownVip(VipName.of("nope")));
    }

    @Test
    void updateToTheSameSpecChangesNothing() {
      TestLog log = webOnN1();
      ClusterState before = log.state();
      Outcome.Accepted out = log.accept(new Command.UpdateVip(web()));
      assertThat(out.changed()).isFalse();
      assertThat(log.state()).isSameAs(before);
    }

    @Test
    void deleteOfAnUnownedVipIsImmediate() {
      TestLog log = TestLog.withNodes(1);
      log.accept(new Command.CreateVip(web()));
      log.accept(new Command.DeleteVip(WEB));
      assertThat(log.state().vip(WEB)).isEmpty();
      assertThat(log.reject(new Command.DeleteVip(WEB))).isEqualTo(new Rejection.UnknownVip(WEB));
    }

    @Test
    void deleteOfAHeldVipWaitsForTheHoldersRelease() {
      TestLog log = webOnN1();
      long epoch = log.assignment("web").epoch();
      log.accept(new Command.DeleteVip(WEB));
      assertThat(log.assignment("web"))
          .isEqualTo(new Assignment.Releasing(N1, epoch, ReleaseTarget.DELETE));
      log.accept(new Command.Release(WEB, epoch, N1));
      assertThat(log.state().vip(WEB)).isEmpty();
    }

    @Test
    void deleteDuringAMoveTurnsTheMoveIntoADelete() {
      TestLog log = webOnN1();
      long epoch = log.assignment("web").epoch();
      log.accept(move("web", N2));
      log.accept(new Command.DeleteVip(WEB));
      assertThat(log.assignment("web"))
          .isEqualTo(new Assignment.Releasing(N1, epoch, ReleaseTarget.DELETE));
      assertThat(log.accept(new Command.DeleteVip(WEB)).changed()).isFalse();
    }
  }

  @Nested
  class Nodes {
    @Test
    void joinAddsAnActiveNodeAtItsIndex() {
      TestLog log = new TestLog();
      log.accept(new Command.JoinNode(N1, "10.0.0.1:9000"));
      NodeInfo n = log.state().node(N1).orElseThrow();
      assertThat(n.status()).isEqualTo(NodeStatus.ACTIVE);
      assertThat(n.incarnation()).isEqualTo(log.index());
      assertThat(n.health()).isEmpty();
    }

    @Test
    void joinIsIdempotentAndUpdatesTheAddress() {
      TestLog log = TestLog.withNodes(2);
      ClusterState before = log.state();
      assertThat(log.accept(new Command.JoinNode(N1, "10.0.0.1:9000")).changed()).isFalse();
      assertThat(log.state()).isSameAs(before);
      log.accept(new Command.JoinNode(N1, "10.0.0.9:9000"));
      assertThat(log.state().node(N1).orElseThrow().raftAddress()).isEqualTo("10.0.0.9:9000");
      assertThat(log.state().node(N1).orElseThrow().incarnation())
          .isEqualTo(before.node(N1).orElseThrow().incarnation());
      assertThat(log.reject(new Command.JoinNode(N2, "10.0.0.9:9000")))
          .isEqualTo(new Rejection.RaftAddressInUse("10.0.0.9:9000", N1));
    }

    @Test
    void rejoinAfterExpiryIsANewIncarnationWithUnknownHealth() {
      TestLog log = webOnN1();
      log.accept(new Command.SetDrained(N1, true));
      long incarnation = log.state().node(N1).orElseThrow().incarnation();
      log.accept(new Command.ExpireNode(N1, incarnation, 1, Optional.empty()));
      log.accept(new Command.JoinNode(N1, "10.0.0.1:9000"));
      NodeInfo n = log.state().node(N1).orElseThrow();
      assertThat(n.status()).isEqualTo(NodeStatus.ACTIVE);
      assertThat(n.incarnation()).isEqualTo(log.index());
      assertThat(n.health()).isEmpty();
      assertThat(n.drained()).as("the drain survives").isTrue();
    }

    @Test
    void removeRefusesANodeThatHoldsVips() {
      TestLog log = webOnN1();
      assertThat(log.reject(new Command.RemoveNode(N1)))
          .isEqualTo(new Rejection.NodeHoldsVips(N1, List.of(WEB)));
      log.accept(new Command.RemoveNode(N2));
      assertThat(log.state().node(N2)).isEmpty();
      assertThat(log.reject(new Command.RemoveNode(N2))).isEqualTo(new Rejection.UnknownNode(N2));
    }

    @Test
    void drainAndHealthAreNoOpsWhenUnchanged() {
      TestLog log = TestLog.withNodes(1);
      ClusterState before = log.state();
      assertThat(log.accept(new Command.SetDrained(N1, false)).changed()).isFalse();
      assertThat(log.accept(new Command.ReportHealth(N1, "web", true)).changed()).isFalse();
      assertThat(log.state()).isSameAs(before);
      log.accept(new Command.ReportHealth(N1, "web", false));
      assertThat(log.state().node(N1).orElseThrow().health()).containsEntry("web", false);
      assertThat(log.reject(new Command.SetDrained(N2, true)))
          .isEqualTo(new Rejection.UnknownNode(N2));
      assertThat(log.reject(new Command.ReportHealth(N2, "web", true)))
          .isEqualTo(new Rejection.UnknownNode(N2));
    }
  }

  @Nested
  class AssignMoveRelease {
    @Test
    void assignGivesAnUnownedVipANewEpoch() {
      TestLog log = TestLog.withNodes(3);
      log.accept(new Command.CreateVip(web()));
      long created = log.assignment("web").epoch();
      log.accept(new Command.Assign(WEB, N2, created));
      assertThat(log.assignment("web")).isEqualTo(new Assignment.Owned(N2, log.index()));
      assertThat(log.index()).isGreaterThan(created);
    }

    @Test
    void assignNeverTakesAVipFromALiveHolder() {
      TestLog log = webOnN1();
      long epoch = log.assignment("web").epoch();
      assertThat(log.reject(new Command.Assign(WEB, N2, epoch)))
          .isEqualTo(new Rejection.VipHeld(WEB, N1));
      assertThat(log.reject(new Command.Assign(WEB, N2, epoch - 1)))
          .isEqualTo(new Rejection.StaleEpoch(WEB, epoch - 1, epoch));
    }

    @Test
    void assignRefusesIneligibleNodes() {
      TestLog log = TestLog.withNodes(3);
      log.accept(
          new Command.CreateVip(
              web().withHealthChecks(Set.of("db")).withPriorities(Map.of(N1, 1, N2, 1))));
      long e = log.assignment("web").epoch();
      log.accept(new Command.SetDrained(N1, true));
      assertThat(log.reject(new Command.Assign(WEB, N1, e)))
          .isEqualTo(new Rejection.NotEligible(WEB, N1, Ineligibility.DRAINED));
      assertThat(log.reject(new Command.Assign(WEB, N2, e)))
          .isEqualTo(new Rejection.NotEligible(WEB, N2, Ineligibility.UNHEALTHY));
      assertThat(log.reject(new Command.Assign(WEB, N3, e)))
          .isEqualTo(new Rejection.NotEligible(WEB, N3, Ineligibility.NOT_IN_PRIORITY_MAP));
      assertThat(log.reject(new Command.Assign(WEB, NodeId.of("n9"), e)))
          .isEqualTo(new Rejection.NotEligible(WEB, NodeId.of("n9"), Ineligibility.UNKNOWN_NODE));
    }

    @Test
    void gracefulMoveKeepsTheEpochUntilTheReleaseThenHandsOver() {
      TestLog log = webOnN1();
      long epoch = log.assignment("web").epoch();
      log.accept(move("web", N3));
      assertThat(log.assignment("web"))
          .isEqualTo(new Assignment.Releasing(N1, epoch, new ReleaseTarget.ToNode(N3)));
      Outcome.Accepted out = log.accept(new Command.Release(WEB, epoch, N1));
      assertThat(log.assignment("web")).isEqualTo(new Assignment.Owned(N3, log.index()));
      assertThat(out.assignments())
          .containsExactly(
              new AssignmentChange(
                  WEB,
                  Optional.of(N1),
                  Optional.of(N3),
                  log.index(),
                  Assignment.State.OWNED,
                  AssignmentChange.Cause.RELEASED));
    }

    @Test
    void releaseFallsBackToPlacementWhenTheTargetBecameIneligible() {
      TestLog log = webOnN1();
      long epoch = log.assignment("web").epoch();
      log.accept(move("web", N3));
      log.accept(new Command.SetDrained(N3, true));
      log.accept(new Command.Release(WEB, epoch, N1));
      assertThat(log.assignment("web")).isEqualTo(new Assignment.Owned(N2, log.index()));
    }

    @Test
    void releaseToPlacementNeverGivesTheVipBackToTheReleaser() {
      TestLog log = webOnN1();
      long epoch = log.assignment("web").epoch();
      log.accept(move("web", null));
      log.accept(new Command.SetDrained(N2, true));
      log.accept(new Command.SetDrained(N3, true));
      log.accept(new Command.Release(WEB, epoch, N1));
      assertThat(log.assignment("web")).isEqualTo(new Assignment.Unowned(log.index()));
    }

    @Test
    void moveRefusals() {
      TestLog log = webOnN1();
      long epoch = log.assignment("web").epoch();
      assertThat(log.reject(move("web", N1))).isEqualTo(new Rejection.TargetIsOwner(WEB, N1));
      assertThat(log.reject(move("web", NodeId.of("n9"))))
          .isEqualTo(new Rejection.UnknownNode(NodeId.of("n9")));
      assertThat(log.reject(new Command.MoveVip(WEB, Optional.empty(), OptionalLong.of(1))))
          .isEqualTo(new Rejection.StaleEpoch(WEB, 1, epoch));
      log.accept(new Command.SetDrained(N2, true));
      assertThat(log.reject(move("web", N2)))
          .isEqualTo(new Rejection.NotEligible(WEB, N2, Ineligibility.DRAINED));
      log.accept(new Command.SetDrained(N3, true));
      assertThat(log.reject(move("web", null))).isEqualTo(new Rejection.NoEligibleTarget(WEB, N1));
      log.accept(new Command.SetDrained(N3, false));
      log.accept(move("web", null));
      assertThat(log.reject(move("web", N3))).isEqualTo(new Rejection.VipReleasing(WEB, N1));
      log.accept(new Command.CreateVip(VipSpec.of("idle", "198.18.0.9/24")));
      assertThat(log.reject(move("idle", N3)))
          .isEqualTo(new Rejection.VipUnowned(VipName.of("idle")));
    }

    @Test
    void releaseRefusals() {
      TestLog log = webOnN1();
      long epoch = log.assignment("web").epoch();
      assertThat(log.reject(new Command.Release(WEB, epoch, N1)))
          .isEqualTo(new Rejection.NotReleasing(WEB, Assignment.State.OWNED));
      log.accept(move("web", N2));
      assertThat(log.reject(new Command.Release(WEB, epoch - 1, N1)))
          .isEqualTo(new Rejection.StaleEpoch(WEB, epoch - 1, epoch));
      assertThat(log.reject(new Command.Release(WEB, epoch, N2)))
          .isEqualTo(new Rejection.NotOwner(WEB, N2, Optional.of(N1)));
      log.accept(new Command.Release(WEB, epoch, N1));
      assertThat(log.reject(new Command.Release(WEB, epoch, N1)))
          .as("a repeated release is harmless")
          .isEqualTo(new Rejection.NotReleasing(WEB, Assignment.State.OWNED));
      assertThat(log.reject(new Command.Release(VipName.of("x"), 1, N1)))
          .isEqualTo(new Rejection.UnknownVip(VipName.of("x")));
    }
  }

  @Nested
  class Expiry {
    @Test
    void expiryReassignsEveryHeldVipUnderTheNewEpochAndSpreads() {
      TestLog log = TestLog.withNodes(3);
      for (String name : List.of("a", "b", "c", "d")) {
        log.accept(
            new Command.CreateVip(VipSpec.of(name, "198.18.0." + (10 + name.charAt(0)) + "/24")));
        log.accept(new Command.Assign(VipName.of(name), N1, log.assignment(name).epoch()));
      }
      long incarnation = log.state().node(N1).orElseThrow().incarnation();
      Outcome.Accepted out =
          log.accept(new Command.ExpireNode(N1, incarnation, 7, Optional.empty()));
      long index = log.index();
      assertThat(log.state().node(N1).orElseThrow().status()).isEqualTo(NodeStatus.EXPIRED);
      assertThat(log.state().heldBy(N1)).isEmpty();
      assertThat(log.assignment("a")).isEqualTo(new Assignment.Owned(N2, index));
      assertThat(log.assignment("b")).isEqualTo(new Assignment.Owned(N3, index));
      assertThat(log.assignment("c")).isEqualTo(new Assignment.Owned(N2, index));
      assertThat(log.assignment("d")).isEqualTo(new Assignment.Owned(N3, index));
      assertThat(out.assignments())
          .hasSize(4)
          .allMatch(c -> c.cause() == AssignmentChange.Cause.OWNER_EXPIRED);
    }

    @Test
    void expiryHonoursTheAvoidHintOnlyAmongEqualPriorities() {
      TestLog log = webOnN1();
      long incarnation = log.state().node(N1).orElseThrow().incarnation();
      log.accept(new Command.ExpireNode(N1, incarnation, 1, Optional.of(N2)));
      assertThat(log.assignment("web").currentOwner()).contains(N3);
    }

    @Test
    void expiryCompletesPendingReleasesAndDeletes() {
      TestLog log = webOnN1();
      log.accept(new Command.CreateVip(VipSpec.of("gone", "198.18.0.50/24")));
      log.accept(new Command.Assign(VipName.of("gone"), N1, log.assignment("gone").epoch()));
      log.accept(move("web", N3));
      log.accept(new Command.DeleteVip(VipName.of("gone")));
      long incarnation = log.state().node(N1).orElseThrow().incarnation();
      log.accept(new Command.ExpireNode(N1, incarnation, 1, Optional.of(N3)));
      assertThat(log.assignment("web")).isEqualTo(new Assignment.Owned(N3, log.index()));
      assertThat(log.state().vip(VipName.of("gone"))).isEmpty();
    }

    @Test
    void aLateExpiryNeverHitsANewIncarnation() {
      TestLog log = webOnN1();
      long old = log.state().node(N1).orElseThrow().incarnation();
      log.accept(new Command.ExpireNode(N1, old, 1, Optional.empty()));
      assertThat(log.reject(new Command.ExpireNode(N1, old, 1, Optional.empty())))
          .isEqualTo(new Rejection.NodeExpired(N1));
      log.accept(new Command.JoinNode(N1, "10.0.0.1:9000"));
      long fresh = log.state().node(N1).orElseThrow().incarnation();
      assertThat(log.reject(new Command.ExpireNode(N1, old, 1, Optional.empty())))
          .isEqualTo(new Rejection.StaleIncarnation(N1, old, fresh));
      assertThat(log.reject(new Command.ExpireNode(NodeId.of("n9"), 1, 1, Optional.empty())))
          .isEqualTo(new Rejection.UnknownNode(NodeId.of("n9")));
    }

    @Test
    void expiredNodesAreNeverChosen() {
      TestLog log = webOnN1();
      for (NodeId n : List.of(N2, N3)) {
        long inc = log.state().node(n).orElseThrow().incarnation();
        log.accept(new Command.ExpireNode(n, inc, 1, Optional.empty()));
      }
      long inc = log.state().node(N1).orElseThrow().incarnation();
      log.accept(new Command.ExpireNode(N1, inc, 1, Optional.empty()));
      assertThat(log.assignment("web")).isEqualTo(new Assignment.Unowned(log.index()));
      assertThat(log.reject(new Command.Assign(WEB, N2, log.index())))
          .isEqualTo(new Rejection.NotEligible(WEB, N2, Ineligibility.EXPIRED));
    }
  }
}
