package io.raftvip.coordinator.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of apply and placement over random command sequences (random, often invalid, commands
 * against 4 nodes and 4 VIPs): determinism, rejected commands change nothing, epochs strictly
 * increase whenever a VIP changes hands, no VIP is held by an expired, unknown or (at the moment of
 * assignment) ineligible node, and placement picks an eligible node of maximal priority.
 */
class CoreProperties {

  private static final List<NodeId> NODES =
      List.of(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n3"), NodeId.of("n4"));
  private static final List<VipSpec> SPECS =
      List.of(
          VipSpec.of("a", "198.18.0.10/24"),
          VipSpec.of("b", "198.18.0.11/24")
              .withPreempt(true)
              .withPriorities(Map.of(NODES.get(0), 200, NODES.get(1), 100, NODES.get(2), 100)),
          VipSpec.of("c", "2001:db8::c/64").withHealthChecks(Set.of("web")),
          VipSpec.of("d", "198.18.0.13/24")
              .withVrid(4)
              .withPriorities(Map.of(NODES.get(2), 50, NODES.get(3), 50)));

  @Provide
  Arbitrary<List<Command>> histories() {
    Arbitrary<NodeId> node = Arbitraries.of(NODES);
    Arbitrary<VipSpec> spec = Arbitraries.of(SPECS);
    Arbitrary<VipName> vip = spec.map(VipSpec::name);
    Arbitrary<Long> epoch = Arbitraries.longs().between(1, 80);
    Arbitrary<Command> command =
        Arbitraries.oneOf(
            node.map(n -> new Command.JoinNode(n, "10.0.0." + n.value().substring(1) + ":1")),
            node.map(n -> new Command.JoinNode(n, "10.0.0." + n.value().substring(1) + ":1")),
            spec.map(Command.CreateVip::new),
            spec.map(s -> new Command.UpdateVip(s.withPreempt(!s.preempt()))),
            vip.map(Command.DeleteVip::new),
            node.map(Command.RemoveNode::new),
            Combinators.combine(node, Arbitraries.of(true, false)).as(Command.SetDrained::new),
            Combinators.combine(node, Arbitraries.of(true, false))
                .as((n, h) -> new Command.ReportHealth(n, "web", h)),
            Combinators.combine(vip, node.optional(0.7), epoch.optional(0.5))
                .as(
                    (v, t, e) ->
                        new Command.MoveVip(
                            v, t, e.map(OptionalLong::of).orElse(OptionalLong.empty()))),
            Combinators.combine(vip, epoch, node).as(Command.Release::new),
            Combinators.combine(node, epoch, node.optional(0.5))
                .as((n, inc, avoid) -> new Command.ExpireNode(n, inc, 1, avoid)),
            Combinators.combine(vip, node, epoch).as(Command.Assign::new));
    return command.list().ofMinSize(1).ofMaxSize(80);
  }

  @Property(tries = 300)
  void applyIsDeterministic(@ForAll("histories") List<Command> history) {
    assertThat(replay(history)).isEqualTo(replay(history));
  }

  @Property(tries = 300)
  void invariantsHoldAfterEveryCommand(@ForAll("histories") List<Command> history) {
    ClusterState s = ClusterState.EMPTY;
    long index = 0;
    for (Command c : helpful(history)) {
      ClusterState before = s;
      ApplyResult r = Transitions.apply(s, c, ++index);
      s = r.next();
      if (r.outcome() instanceof Outcome.Rejected) {
        assertThat(s).as("rejected %s", c).isSameAs(before);
        assertThat(Transitions.validate(before, c)).isPresent();
        continue;
      }
      assertThat(Transitions.validate(before, c)).isEmpty();
      ClusterState after = s;
      after.checkInvariants();
      for (Vip v : after.vips().values()) {
        Vip old = before.vips().get(v.name());
        Optional<NodeId> owner = v.assignment().currentOwner();
        owner.ifPresent(
            o -> assertThat(after.node(o).orElseThrow().status()).isEqualTo(NodeStatus.ACTIVE));
        if (old == null) {
          continue;
        }
        assertThat(v.assignment().epoch()).isGreaterThanOrEqualTo(old.assignment().epoch());
        if (!old.assignment().currentOwner().equals(owner)) {
          assertThat(v.assignment().epoch()).isEqualTo(index);
          owner.ifPresent(
              o ->
                  assertThat(Placement.isEligible(after, v.spec(), o))
                      .as("new holder %s of %s after %s", o, v.name(), c)
                      .isTrue());
        }
      }
    }
  }

  @Property(tries = 300)
  void placementPicksAnEligibleNodeOfMaximalPriority(@ForAll("histories") List<Command> history) {
    ClusterState s = replay(helpful(history));
    Map<NodeId, Integer> load = Placement.load(s);
    for (VipSpec spec : SPECS) {
      Optional<NodeId> a = Placement.choose(s, spec, Set.of(), Optional.of(NODES.get(0)), load);
      Optional<NodeId> b =
          Placement.choose(s, spec, Set.of(), Optional.of(NODES.get(0)), new HashMap<>(load));
      assertThat(a).isEqualTo(b);
      List<NodeId> eligible = Placement.eligibleNodes(s, spec);
      assertThat(a.isPresent()).isEqualTo(!eligible.isEmpty());
      a.ifPresent(
          chosen -> {
            assertThat(eligible).contains(chosen);
            for (NodeId other : eligible) {
              assertThat(Placement.priority(spec, chosen))
                  .isGreaterThanOrEqualTo(Placement.priority(spec, other));
            }
          });
    }
  }

  /** The random history, preceded by a setup that makes many of its commands valid. */
  private static List<Command> helpful(List<Command> history) {
    List<Command> out = new ArrayList<>();
    for (NodeId n : NODES) {
      out.add(new Command.JoinNode(n, "10.0.0." + n.value().substring(1) + ":1"));
      out.add(new Command.ReportHealth(n, "web", true));
    }
    for (VipSpec s : SPECS) {
      out.add(new Command.CreateVip(s));
    }
    out.addAll(history);
    return out;
  }

  private static ClusterState replay(List<Command> history) {
    ClusterState s = ClusterState.EMPTY;
    long index = 0;
    for (Command c : history) {
      s = Transitions.apply(s, c, ++index).next();
    }
    return s;
  }
}
