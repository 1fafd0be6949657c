package io.raftvip.coordinator.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Properties of apply and placement over random command sequences (random, often invalid, commands
 * against 4 nodes and 4 VIPs): determinism, rejected commands change nothing, epochs strictly
 * increase whenever a VIP changes hands, no VIP is held by an expired, unknown or (at the moment of
 * assignment) ineligible node, and placement picks an eligible node of maximal priority.
 *
 * <p>4 seeds x 100 cases = 400 histories per property. Every seed starts with one single-command
 * history per command kind with its edge values (epoch 1, 2, 79 or 80, no target, no expected
 * epoch); after that a history is 1 or 80 commands long one time in ten each, and one command in
 * ten takes edge values. Each failure names its seed and case; the cases come only from a seeded
 * {@link SplittableRandom}, so they replay.
 */
class CorePropertiesTest {
  private static final int CASES_PER_SEED = 100;

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

  private static final int HISTORY_SIZE_MAX = 80;
  private static final long EPOCH_MAX = 80;
  private static final long[] EPOCH_EDGES = {1, 2, EPOCH_MAX - 1, EPOCH_MAX};

  /** Command kinds drawn with equal weight; JoinNode is two of them, as nodes come and go. */
  private static final int COMMAND_KINDS = 12;

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1L, 0x5eedL, 20250101L, -7L})
  void applyIsDeterministic(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < CASES_PER_SEED; i++) {
      List<Command> history = history(random, i);
      String where = describe(seed, i, history);
      try {
        assertThat(replay(history)).as(where).isEqualTo(replay(history));
      } catch (RuntimeException e) {
        throw new AssertionError(where + ": " + e, e);
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1L, 0x5eedL, 20250101L, -7L})
  void invariantsHoldAfterEveryCommand(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < CASES_PER_SEED; i++) {
      List<Command> history = history(random, i);
      String where = describe(seed, i, history);
      try {
        checkInvariantsAlong(where, helpful(history));
      } catch (RuntimeException e) {
        throw new AssertionError(where + ": " + e, e);
      }
    }
  }

  /** Where in which history a check failed; formatted only when one does. */
  record At(String where, long index, Command command) {
    @Override
    public String toString() {
      return where + " at index " + index + " " + command;
    }
  }

  private static void checkInvariantsAlong(String where, List<Command> commands) {
    ClusterState s = ClusterState.EMPTY;
    long index = 0;
    for (Command c : commands) {
      ClusterState before = s;
      ApplyResult r = Transitions.apply(s, c, ++index);
      At at = new At(where, index, c);
      s = r.next();
      if (r.outcome() instanceof Outcome.Rejected) {
        assertThat(s).as("%s: rejected, yet changed the state", at).isSameAs(before);
        assertThat(Transitions.validate(before, c)).as("%s", at).isPresent();
        continue;
      }
      assertThat(Transitions.validate(before, c)).as("%s", at).isEmpty();
      ClusterState after = s;
      assertThatCode(after::checkInvariants).as("%s", at).doesNotThrowAnyException();
      for (Vip v : after.vips().values()) {
        Vip old = before.vips().get(v.name());
        Optional<NodeId> owner = v.assignment().currentOwner();
        owner.ifPresent(
            o ->
                assertThat(after.node(o).orElseThrow().status())
                    .as("%s: holder %s of %s", at, o, v.name())
                    .isEqualTo(NodeStatus.ACTIVE));
        if (old == null) {
          continue;
        }
        assertThat(v.assignment().epoch())
            .as("%s: epoch of %s", at, v.name())
            .isGreaterThanOrEqualTo(old.assignment().epoch());
        if (!old.assignment().currentOwner().equals(owner)) {
          assertThat(v.assignment().epoch())
              .as("%s: epoch of %s after it changed hands", at, v.name())
              .isEqualTo(index);
          owner.ifPresent(
              o ->
                  assertThat(Placement.isEligible(after, v.spec(), o))
                      .as("%s: new holder %s of %s is eligible", at, o, v.name())
                      .isTrue());
        }
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1L, 0x5eedL, 20250101L, -7L})
  void placementPicksAnEligibleNodeOfMaximalPriority(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < CASES_PER_SEED; i++) {
      List<Command> history = history(random, i);
      String where = describe(seed, i, history);
      try {
        checkPlacement(where, replay(helpful(history)));
      } catch (RuntimeException e) {
        throw new AssertionError(where + ": " + e, e);
      }
    }
  }

  private static void checkPlacement(String where, ClusterState s) {
    Map<NodeId, Integer> load = Placement.load(s);
    for (VipSpec spec : SPECS) {
      String at = where + " vip " + spec.name();
      Optional<NodeId> a = Placement.choose(s, spec, Set.of(), Optional.of(NODES.get(0)), load);
      Optional<NodeId> b =
          Placement.choose(s, spec, Set.of(), Optional.of(NODES.get(0)), new HashMap<>(load));
      assertThat(a).as("%s", at).isEqualTo(b);
      List<NodeId> eligible = Placement.eligibleNodes(s, spec);
      assertThat(a.isPresent())
          .as("%s: chose %s among %s", at, a, eligible)
          .isEqualTo(!eligible.isEmpty());
      a.ifPresent(
          chosen -> {
            assertThat(eligible).as("%s", at).contains(chosen);
            for (NodeId other : eligible) {
              assertThat(Placement.priority(spec, chosen))
                  .as("%s: priority of %s against %s", at, chosen, other)
                  .isGreaterThanOrEqualTo(Placement.priority(spec, other));
            }
          });
    }
  }

  /**
   * Case {@code caseNo}'s history: first each command kind alone with edge values, then 1 to 80
   * random commands (1 or 80 one time in ten each).
   */
  private static List<Command> history(SplittableRandom random, int caseNo) {
    if (caseNo < COMMAND_KINDS) {
      return List.of(command(random, caseNo, true));
    }
    int size =
        switch (random.nextInt(10)) {
          case 0 -> 1;
          case 1 -> HISTORY_SIZE_MAX;
          default -> random.nextInt(1, HISTORY_SIZE_MAX + 1);
        };
    List<Command> history = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      history.add(command(random, random.nextInt(COMMAND_KINDS), random.nextInt(10) == 0));
    }
    return history;
  }

  /** A command of {@code kind}; {@code edge}: edge epochs and absent optional values. */
  private static Command command(SplittableRandom random, int kind, boolean edge) {
    NodeId node = NODES.get(random.nextInt(NODES.size()));
    VipSpec spec = SPECS.get(random.nextInt(SPECS.size()));
    return switch (kind) {
      case 0, 1 -> new Command.JoinNode(node, raftAddress(node));
      case 2 -> new Command.CreateVip(spec);
      case 3 -> new Command.UpdateVip(spec.withPreempt(!spec.preempt()));
      case 4 -> new Command.DeleteVip(spec.name());
      case 5 -> new Command.RemoveNode(node);
      case 6 -> new Command.SetDrained(node, random.nextBoolean());
      case 7 -> new Command.ReportHealth(node, "web", random.nextBoolean());
      case 8 -> {
        Optional<NodeId> target = optionalNode(random, 0.7, edge);
        OptionalLong expected =
            !edge && random.nextDouble() < 0.5
                ? OptionalLong.of(epoch(random, false))
                : OptionalLong.empty();
        yield new Command.MoveVip(spec.name(), target, expected);
      }
      case 9 -> new Command.Release(spec.name(), epoch(random, edge), node);
      case 10 ->
          new Command.ExpireNode(node, epoch(random, edge), 1, optionalNode(random, 0.5, edge));
      default -> new Command.Assign(spec.name(), node, epoch(random, edge));
    };
  }

  private static long epoch(SplittableRandom random, boolean edge) {
    return edge
        ? EPOCH_EDGES[random.nextInt(EPOCH_EDGES.length)]
        : random.nextLong(1, EPOCH_MAX + 1);
  }

  private static Optional<NodeId> optionalNode(
      SplittableRandom random, double presence, boolean edge) {
    return !edge && random.nextDouble() < presence
        ? Optional.of(NODES.get(random.nextInt(NODES.size())))
        : Optional.empty();
  }

  private static String raftAddress(NodeId node) {
    return "10.0.0." + node.value().substring(1) + ":1";
  }

  private static String describe(long seed, int caseNo, List<Command> history) {
    return String.format("seed %d case %d (%d commands)", seed, caseNo, history.size());
  }

  /** The random history, preceded by a setup that makes many of its commands valid. */
  private static List<Command> helpful(List<Command> history) {
    List<Command> out = new ArrayList<>();
    for (NodeId n : NODES) {
      out.add(new Command.JoinNode(n, raftAddress(n)));
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
