package io.raftvip.coordinator.core;

import io.raftvip.coordinator.core.AssignmentChange.Cause;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The replicated state machine's rules: {@link #validate} (no change, for startTransaction) and
 * {@link #apply} (deterministic, at a log index). Pure: the same state, command and index give the
 * same result on every replica.
 *
 * <p>Apply re-validates because the state may have moved between a command's validation on the
 * leader and its turn in the log; a rejected command changes nothing, not even {@code
 * lastChangeIndex}. A broken invariant after a change (an epoch that does not increase, a VIP held
 * by an expired node) is a bug and throws {@link IllegalStateException}: the Ratis glue must treat
 * it as fatal, never as a rejection.
 */
public final class Transitions {

  private Transitions() {}

  /** Why {@code command} cannot apply to {@code state}, or empty when it can. */
  public static Optional<Rejection> validate(ClusterState state, Command command) {
    if (command instanceof Command.CreateVip c) {
      return validateCreate(state, c.spec());
    }
    if (command instanceof Command.UpdateVip c) {
      return validateUpdate(state, c.spec());
    }
    if (command instanceof Command.DeleteVip c) {
      return state.vip(c.vip()).isPresent()
          ? Optional.empty()
          : Optional.of(new Rejection.UnknownVip(c.vip()));
    }
    if (command instanceof Command.JoinNode c) {
      for (NodeInfo n : state.nodes().values()) {
        if (!n.id().equals(c.node()) && n.raftAddress().equals(c.raftAddress())) {
          return Optional.of(new Rejection.RaftAddressInUse(c.raftAddress(), n.id()));
        }
      }
      return Optional.empty();
    }
    if (command instanceof Command.RemoveNode c) {
      return validateRemove(state, c.node());
    }
    if (command instanceof Command.SetDrained c) {
      return knownNode(state, c.node());
    }
    if (command instanceof Command.ReportHealth c) {
      return knownNode(state, c.node());
    }
    if (command instanceof Command.MoveVip c) {
      return validateMove(state, c);
    }
    if (command instanceof Command.Release c) {
      return validateRelease(state, c);
    }
    if (command instanceof Command.ExpireNode c) {
      return validateExpire(state, c);
    }
    if (command instanceof Command.Assign c) {
      return validateAssign(state, c);
    }
    if (command instanceof Command.Bootstrap c) {
      return validateBootstrap(state, c);
    }
    throw new AssertionError("unhandled command " + command);
  }

  /**
   * Applies {@code command} at {@code logIndex}.
   *
   * @throws IllegalArgumentException if {@code logIndex} is not after the state's last change (the
   *     log is applied out of order: a bug in the caller)
   * @throws IllegalStateException if the result breaks an invariant (a bug here)
   */
  public static ApplyResult apply(ClusterState state, Command command, long logIndex) {
    if (logIndex <= state.lastChangeIndex()) {
      throw new IllegalArgumentException(
          "log index "
              + logIndex
              + " is not after the state's last change "
              + state.lastChangeIndex());
    }
    Optional<Rejection> rejection = validate(state, command);
    if (rejection.isPresent()) {
      return new ApplyResult(state, new Outcome.Rejected(rejection.get()));
    }
    Mutation m = new Mutation(state, logIndex);
    m.apply(command);
    if (!m.changed) {
      return new ApplyResult(state, new Outcome.Accepted(false, List.of()));
    }
    ClusterState next = new ClusterState(m.vips, m.nodes, logIndex, m.bootstrapped);
    next.checkInvariants();
    checkEpochsIncrease(state, next);
    return new ApplyResult(next, new Outcome.Accepted(true, m.changes));
  }

  /** Like CreateVip for each spec in turn, each against the state with the earlier ones added. */
  private static Optional<Rejection> validateBootstrap(ClusterState state, Command.Bootstrap c) {
    if (state.bootstrapped()) {
      return Optional.of(new Rejection.AlreadyBootstrapped());
    }
    TreeMap<VipName, Vip> vips = new TreeMap<>(state.vips());
    for (VipSpec spec : c.specs()) {
      ClusterState with = new ClusterState(vips, state.nodes(), state.lastChangeIndex(), false);
      Optional<Rejection> r = validateCreate(with, spec);
      if (r.isPresent()) {
        return r;
      }
      vips.put(spec.name(), new Vip(spec, new Assignment.Unowned(1)));
    }
    return Optional.empty();
  }

  private static Optional<Rejection> validateCreate(ClusterState state, VipSpec spec) {
    if (state.vip(spec.name()).isPresent()) {
      return Optional.of(new Rejection.VipExists(spec.name()));
    }
    for (Vip other : state.vips().values()) {
      if (other.spec().address().address().equals(spec.address().address())) {
        return Optional.of(new Rejection.AddressInUse(spec.address(), other.name()));
      }
      if (other.spec().sharesVirtualMacWith(spec)) {
        return Optional.of(
            new Rejection.VirtualRouterIdInUse(spec.vrid().getAsInt(), other.name()));
      }
    }
    return Optional.empty();
  }

  private static Optional<Rejection> validateUpdate(ClusterState state, VipSpec spec) {
    Optional<Vip> existing = state.vip(spec.name());
    if (existing.isEmpty()) {
      return Optional.of(new Rejection.UnknownVip(spec.name()));
    }
    VipSpec current = existing.get().spec();
    if (!current.address().equals(spec.address())) {
      return Optional.of(
          new Rejection.ImmutableField(
              spec.name(), "address", current.address().cidr(), spec.address().cidr()));
    }
    if (!current.interfaceName().equals(spec.interfaceName())) {
      return Optional.of(
          new Rejection.ImmutableField(
              spec.name(),
              "interface",
              current.interfaceName().orElse("(default)"),
              spec.interfaceName().orElse("(default)")));
    }
    if (!current.vrid().equals(spec.vrid())) {
      return Optional.of(
          new Rejection.ImmutableField(
              spec.name(), "vrid", String.valueOf(current.vrid()), String.valueOf(spec.vrid())));
    }
    return Optional.empty();
  }

  private static Optional<Rejection> knownNode(ClusterState state, NodeId node) {
    return state.node(node).isPresent()
        ? Optional.empty()
        : Optional.of(new Rejection.UnknownNode(node));
  }

  private static Optional<Rejection> validateRemove(ClusterState state, NodeId node) {
    if (state.node(node).isEmpty()) {
      return Optional.of(new Rejection.UnknownNode(node));
    }
    List<Vip> held = state.heldBy(node);
    if (!held.isEmpty()) {
      return Optional.of(new Rejection.NodeHoldsVips(node, held.stream().map(Vip::name).toList()));
    }
    return Optional.empty();
  }

  private static Optional<Rejection> validateMove(ClusterState state, Command.MoveVip c) {
    Optional<Vip> vip = state.vip(c.vip());
    if (vip.isEmpty()) {
      return Optional.of(new Rejection.UnknownVip(c.vip()));
    }
    Assignment a = vip.get().assignment();
    if (c.expectedEpoch().isPresent() && c.expectedEpoch().getAsLong() != a.epoch()) {
      return Optional.of(
          new Rejection.StaleEpoch(c.vip(), c.expectedEpoch().getAsLong(), a.epoch()));
    }
    if (a instanceof Assignment.Unowned) {
      return Optional.of(new Rejection.VipUnowned(c.vip()));
    }
    if (a instanceof Assignment.Releasing r) {
      return Optional.of(new Rejection.VipReleasing(c.vip(), r.owner()));
    }
    NodeId owner = ((Assignment.Owned) a).owner();
    VipSpec spec = vip.get().spec();
    if (c.target().isPresent()) {
      NodeId target = c.target().get();
      if (state.node(target).isEmpty()) {
        return Optional.of(new Rejection.UnknownNode(target));
      }
      if (target.equals(owner)) {
        return Optional.of(new Rejection.TargetIsOwner(c.vip(), owner));
      }
      return Placement.ineligibility(state, spec, target)
          .map(why -> new Rejection.NotEligible(c.vip(), target, why));
    }
    for (NodeId n : Placement.eligibleNodes(state, spec)) {
      if (!n.equals(owner)) {
        return Optional.empty();
      }
    }
    return Optional.of(new Rejection.NoEligibleTarget(c.vip(), owner));
  }

  private static Optional<Rejection> validateRelease(ClusterState state, Command.Release c) {
    Optional<Vip> vip = state.vip(c.vip());
    if (vip.isEmpty()) {
      return Optional.of(new Rejection.UnknownVip(c.vip()));
    }
    Assignment a = vip.get().assignment();
    if (!(a instanceof Assignment.Releasing r)) {
      return Optional.of(new Rejection.NotReleasing(c.vip(), a.state()));
    }
    if (r.epoch() != c.epoch()) {
      return Optional.of(new Rejection.StaleEpoch(c.vip(), c.epoch(), r.epoch()));
    }
    if (!r.owner().equals(c.node())) {
      return Optional.of(new Rejection.NotOwner(c.vip(), c.node(), Optional.of(r.owner())));
    }
    return Optional.empty();
  }

  private static Optional<Rejection> validateExpire(ClusterState state, Command.ExpireNode c) {
    Optional<NodeInfo> node = state.node(c.node());
    if (node.isEmpty()) {
      return Optional.of(new Rejection.UnknownNode(c.node()));
    }
    if (node.get().status() == NodeStatus.EXPIRED) {
      return Optional.of(new Rejection.NodeExpired(c.node()));
    }
    if (node.get().incarnation() != c.incarnation()) {
      return Optional.of(
          new Rejection.StaleIncarnation(c.node(), c.incarnation(), node.get().incarnation()));
    }
    return Optional.empty();
  }

  private static Optional<Rejection> validateAssign(ClusterState state, Command.Assign c) {
    Optional<Vip> vip = state.vip(c.vip());
    if (vip.isEmpty()) {
      return Optional.of(new Rejection.UnknownVip(c.vip()));
    }
    Assignment a = vip.get().assignment();
    if (a.epoch() != c.expectedEpoch()) {
      return Optional.of(new Rejection.StaleEpoch(c.vip(), c.expectedEpoch(), a.epoch()));
    }
    if (a.currentOwner().isPresent()) {
      return Optional.of(new Rejection.VipHeld(c.vip(), a.currentOwner().get()));
    }
    return Placement.ineligibility(state, vip.get().spec(), c.node())
        .map(why -> new Rejection.NotEligible(c.vip(), c.node(), why));
  }

  /**
   * Pair assertion with the fence side: a VIP's epoch never decreases, and a new holder or a newly
   * unowned VIP always comes with a strictly larger one.
   */
  private static void checkEpochsIncrease(ClusterState before, ClusterState after) {
    for (Vip v : after.vips().values()) {
      Vip old = before.vips().get(v.name());
      if (old == null) {
        continue;
      }
      Assignment a = old.assignment();
      Assignment b = v.assignment();
      boolean newTenure =
          !a.currentOwner().equals(b.currentOwner())
              || (a.state() != b.state() && b.state() != Assignment.State.RELEASING);
      if (b.epoch() < a.epoch() || (newTenure && b.epoch() <= a.epoch())) {
        throw new IllegalStateException(
            "epoch of VIP "
                + v.name()
                + " went from "
                + a.epoch()
                + " ("
                + a
                + ") to "
                + b.epoch()
                + " ("
                + b
                + ")");
      }
    }
  }

  /** The working copy for one accepted command. */
  private static final class Mutation {
    private final ClusterState before;
    private final long index;
    private final TreeMap<VipName, Vip> vips;
    private final TreeMap<NodeId, NodeInfo> nodes;
    private final List<AssignmentChange> changes = new ArrayList<>();
    private boolean changed;
    private boolean bootstrapped;

    Mutation(ClusterState before, long index) {
      this.before = before;
      this.index = index;
      this.bootstrapped = before.bootstrapped();
      this.vips = new TreeMap<>(before.vips());
      this.nodes = new TreeMap<>(before.nodes());
    }

    void apply(Command command) {
      if (!bootstrapped
          && (command instanceof Command.CreateVip
              || command instanceof Command.UpdateVip
              || command instanceof Command.DeleteVip
              || command instanceof Command.Bootstrap)) {
        // The first change to the VIP set, by config or by an admin, ends the bootstrap window.
        bootstrapped = true;
        changed = true;
      }
      if (command instanceof Command.Bootstrap c) {
        for (VipSpec spec : c.specs()) {
          vips.put(spec.name(), new Vip(spec, new Assignment.Unowned(index)));
          record(spec.name(), Optional.empty(), Optional.empty(), Cause.CREATED);
        }
      } else if (command instanceof Command.CreateVip c) {
        vips.put(c.spec().name(), new Vip(c.spec(), new Assignment.Unowned(index)));
        record(c.spec().name(), Optional.empty(), Optional.empty(), Cause.CREATED);
      } else if (command instanceof Command.UpdateVip c) {
        Vip v = vips.get(c.spec().name());
        if (!v.spec().equals(c.spec())) {
          vips.put(v.name(), v.withSpec(c.spec()));
          changed = true;
        }
      } else if (command instanceof Command.DeleteVip c) {
        delete(vips.get(c.vip()));
      } else if (command instanceof Command.JoinNode c) {
        join(c);
      } else if (command instanceof Command.RemoveNode c) {
        nodes.remove(c.node());
        changed = true;
      } else if (command instanceof Command.SetDrained c) {
        NodeInfo n = nodes.get(c.node());
        if (n.drained() != c.drained()) {
          nodes.put(n.id(), n.withDrained(c.drained()));
          changed = true;
        }
      } else if (command instanceof Command.ReportHealth c) {
        NodeInfo n = nodes.get(c.node());
        if (!Boolean.valueOf(c.healthy()).equals(n.health().get(c.check()))) {
          nodes.put(n.id(), n.withHealth(c.check(), c.healthy()));
          changed = true;
        }
      } else if (command instanceof Command.MoveVip c) {
        Vip v = vips.get(c.vip());
        Assignment.Owned owned = (Assignment.Owned) v.assignment();
        ReleaseTarget target =
            c.target()
                .<ReleaseTarget>map(ReleaseTarget.ToNode::new)
                .orElse(ReleaseTarget.PLACEMENT);
        vips.put(
            v.name(),
            v.withAssignment(new Assignment.Releasing(owned.owner(), owned.epoch(), target)));
        record(
            v.name(),
            Optional.of(owned.owner()),
            Optional.of(owned.owner()),
            Cause.RELEASE_REQUESTED);
      } else if (command instanceof Command.Release c) {
        Vip v = vips.get(c.vip());
        Assignment.Releasing r = (Assignment.Releasing) v.assignment();
        handOver(v, r.owner(), r.target(), Optional.empty(), Cause.RELEASED);
      } else if (command instanceof Command.ExpireNode c) {
        expire(c);
      } else if (command instanceof Command.Assign c) {
        Vip v = vips.get(c.vip());
        vips.put(v.name(), v.withAssignment(new Assignment.Owned(c.node(), index)));
        record(v.name(), Optional.empty(), Optional.of(c.node()), Cause.ASSIGNED);
      } else {
        throw new AssertionError("unhandled command " + command);
      }
    }

    private void delete(Vip v) {
      Assignment a = v.assignment();
      if (a instanceof Assignment.Unowned) {
        vips.remove(v.name());
        record(v.name(), Optional.empty(), Optional.empty(), Cause.DELETED);
      } else if (a instanceof Assignment.Owned o) {
        vips.put(
            v.name(),
            v.withAssignment(new Assignment.Releasing(o.owner(), o.epoch(), ReleaseTarget.DELETE)));
        record(v.name(), Optional.of(o.owner()), Optional.of(o.owner()), Cause.RELEASE_REQUESTED);
      } else {
        Assignment.Releasing r = (Assignment.Releasing) a;
        if (!(r.target() instanceof ReleaseTarget.Delete)) {
          vips.put(
              v.name(),
              v.withAssignment(
                  new Assignment.Releasing(r.owner(), r.epoch(), ReleaseTarget.DELETE)));
          record(v.name(), Optional.of(r.owner()), Optional.of(r.owner()), Cause.RELEASE_REQUESTED);
        }
      }
    }

    private void join(Command.JoinNode c) {
      NodeInfo n = nodes.get(c.node());
      if (n == null) {
        nodes.put(
            c.node(),
            new NodeInfo(
                c.node(), c.raftAddress(), new TreeMap<>(), false, NodeStatus.ACTIVE, index));
        changed = true;
      } else if (n.status() == NodeStatus.EXPIRED) {
        // A new incarnation: health reported before the expiry is stale, so it starts unhealthy
        // until the node reports again. The administrative drain flag survives.
        nodes.put(
            c.node(),
            new NodeInfo(
                c.node(), c.raftAddress(), new TreeMap<>(), n.drained(), NodeStatus.ACTIVE, index));
        changed = true;
      } else if (!n.raftAddress().equals(c.raftAddress())) {
        nodes.put(c.node(), n.withRaftAddress(c.raftAddress()));
        changed = true;
      }
    }

    private void expire(Command.ExpireNode c) {
      NodeInfo n = nodes.get(c.node());
      nodes.put(n.id(), n.expired());
      changed = true;
      for (Vip v : before.heldBy(n.id())) {
        ReleaseTarget target =
            v.assignment() instanceof Assignment.Releasing r ? r.target() : ReleaseTarget.PLACEMENT;
        handOver(v, n.id(), target, c.avoid(), Cause.OWNER_EXPIRED);
      }
    }

    /** Completes {@code v}'s tenure on {@code from}: delete, or give it to its next holder. */
    private void handOver(
        Vip v, NodeId from, ReleaseTarget target, Optional<NodeId> avoid, Cause cause) {
      if (target instanceof ReleaseTarget.Delete) {
        vips.remove(v.name());
        record(v.name(), Optional.of(from), Optional.empty(), Cause.DELETED);
        return;
      }
      ClusterState now = new ClusterState(vips, nodes, before.lastChangeIndex());
      Optional<NodeId> next = Optional.empty();
      if (target instanceof ReleaseTarget.ToNode t
          && !t.node().equals(from)
          && Placement.isEligible(now, v.spec(), t.node())) {
        next = Optional.of(t.node());
      }
      if (next.isEmpty()) {
        Map<NodeId, Integer> load = Placement.load(now);
        next = Placement.choose(now, v.spec(), Set.of(from), avoid, load);
      }
      Assignment a =
          next.<Assignment>map(n -> new Assignment.Owned(n, index))
              .orElseGet(() -> new Assignment.Unowned(index));
      vips.put(v.name(), v.withAssignment(a));
      record(v.name(), Optional.of(from), next, cause);
    }

    private void record(VipName vip, Optional<NodeId> from, Optional<NodeId> to, Cause cause) {
      changed = true;
      Vip v = vips.get(vip);
      if (v == null) {
        changes.add(new AssignmentChange(vip, from, to, index, Assignment.State.UNOWNED, cause));
      } else {
        Assignment a = v.assignment();
        changes.add(new AssignmentChange(vip, from, to, a.epoch(), a.state(), cause));
      }
    }
  }
}
