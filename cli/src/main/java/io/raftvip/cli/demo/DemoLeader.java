package io.raftvip.cli.demo;

import io.raftvip.coordinator.core.ApplyResult;
import io.raftvip.coordinator.core.Assignment;
import io.raftvip.coordinator.core.AssignmentChange;
import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.NodeInfo;
import io.raftvip.coordinator.core.Outcome;
import io.raftvip.coordinator.core.Placement;
import io.raftvip.coordinator.core.Transitions;
import io.raftvip.coordinator.core.Vip;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.coordinator.core.lease.GrantReply;
import io.raftvip.coordinator.core.lease.NodeLeases;
import io.raftvip.coordinator.core.lease.OwnedVip;
import io.raftvip.coordinator.core.lease.RenewRequest;
import io.raftvip.coordinator.core.lease.TimingSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * The role the Raft leader plays, for the demo: one process that applies {@link Command}s to the
 * core's {@link ClusterState} with {@link io.raftvip.coordinator.core.Transitions} (the log of a
 * one-member group: index after index, no replication), decides renewals with the core's {@link
 * NodeLeases}, expires a node only once {@link NodeLeases#lapsed} proves its fences closed (last
 * grant + {@link TimingSettings#expiryWaitMs()}), and places VIPs with {@link Placement}.
 *
 * <p>What it leaves out, and why that is honest: there is one leader and no election, so the leader
 * lease that the Raft glue must prove before granting is trivially held (passed as "forever"); the
 * replicated log is this object's state. A node's local apply of the committed log is emulated by
 * re-sending its latest granted request's grant with the new holdings: the core's {@code
 * OwnerLease} then takes the newer view without extending the lease (the request's send time is
 * unchanged).
 *
 * <p>Partition emulation: a node marked {@linkplain #setDeaf deaf} is one this leader cannot hear
 * or reach: its renewals, joins and releases are dropped unanswered and nothing is sent to it.
 *
 * <p>Pure: no IO, no clock, no threads; every input carries the leader's monotonic time in ms and
 * returns the lines to send. Thread-safe (synchronized): the agents' reader threads and the
 * controller tick call it concurrently.
 */
final class DemoLeader {

  /** A line to write to a node's agent. */
  record Outbound(NodeId node, String line) {}

  /**
   * Something the leader did, for the timeline.
   *
   * @param atMs leader clock (monotonic ms)
   * @param what "applied", "assigned", "release-requested", "unowned", "lapsed", "refused",
   *     "rejected", "deaf", "hears"
   * @param node the node concerned (for assignments: the holder afterwards, if any)
   * @param detail human-readable
   * @param number "lapsed": the last grant (leader ms); assignments: the epoch; "applied": the log
   *     index; else 0
   */
  record Decision(long atMs, String what, Optional<NodeId> node, String detail, long number) {}

  /** Bound on recorded decisions; grants are not recorded, so the demo stays far below. */
  static final int DECISIONS_MAX = 100_000;

  /** The term this leader writes into ExpireNode (audit only: there is one leader). */
  static final long TERM = 1;

  private final TimingSettings timing;
  private final VipSpec vip;
  private ClusterState state = ClusterState.EMPTY;
  private NodeLeases leases;
  private long index;
  private final Map<NodeId, Long> lastGrantedSentMs = new HashMap<>();
  private final Set<NodeId> deaf = new HashSet<>();
  private final List<Decision> decisions = new ArrayList<>();
  private long droppedRenewals;
  private long lastTickMs = Long.MIN_VALUE;

  DemoLeader(TimingSettings timing, VipSpec vip, long nowMs) {
    this.timing = Objects.requireNonNull(timing, "timing");
    this.vip = Objects.requireNonNull(vip, "vip");
    this.leases = NodeLeases.start(state, nowMs);
  }

  /** Rounds of {@link #warmUp}. */
  static final int WARM_UP_ROUNDS = 50;

  /**
   * Runs the leader's paths (join, grant, place, expire, move, release) on throwaway leaders, so
   * the first real expiry does not pay for class loading and the interpreter.
   */
  static void warmUp(TimingSettings timing, VipSpec vip) {
    NodeId a = NodeId.of("warm-up-a");
    NodeId b = NodeId.of("warm-up-b");
    for (int i = 0; i < WARM_UP_ROUNDS; i++) {
      long t = 1_000_000L;
      DemoLeader l = new DemoLeader(timing, vip, t);
      l.onJoin(a, "a:1", t);
      l.onJoin(b, "b:1", t);
      l.onRenew(a, t, timing.leaseDurationMs(), t);
      l.onRenew(b, t, timing.leaseDurationMs(), t);
      l.createVip(t);
      l.tick(t + 1);
      NodeId holder = l.holder().orElseThrow();
      NodeId other = holder.equals(a) ? b : a;
      l.move(other, t + 2);
      long epoch = l.assignment().orElseThrow().epoch();
      l.onRelease(holder, vip.name(), epoch, t + 3);
      l.onRenew(other, t + 4, timing.leaseDurationMs(), t + 4);
      l.tick(t + 5 + timing.expiryWaitMs());
      l.onRenew(holder, t + 6 + timing.expiryWaitMs(), timing.leaseDurationMs(), t + 6);
    }
  }

  /** A node asks to join (a new agent process, or one that was expired). */
  synchronized List<Outbound> onJoin(NodeId node, String raftAddress, long nowMs) {
    if (deaf.contains(node)) {
      return List.of();
    }
    List<Outbound> out = new ArrayList<>();
    apply(new Command.JoinNode(node, raftAddress), nowMs, out);
    return out;
  }

  /** A renewal request; the answer is a grant or a refusal, or nothing from a deaf node. */
  synchronized List<Outbound> onRenew(NodeId node, long sentAtMs, long leaseMs, long nowMs) {
    if (deaf.contains(node)) {
      droppedRenewals++;
      return List.of();
    }
    NodeLeases.Decision d =
        leases.grant(
            new RenewRequest(node, sentAtMs, leaseMs), state, nowMs, Long.MAX_VALUE, timing);
    leases = d.next();
    if (d.reply() instanceof GrantReply.Grant g) {
      lastGrantedSentMs.merge(node, sentAtMs, Math::max);
      return List.of(new Outbound(node, AgentWire.grant(g)));
    }
    GrantReply.Refusal r = (GrantReply.Refusal) d.reply();
    record(nowMs, "refused", Optional.of(node), r.reason().name(), 0);
    return List.of(new Outbound(node, AgentWire.refuse(r)));
  }

  /** The holder confirms its fence is closed and its address gone. */
  synchronized List<Outbound> onRelease(NodeId node, VipName name, long epoch, long nowMs) {
    if (deaf.contains(node)) {
      return List.of();
    }
    List<Outbound> out = new ArrayList<>();
    apply(new Command.Release(name, epoch, node), nowMs, out);
    return out;
  }

  /** Declares the demo's VIP; the next {@link #tick} places it. */
  synchronized List<Outbound> createVip(long nowMs) {
    List<Outbound> out = new ArrayList<>();
    apply(new Command.CreateVip(vip), nowMs, out);
    return out;
  }

  /** A planned move: the holder releases, then {@code target} gets the VIP at once. */
  synchronized List<Outbound> move(NodeId target, long nowMs) {
    Vip v = state.vip(vip.name()).orElseThrow(() -> new IllegalStateException("no VIP yet"));
    List<Outbound> out = new ArrayList<>();
    apply(
        new Command.MoveVip(
            vip.name(), Optional.of(target), OptionalLong.of(v.assignment().epoch())),
        nowMs,
        out);
    return out;
  }

  /**
   * The controller's periodic work: expire nodes whose leases provably lapsed (their VIPs are
   * handed over by placement in the same command), and place unowned VIPs.
   */
  synchronized List<Outbound> tick(long nowMs) {
    List<Outbound> out = new ArrayList<>();
    if (lastTickMs != Long.MIN_VALUE && nowMs - lastTickMs > 2 * timing.renewIntervalMs()) {
      // This leader was stalled (GC, a starved CPU) and could have granted nobody meanwhile:
      // restart the lease record as a new leader would, rather than expire every node for its own
      // pause. Only ever delays expiries, so it is safe (NodeLeases#restartedAt).
      leases = leases.restartedAt(nowMs);
      record(
          nowMs, "stalled", Optional.empty(), "controller idle " + (nowMs - lastTickMs) + " ms", 0);
    }
    lastTickMs = nowMs;
    for (NodeId node : leases.lapsed(nowMs, timing)) {
      long lastGrant = leases.lastGrantMs(node).orElse(nowMs);
      long incarnation = leases.incarnation(node).orElseThrow();
      leases = leases.markExpiring(node, nowMs);
      record(
          nowMs,
          "lapsed",
          Optional.of(node),
          "last grant "
              + (nowMs - lastGrant)
              + " ms ago >= expiry wait "
              + timing.expiryWaitMs()
              + " ms",
          lastGrant);
      apply(new Command.ExpireNode(node, incarnation, TERM, Optional.empty()), nowMs, out);
    }
    for (Vip v : state.vips().values()) {
      if (v.assignment() instanceof Assignment.Unowned u) {
        Optional<NodeId> to =
            Placement.choose(state, v.spec(), Set.of(), Optional.empty(), Placement.load(state));
        if (to.isPresent()) {
          apply(new Command.Assign(v.name(), to.get(), u.epoch()), nowMs, out);
        }
      }
    }
    return out;
  }

  /** Partition emulation: while deaf, this leader neither hears {@code node} nor sends to it. */
  synchronized void setDeaf(NodeId node, boolean isDeaf, long nowMs) {
    boolean changed = isDeaf ? deaf.add(node) : deaf.remove(node);
    if (changed) {
      record(
          nowMs, isDeaf ? "deaf" : "hears", Optional.of(node), isDeaf ? "renewals dropped" : "", 0);
    }
  }

  /** The VIP's holder (OWNED or RELEASING), if any. */
  synchronized Optional<NodeId> holder() {
    return state.vip(vip.name()).flatMap(v -> v.assignment().currentOwner());
  }

  /** The VIP's current assignment, if the VIP exists. */
  synchronized Optional<Assignment> assignment() {
    return state.vip(vip.name()).map(Vip::assignment);
  }

  /** Whether {@code node} is an ACTIVE member. */
  synchronized boolean isActive(NodeId node) {
    return state.node(node).map(n -> n.status().name().equals("ACTIVE")).orElse(false);
  }

  /** When this leader last granted {@code node} (leader clock ms). */
  synchronized OptionalLong lastGrantMs(NodeId node) {
    return leases.lastGrantMs(node);
  }

  synchronized long droppedRenewals() {
    return droppedRenewals;
  }

  synchronized ClusterState state() {
    return state;
  }

  synchronized List<Decision> decisions() {
    return List.copyOf(decisions);
  }

  TimingSettings timing() {
    return timing;
  }

  private void apply(Command command, long nowMs, List<Outbound> out) {
    ClusterState before = state;
    ApplyResult r = Transitions.apply(before, command, index + 1);
    if (r.outcome() instanceof Outcome.Rejected rejected) {
      record(nowMs, "rejected", Optional.empty(), describe(command) + ": " + rejected.reason(), 0);
      return;
    }
    index++;
    state = r.next();
    leases = leases.sync(state, nowMs);
    record(nowMs, "applied", Optional.empty(), "#" + index + " " + describe(command), index);
    for (AssignmentChange c : ((Outcome.Accepted) r.outcome()).assignments()) {
      String what =
          switch (c.state()) {
            case OWNED -> "assigned";
            case RELEASING -> "release-requested";
            case UNOWNED -> "unowned";
          };
      record(
          nowMs,
          what,
          c.to(),
          c.vip().value()
              + " "
              + c.from().map(NodeId::value).orElse("-")
              + " -> "
              + c.to().map(NodeId::value).orElse("-")
              + " epoch "
              + c.epoch()
              + " "
              + c.state()
              + " ("
              + c.cause()
              + ")",
          c.epoch());
    }
    // Each node applies the committed entry: the ones whose holdings changed learn it now.
    for (NodeInfo n : state.nodes().values()) {
      Map<VipName, OwnedVip> was = held(before, n.id());
      Map<VipName, OwnedVip> now = held(state, n.id());
      Long sent = lastGrantedSentMs.get(n.id());
      if (!was.equals(now) && sent != null && !deaf.contains(n.id())) {
        out.add(
            new Outbound(
                n.id(),
                AgentWire.grant(
                    new GrantReply.Grant(sent, state.lastChangeIndex(), new TreeMap<>(now)))));
      }
    }
  }

  private static Map<VipName, OwnedVip> held(ClusterState s, NodeId node) {
    TreeMap<VipName, OwnedVip> out = new TreeMap<>();
    for (Vip v : s.heldBy(node)) {
      out.put(
          v.name(),
          new OwnedVip(
              v.spec(), v.assignment().epoch(), v.assignment() instanceof Assignment.Releasing));
    }
    return out;
  }

  private static String describe(Command c) {
    if (c instanceof Command.JoinNode j) {
      return "JoinNode " + j.node();
    }
    if (c instanceof Command.CreateVip v) {
      return "CreateVip " + v.spec().name().value() + " " + v.spec().address().cidr();
    }
    if (c instanceof Command.Assign a) {
      return "Assign " + a.vip().value() + " to " + a.node();
    }
    if (c instanceof Command.ExpireNode e) {
      return "ExpireNode " + e.node() + " (incarnation " + e.incarnation() + ")";
    }
    if (c instanceof Command.MoveVip m) {
      return "MoveVip " + m.vip().value() + " to " + m.target().map(NodeId::value).orElse("best");
    }
    if (c instanceof Command.Release r) {
      return "Release " + r.vip().value() + " epoch " + r.epoch() + " by " + r.node();
    }
    return c.getClass().getSimpleName();
  }

  private void record(long atMs, String what, Optional<NodeId> node, String detail, long number) {
    if (decisions.size() < DECISIONS_MAX) {
      decisions.add(new Decision(atMs, what, node, detail, number));
    }
  }
}
