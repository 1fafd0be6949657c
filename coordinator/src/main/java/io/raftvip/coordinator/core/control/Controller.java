package io.raftvip.coordinator.core.control;

import io.raftvip.coordinator.core.Assignment;
import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.Ineligibility;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.Placement;
import io.raftvip.coordinator.core.Vip;
import io.raftvip.coordinator.core.lease.NodeLeases;
import io.raftvip.coordinator.core.lease.TimingSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The leader's decisions, run on every tick: a pure function from (applied state, lease record,
 * memory, leader clock) to commands. It never decides anything apply could not re-check; its
 * commands carry the epochs and incarnations they were decided for, so a late or repeated one is
 * rejected rather than misapplied.
 *
 * <p>The glue must run it more often than every {@link TimingSettings#renewIntervalMs()}, on the
 * thread that decides grants: a longer gap between two plans means the leader stalled, and the plan
 * then restarts every node's lease clock ({@link NodeLeases#restartedAt}) instead of expiring nodes
 * that only lapsed because nobody answered them.
 *
 * <p>Per tick, in order:
 *
 * <ol>
 *   <li>ExpireNode for every ACTIVE node whose last grant is {@link TimingSettings#expiryWaitMs()}
 *       old (the node is then marked: no more grants to it), and again for nodes marked longer than
 *       the retry interval ago that are still ACTIVE.
 *   <li>For each VIP by name: unowned → Assign to the best eligible node; held by a node that may
 *       no longer hold it (drained, unhealthy, out of the priority map) → MoveVip to the best other
 *       eligible node; preempt and a strictly higher-priority node eligible and the hold-down
 *       passed → MoveVip to it. Sticky otherwise. RELEASING and VIPs of nodes being expired wait.
 * </ol>
 */
public final class Controller {

  private final TimingSettings timing;
  private final ControllerSettings settings;
  private final NodeId leaderId;
  private final long term;

  /** A controller for leader {@code leaderId} in {@code term}. */
  public Controller(
      TimingSettings timing, ControllerSettings settings, NodeId leaderId, long term) {
    this.timing = Objects.requireNonNull(timing, "timing");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.leaderId = Objects.requireNonNull(leaderId, "leaderId");
    this.term = term;
  }

  /** The commands for this tick, and the leader's volatile state after it. */
  public Plan plan(ClusterState state, NodeLeases leases, ControllerMemory memory, long nowMs) {
    NodeLeases l = leases.sync(state, nowMs);
    if (memory.lastPlanMs() != Long.MIN_VALUE
        && nowMs - memory.lastPlanMs() > timing.renewIntervalMs()) {
      // The leader itself stalled for longer than a renewal interval: renewals went unanswered
      // because of it, not because the nodes died. Start over like a new leader.
      l = l.restartedAt(nowMs);
    }
    ControllerMemory m = memory.sync(state, nowMs);
    List<Command> out = new ArrayList<>();
    Optional<NodeId> avoid = settings.preferNonLeader() ? Optional.of(leaderId) : Optional.empty();
    long retry = settings.proposalRetryMs();
    long wake = Long.MAX_VALUE;

    List<NodeId> toExpire = new ArrayList<>(l.lapsed(nowMs, timing));
    toExpire.addAll(l.expiringLongerThan(nowMs, retry));
    for (NodeId n : toExpire) {
      if (out.size() >= settings.maxCommandsPerTick()) {
        wake = nowMs;
        break;
      }
      OptionalLong incarnation = l.incarnation(n);
      out.add(new Command.ExpireNode(n, incarnation.getAsLong(), term, avoid));
      l = l.markExpiring(n, nowMs);
      wake = Math.min(wake, nowMs + retry);
    }

    Map<NodeId, Integer> load = Placement.load(state);
    for (Vip v : state.vips().values()) {
      if (out.size() >= settings.maxCommandsPerTick()) {
        wake = nowMs;
        break;
      }
      if (m.pending(v.name(), nowMs, retry)) {
        continue;
      }
      Optional<Command> c = decide(state, l, m, v, avoid, load, nowMs);
      if (c.isPresent()) {
        out.add(c.get());
        m = m.proposed(v.name(), nowMs);
      } else if (holdDownBlocks(state, v, load, avoid, m, nowMs)) {
        wake = Math.min(wake, m.changedAtMs(v.name()) + timing.moveHoldDownMs());
      }
    }
    wake = Math.min(wake, l.nextLapseMs(timing));
    wake = Math.min(wake, m.nextRetryMs(retry));
    return new Plan(out, l, m, wake);
  }

  private Optional<Command> decide(
      ClusterState state,
      NodeLeases leases,
      ControllerMemory memory,
      Vip v,
      Optional<NodeId> avoid,
      Map<NodeId, Integer> load,
      long nowMs) {
    Assignment a = v.assignment();
    if (a instanceof Assignment.Unowned) {
      Optional<NodeId> best = Placement.choose(state, v.spec(), Set.of(), avoid, load);
      best.ifPresent(n -> load.merge(n, 1, Integer::sum));
      return best.map(n -> new Command.Assign(v.name(), n, a.epoch()));
    }
    if (!(a instanceof Assignment.Owned owned)) {
      return Optional.empty(); // RELEASING: waiting for the holder
    }
    NodeId owner = owned.owner();
    if (leases.isExpiring(owner)) {
      return Optional.empty(); // ExpireNode will reassign it
    }
    Optional<Ineligibility> why = Placement.ineligibility(state, v.spec(), owner);
    Optional<NodeId> best = Placement.choose(state, v.spec(), Set.of(owner), avoid, load);
    if (best.isEmpty()) {
      return Optional.empty();
    }
    boolean mustMove = why.isPresent();
    boolean preempts =
        v.spec().preempt()
            && Placement.priority(v.spec(), best.get()) > Placement.priority(v.spec(), owner)
            && nowMs - memory.changedAtMs(v.name()) >= timing.moveHoldDownMs();
    if (!mustMove && !preempts) {
      return Optional.empty();
    }
    load.merge(best.get(), 1, Integer::sum);
    load.merge(owner, -1, Integer::sum);
    return Optional.of(new Command.MoveVip(v.name(), best, OptionalLong.of(a.epoch())));
  }

  private boolean holdDownBlocks(
      ClusterState state,
      Vip v,
      Map<NodeId, Integer> load,
      Optional<NodeId> avoid,
      ControllerMemory memory,
      long nowMs) {
    if (!v.spec().preempt() || !(v.assignment() instanceof Assignment.Owned owned)) {
      return false;
    }
    Optional<NodeId> best = Placement.choose(state, v.spec(), Set.of(owned.owner()), avoid, load);
    return best.isPresent()
        && Placement.priority(v.spec(), best.get()) > Placement.priority(v.spec(), owned.owner())
        && nowMs - memory.changedAtMs(v.name()) < timing.moveHoldDownMs();
  }
}
