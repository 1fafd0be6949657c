package io.raftvip.coordinator.core.sim;

import io.raftvip.coordinator.core.ApplyResult;
import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.NodeInfo;
import io.raftvip.coordinator.core.NodeStatus;
import io.raftvip.coordinator.core.Outcome;
import io.raftvip.coordinator.core.Placement;
import io.raftvip.coordinator.core.Rejection;
import io.raftvip.coordinator.core.Transitions;
import io.raftvip.coordinator.core.Vip;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.coordinator.core.control.Controller;
import io.raftvip.coordinator.core.control.ControllerMemory;
import io.raftvip.coordinator.core.control.ControllerSettings;
import io.raftvip.coordinator.core.control.Plan;
import io.raftvip.coordinator.core.lease.FollowerView;
import io.raftvip.coordinator.core.lease.GrantReply;
import io.raftvip.coordinator.core.lease.LeaderLease;
import io.raftvip.coordinator.core.lease.LeaseMath;
import io.raftvip.coordinator.core.lease.LeaseWitness;
import io.raftvip.coordinator.core.lease.NodeLeases;
import io.raftvip.coordinator.core.lease.OwnerEffect;
import io.raftvip.coordinator.core.lease.OwnerLease;
import io.raftvip.coordinator.core.lease.RenewRequest;
import io.raftvip.coordinator.core.lease.TimingSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * A deterministic discrete-event simulation of a 3-node raftvip cluster: per-node drifting clocks,
 * a lossy network with delays and partitions, an abstract but faithful Raft (pre-vote and election
 * phases, Ratis' leader checks, log matching, commit by majority, slow step-down), the real pure
 * core on every node (Transitions, Controller, NodeLeases, LeaderLease, LeaseWitness, OwnerLease),
 * and a kernel model: a fence is open until its deadline converted through the node's clock plus up
 * to fencePrecisionMs, independent of the daemon (it keeps working while the daemon is paused or
 * killed; a host crash clears it).
 *
 * <p>After every event the checker asserts that no two nodes serve (fence open and address
 * configured) the same VIP; it also checks replica determinism, log matching, that epochs never
 * decrease on a fence, and that acknowledged commands stay in the log. One seed fixes everything.
 */
final class Simulation {

  static final int ADMIN = -2;
  static final String CHECK = "web";
  static final List<VipName> VIPS =
      List.of(VipName.of("vip-a"), VipName.of("vip-b"), VipName.of("vip-c"), VipName.of("vip-d"));
  static final VipName TARGET = VIPS.get(0);

  private static final int NODES = 3;
  private static final double RAFT_TICK_MS = 10;
  private static final double OWNER_TICK_MS = 20;
  private static final double HEALTH_TICK_MS = 50;
  private static final double CONTROLLER_TICK_MS = 20;
  private static final double RESUBMIT_MS = 300;

  private record Event(long timeUs, long seq, int node, int epoch, Runnable action) {}

  private final long seed;
  private final Scenario scenario;
  private final Flaw flaw;
  private final TimingSettings timing;
  private final ControllerSettings control;
  private final Random rnd;
  private final SimResult result;
  private final Timeline timeline = new Timeline(400);

  private final long warmupUs;
  private final long faultEndUs;
  private final long endUs;

  private long nowUs;
  private long seq;
  private final PriorityQueue<Event> queue =
      new PriorityQueue<>(
          (a, b) ->
              a.timeUs != b.timeUs ? Long.compare(a.timeUs, b.timeUs) : Long.compare(a.seq, b.seq));
  private final SimNode[] nodes = new SimNode[NODES];
  private final int[][] cuts = new int[NODES][NODES];
  private int degraded;
  private final List<SimEntry> committed = new ArrayList<>();
  private final List<ClusterState> reference = new ArrayList<>();
  private long nextRequestId = 1;
  private final Map<Long, Long> appendedAtUs = new HashMap<>();
  private final Map<Long, Long> acked = new HashMap<>();

  // Serving bookkeeping for the checker and the figures.
  private final boolean[][] servingNow = new boolean[NODES][VIPS.size()];
  private final long[][] passiveEnd = new long[NODES][VIPS.size()];
  private final long[][] lastEndUs = new long[NODES][VIPS.size()];
  private final long[][] lastStartUs = new long[NODES][VIPS.size()];
  private long firstAllServedAfterHealUs = -1;

  // Scenario bookkeeping.
  private int scenarioHolder = -1;
  private int trapCandidate = -1;
  private long scenarioAtUs = -1;
  private final long[] gapStartUs = new long[VIPS.size()];
  private final long[] maxGapUs = new long[VIPS.size()];

  Simulation(long seed, Scenario scenario, Flaw flaw, TimingSettings timing) {
    this.seed = seed;
    this.scenario = scenario;
    this.flaw = flaw;
    this.timing = timing;
    this.rnd = new Random(seed);
    this.result = new SimResult(seed);
    boolean preferNonLeader =
        scenario == Scenario.LEADER_PAUSES || scenario == Scenario.WITNESS_TRAP
            ? false
            : scenario != Scenario.RANDOM_FAULTS || rnd.nextBoolean();
    this.control = new ControllerSettings(preferNonLeader, 64, 500);
    if (faultScenario()) {
      warmupUs = 1_000_000;
      faultEndUs = 7_000_000;
      endUs = 12_000_000;
    } else {
      warmupUs = 3_000_000;
      faultEndUs = warmupUs;
      endUs = warmupUs + 3_000_000;
    }
  }

  SimResult run() {
    bootstrap();
    scheduleScenario();
    while (!queue.isEmpty()) {
      Event e = queue.poll();
      if (e.timeUs > endUs) {
        break;
      }
      nowUs = e.timeUs;
      if (e.node >= 0) {
        SimNode n = nodes[e.node];
        if (!n.hostUp || !n.processUp || n.processEpoch != e.epoch) {
          continue;
        }
        if (n.pausedUntilUs > nowUs) {
          queue.add(new Event(n.pausedUntilUs, seq++, e.node, e.epoch, e.action));
          continue;
        }
      }
      e.action.run();
      result.events++;
      check();
      if (!result.ok()) {
        break;
      }
    }
    finish();
    if (!result.ok()) {
      result.timeline = timeline.render(120) + "--- nodes at the end ---\n" + dump();
    }
    return result;
  }

  // ------------------------------------------------------------------ setup

  private void bootstrap() {
    List<Command> boot = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      boot.add(new Command.JoinNode(NodeId.of("n" + (i + 1)), "10.0.0." + (i + 1) + ":9000"));
    }
    for (int i = 0; i < NODES; i++) {
      boot.add(new Command.ReportHealth(NodeId.of("n" + (i + 1)), CHECK, true));
    }
    for (VipSpec spec : specs()) {
      boot.add(new Command.CreateVip(spec));
    }
    List<SimEntry> entries = new ArrayList<>();
    ClusterState state = ClusterState.EMPTY;
    for (Command c : boot) {
      SimEntry e = new SimEntry(0, c, 0, -1);
      entries.add(e);
      committed.add(e);
      state = Transitions.apply(state, c, committed.size()).next();
      reference.add(state);
    }
    for (int i = 0; i < NODES; i++) {
      SimNode n = new SimNode(i, newClock());
      n.log = LogView.of(entries);
      n.durableLength = entries.size();
      n.commitKnown = entries.size();
      n.applied = entries.size();
      n.state = state;
      n.raftEnabledAtLocalUs = Double.NEGATIVE_INFINITY;
      nodes[i] = n;
      startProcess(n);
    }
  }

  private List<VipSpec> specs() {
    NodeId n1 = NodeId.of("n1");
    NodeId n2 = NodeId.of("n2");
    NodeId n3 = NodeId.of("n3");
    return List.of(
        VipSpec.of("vip-a", "198.18.0.200/24"),
        VipSpec.of("vip-b", "198.18.0.201/24")
            .withPriorities(Map.of(n1, 200, n2, 150, n3, 100))
            .withPreempt(true),
        VipSpec.of("vip-c", "2001:db8::200/64")
            .withPriorities(Map.of(n2, 100, n3, 100))
            .withHealthChecks(Set.of(CHECK)),
        VipSpec.of("vip-d", "198.18.0.203/24").withVrid(7));
  }

  private SimClock newClock() {
    double rho = timing.driftBound();
    double pick = rnd.nextDouble();
    double rate =
        pick < 0.35 ? 1 - rho : pick < 0.7 ? 1 + rho : 1 - rho + 2 * rho * rnd.nextDouble();
    return new SimClock(rate, 1e6 + rnd.nextDouble() * 1e9);
  }

  private void startProcess(SimNode n) {
    n.processUp = true;
    n.role = SimNode.Role.FOLLOWER;
    n.leader = -1;
    n.leaderRole = null;
    n.lastHeardLocalUs = Double.NEGATIVE_INFINITY;
    n.votes.clear();
    double l = local(n);
    n.electionDeadlineLocalUs = l + randomTimeoutUs();
    long nowMs = n.clock.nowMs(nowUs);
    n.witness = LeaseWitness.start(nowMs, timing);
    n.owner = OwnerLease.start(n.id, timing);
    n.lastJoinSubmitLocalUs = Double.NEGATIVE_INFINITY;
    n.lastHealthSubmitLocalUs = Double.NEGATIVE_INFINITY;
    periodic(n, RAFT_TICK_MS, () -> raftTick(n));
    periodic(n, timing.renewIntervalMs(), () -> renewTick(n));
    periodic(n, OWNER_TICK_MS, () -> ownerStep(n, n.owner.tick(n.clock.nowMs(nowUs))));
    periodic(n, HEALTH_TICK_MS, () -> healthTick(n));
  }

  // ------------------------------------------------------------------ scheduling

  private void at(long timeUs, SimNode n, Runnable action) {
    queue.add(new Event(Math.max(timeUs, nowUs), seq++, n.index, n.processEpoch, action));
  }

  private void global(long timeUs, Runnable action) {
    queue.add(new Event(Math.max(timeUs, nowUs), seq++, -1, 0, action));
  }

  private void afterLocal(SimNode n, double localMs, Runnable action) {
    at(nowUs + n.clock.realDelayUs(localMs * 1000), n, action);
  }

  private void periodic(SimNode n, double periodMs, Runnable body) {
    double jitter = rnd.nextDouble() * periodMs;
    afterLocal(
        n,
        jitter,
        new Runnable() {
          @Override
          public void run() {
            body.run();
            afterLocal(n, periodMs, this);
          }
        });
  }

  private double local(SimNode n) {
    return n.clock.localUs(nowUs);
  }

  private double randomTimeoutUs() {
    long min = timing.rpcTimeoutMinMs();
    long max = timing.rpcTimeoutMaxMs();
    return (min + rnd.nextDouble() * (max - min)) * 1000;
  }

  private void send(SimNode from, SimNode to, Runnable deliver) {
    if (from == to) {
      at(nowUs, to, deliver);
      return;
    }
    int f = from.index;
    int t = to.index;
    if (cuts[f][t] > 0 || rnd.nextDouble() < (degraded > 0 ? 0.2 : 0.002)) {
      return;
    }
    long delay = 100 + rnd.nextInt(400);
    if (rnd.nextDouble() < (degraded > 0 ? 0.25 : 0.01)) {
      delay += 2_000 + rnd.nextInt(degraded > 0 ? 150_000 : 20_000);
    }
    queue.add(
        new Event(
            nowUs + delay,
            seq++,
            t,
            to.processEpoch,
            () -> {
              if (cuts[f][t] <= 0) {
                deliver.run();
              }
            }));
  }

  private void log(SimNode n, Supplier<String> text) {
    timeline.add(nowUs, n == null ? "-" : n.id.value(), text);
  }

  // ------------------------------------------------------------------ Raft

  private int majority() {
    return LeaseMath.majority(NODES);
  }

  private void raftTick(SimNode n) {
    if (!n.raftEnabled(nowUs)) {
      return;
    }
    double l = local(n);
    switch (n.role) {
      case LEADER -> {
        LeaderRole r = n.leaderRole;
        if (l >= r.nextLeadershipCheckLocalUs) {
          r.nextLeadershipCheckLocalUs = l + leadershipCheckPeriodUs();
          if (!hasLeadership(n, l)) {
            log(n, () -> "steps down: no majority within rpcMax");
            becomeFollower(n, n.term, -1);
          }
        }
      }
      case CANDIDATE -> {
        if (l >= n.phaseDeadlineLocalUs) {
          startPreVote(n);
        }
      }
      case FOLLOWER -> {
        if (l >= n.electionDeadlineLocalUs) {
          startPreVote(n);
        }
      }
    }
  }

  /**
   * Ratis checks leadership when its event loop is idle for rpcMax and notices a lost majority late
   * (measured 1.5-5.5 x rpcMax): check every 1-3 x rpcMax, so deposed leaders linger.
   */
  private double leadershipCheckPeriodUs() {
    return timing.rpcTimeoutMaxMs() * 1000.0 * (1 + 2 * rnd.nextDouble());
  }

  private boolean hasLeadership(SimNode n, double l) {
    LeaderRole r = n.leaderRole;
    double max = timing.rpcTimeoutMaxMs() * 1000.0;
    if (l - r.startLocalUs < max) {
      return true;
    }
    int count = 1;
    for (Map.Entry<Integer, Double> e : r.lastAckLocalUs.entrySet()) {
      if (l - e.getValue() <= max) {
        count++;
      }
    }
    return count >= majority();
  }

  private boolean protectsLeader(SimNode v, double l) {
    return v.role == SimNode.Role.FOLLOWER
        && v.leader >= 0
        && l - v.lastHeardLocalUs < timing.rpcTimeoutMinMs() * 1000.0;
  }

  private void startPreVote(SimNode c) {
    double l = local(c);
    c.role = SimNode.Role.CANDIDATE;
    c.leader = -1;
    c.leaderRole = null;
    c.preVotePhase = true;
    c.attempt++;
    c.votes.clear();
    c.votes.add(c.index);
    c.phaseDeadlineLocalUs = l + randomTimeoutUs();
    long attempt = c.attempt;
    LogView candLog = c.log;
    long preVoteTerm = c.term;
    log(c, () -> "pre-vote, term " + preVoteTerm);
    for (SimNode v : nodes) {
      if (v != c) {
        send(c, v, () -> onPreVote(v, c, attempt, candLog));
      }
    }
  }

  private void onPreVote(SimNode v, SimNode c, long attempt, LogView candLog) {
    if (!v.raftEnabled(nowUs)) {
      return;
    }
    double l = local(v);
    boolean grant = true;
    if (v.role == SimNode.Role.LEADER) {
      if (hasLeadership(v, l)) {
        grant = false;
      } else {
        log(v, () -> "steps down on pre-vote: no majority");
        becomeFollower(v, v.term, -1);
      }
    }
    if (grant && protectsLeader(v, l)) {
      grant = false;
    }
    if (grant && !candLog.atLeastAsUpToDateAs(v.log)) {
      grant = false;
    }
    boolean granted = grant;
    long term = v.term;
    if (granted) {
      log(v, () -> "grants pre-vote to " + c.id);
    }
    send(v, c, () -> onPreVoteReply(c, v.index, attempt, term, granted));
  }

  private void onPreVoteReply(SimNode c, int from, long attempt, long term, boolean granted) {
    if (term > c.term) {
      becomeFollower(c, term, -1);
      return;
    }
    if (c.role != SimNode.Role.CANDIDATE || !c.preVotePhase || attempt != c.attempt) {
      return;
    }
    if (granted) {
      c.votes.add(from);
      if (c.votes.size() >= majority()) {
        if (scenario == Scenario.WITNESS_TRAP && c.index == trapCandidate) {
          // The candidate stalls (GC, scheduling) between its two phases.
          long d = 20_000 + rnd.nextInt(180_000);
          c.pausedUntilUs = Math.max(c.pausedUntilUs, nowUs + d);
          long a = c.attempt;
          log(c, () -> "stalls " + d / 1000 + " ms after its pre-vote passed");
          at(
              nowUs,
              c,
              () -> {
                if (c.role == SimNode.Role.CANDIDATE && c.preVotePhase && c.attempt == a) {
                  startElection(c);
                }
              });
          return;
        }
        startElection(c);
      }
    }
  }

  private void startElection(SimNode c) {
    double l = local(c);
    c.preVotePhase = false;
    c.term++;
    c.votedFor = c.index;
    c.votes.clear();
    c.votes.add(c.index);
    c.phaseDeadlineLocalUs = l + randomTimeoutUs();
    long attempt = c.attempt;
    long term = c.term;
    LogView candLog = c.log;
    log(c, () -> "election, term " + term);
    for (SimNode v : nodes) {
      if (v != c) {
        send(c, v, () -> onVote(v, c, attempt, term, candLog));
      }
    }
  }

  private void onVote(SimNode v, SimNode c, long attempt, long term, LogView candLog) {
    if (!v.raftEnabled(nowUs)) {
      return;
    }
    double l = local(v);
    boolean grant;
    if (term < v.term) {
      grant = false;
    } else {
      boolean leaderCheck = term == v.term;
      if (term > v.term) {
        becomeFollower(v, term, -1);
      }
      grant = (v.votedFor == -1 || v.votedFor == c.index) && candLog.atLeastAsUpToDateAs(v.log);
      if (leaderCheck
          && ((v.role == SimNode.Role.LEADER && hasLeadership(v, l)) || protectsLeader(v, l))) {
        grant = false;
      }
      if (grant) {
        v.votedFor = c.index;
        v.electionDeadlineLocalUs = l + randomTimeoutUs();
        log(v, () -> "votes for " + c.id + " in term " + term);
      }
    }
    boolean granted = grant;
    long replyTerm = v.term;
    send(v, c, () -> onVoteReply(c, v.index, attempt, replyTerm, granted));
  }

  private void onVoteReply(SimNode c, int from, long attempt, long term, boolean granted) {
    if (term > c.term) {
      becomeFollower(c, term, -1);
      return;
    }
    if (c.role != SimNode.Role.CANDIDATE
        || c.preVotePhase
        || attempt != c.attempt
        || term != c.term) {
      return;
    }
    if (granted) {
      c.votes.add(from);
      if (c.votes.size() >= majority()) {
        becomeLeader(c);
      }
    }
  }

  private void becomeFollower(SimNode n, long term, int leader) {
    if (n.role == SimNode.Role.LEADER) {
      long oldTerm = n.term;
      log(n, () -> "is no longer leader of term " + oldTerm);
    }
    n.leaderRole = null;
    n.role = SimNode.Role.FOLLOWER;
    if (term > n.term) {
      n.term = term;
      n.votedFor = -1;
    }
    n.leader = leader;
    n.electionDeadlineLocalUs = local(n) + randomTimeoutUs();
  }

  private void becomeLeader(SimNode c) {
    double l = local(c);
    c.role = SimNode.Role.LEADER;
    c.leader = c.index;
    LeaderRole r = new LeaderRole(c.term, l);
    r.nextLeadershipCheckLocalUs = l + leadershipCheckPeriodUs();
    c.leaderRole = r;
    Set<NodeId> followers = new TreeSet<>();
    for (SimNode f : nodes) {
      if (f != c) {
        r.match.put(f.index, 0L);
        r.lastAckLocalUs.put(f.index, l);
        followers.add(f.id);
      }
    }
    r.lease = LeaderLease.start(followers);
    r.commitIndex = c.commitKnown;
    c.log = c.log.append(new SimEntry(c.term, null, 0, -1));
    c.durableLength = c.log.length();
    r.startupIndex = c.log.length();
    result.elections++;
    log(c, () -> "LEADER of term " + r.term);
    broadcastAppend(c);
    leaderTimer(c, r, timing.rpcTimeoutMinMs() / 2.0, () -> broadcastAppend(c));
    leaderTimer(c, r, timing.leaderLeasePingMs(), () -> ping(c, r));
    leaderTimer(c, r, CONTROLLER_TICK_MS, () -> runController(c));
  }

  private void leaderTimer(SimNode n, LeaderRole r, double periodMs, Runnable body) {
    afterLocal(
        n,
        periodMs,
        new Runnable() {
          @Override
          public void run() {
            if (n.leaderRole != r) {
              return;
            }
            body.run();
            if (n.leaderRole == r) {
              afterLocal(n, periodMs, this);
            }
          }
        });
  }

  private void broadcastAppend(SimNode leader) {
    LeaderRole r = leader.leaderRole;
    LogView snapshot = leader.log;
    long commit = r.commitIndex;
    long term = r.term;
    for (SimNode f : nodes) {
      if (f != leader) {
        send(leader, f, () -> onAppend(f, leader, term, snapshot, commit));
      }
    }
  }

  private void onAppend(SimNode f, SimNode leader, long term, LogView leaderLog, long commit) {
    if (!f.raftEnabled(nowUs)) {
      return;
    }
    if (term < f.term) {
      long myTerm = f.term;
      send(f, leader, () -> onAppendReply(leader, f.index, myTerm, 0));
      return;
    }
    if (term > f.term || f.role != SimNode.Role.FOLLOWER || f.leader != leader.index) {
      becomeFollower(f, term, leader.index);
    }
    double l = local(f);
    f.lastHeardLocalUs = l;
    f.electionDeadlineLocalUs = l + randomTimeoutUs();
    boolean grew = false;
    if (!leaderLog.isPrefixOf(f.log)) {
      for (long i = 1; i <= f.applied; i++) {
        if (i > leaderLog.length() || leaderLog.get(i) != committed.get((int) i - 1)) {
          throw new AssertionError(
              "Raft model broken: "
                  + f.id
                  + " would lose committed entry "
                  + i
                  + " (seed "
                  + seed
                  + ")");
        }
      }
      f.durableLength = Math.min(f.durableLength, commonPrefix(f.log, leaderLog));
      f.log = leaderLog;
      grew = true;
    }
    f.commitKnown = Math.max(f.commitKnown, Math.min(commit, leaderLog.length()));
    applyCommitted(f);
    if (grew) {
      // An acknowledgement promises durability: only after the fsync of what was received.
      LogView received = leaderLog;
      afterLocal(
          f,
          3 + rnd.nextDouble() * 9,
          () -> {
            if (received.isPrefixOf(f.log)) {
              f.durableLength = Math.max(f.durableLength, received.length());
            }
            long durable = Math.min(received.length(), f.durableLength);
            send(f, leader, () -> onAppendReply(leader, f.index, term, durable));
          });
    } else {
      long durable = Math.min(leaderLog.length(), f.durableLength);
      send(f, leader, () -> onAppendReply(leader, f.index, term, durable));
    }
  }

  private static long commonPrefix(LogView a, LogView b) {
    long n = Math.min(a.length(), b.length());
    for (long i = 1; i <= n; i++) {
      if (a.get(i) != b.get(i)) {
        return i - 1;
      }
    }
    return n;
  }

  private void onAppendReply(SimNode leader, int from, long term, long match) {
    if (term > leader.term) {
      becomeFollower(leader, term, -1);
      return;
    }
    LeaderRole r = leader.leaderRole;
    if (r == null || r.term != term) {
      return;
    }
    r.lastAckLocalUs.put(from, local(leader));
    if (match > r.match.get(from)) {
      r.match.put(from, match);
      advanceCommit(leader);
    }
  }

  private void advanceCommit(SimNode leader) {
    LeaderRole r = leader.leaderRole;
    for (long idx = leader.log.length(); idx > r.commitIndex; idx--) {
      if (leader.log.get(idx).term() != r.term) {
        break;
      }
      int count = 1;
      for (long m : r.match.values()) {
        if (m >= idx) {
          count++;
        }
      }
      if (count >= majority()) {
        commit(leader, idx);
        return;
      }
    }
  }

  private void commit(SimNode leader, long upTo) {
    LeaderRole r = leader.leaderRole;
    for (long i = r.commitIndex + 1; i <= upTo; i++) {
      SimEntry e = leader.log.get(i);
      if (i <= committed.size()) {
        if (committed.get((int) i - 1) != e) {
          throw new AssertionError(
              "Raft model broken: index "
                  + i
                  + " committed twice with"
                  + " different entries (seed "
                  + seed
                  + ")");
        }
      } else {
        committed.add(e);
        result.commits++;
        Long appended = appendedAtUs.remove(e.requestId());
        if (appended != null) {
          result.commitLatencyMs.add((nowUs - appended) / 1000.0);
        }
        if (e.command() != null) {
          long index = i;
          log(leader, () -> "commits " + index + ": " + e.command());
        }
      }
    }
    r.commitIndex = upTo;
    leader.commitKnown = Math.max(leader.commitKnown, upTo);
    applyCommitted(leader);
    if (leader.leaderRole == r) {
      broadcastAppend(leader);
    }
  }

  private void applyCommitted(SimNode n) {
    boolean changed = false;
    while (n.applied < n.commitKnown) {
      long i = n.applied + 1;
      SimEntry e = committed.get((int) i - 1);
      if (n.log.length() < i || n.log.get(i) != e) {
        throw new AssertionError(
            "Raft model broken: " + n.id + " applies " + i + " not in its log (seed " + seed + ")");
      }
      if (e.command() != null) {
        ApplyResult res = Transitions.apply(n.state, e.command(), i);
        n.state = res.next();
        if (n.leaderRole != null && e.origin() != -1 && e.term() == n.leaderRole.term) {
          replyToSubmitter(n, e, i, res.outcome());
        }
      }
      n.applied = i;
      checkReference(n, i);
      changed = true;
    }
    if (!changed) {
      return;
    }
    ownerStep(n, n.owner.stateApplied(n.state, n.clock.nowMs(nowUs)));
    LeaderRole r = n.leaderRole;
    if (r != null && !r.ready && n.applied >= r.startupIndex) {
      becomeReady(n);
    } else if (r != null && r.ready) {
      runController(n);
    }
  }

  private void checkReference(SimNode n, long index) {
    if (reference.size() < index) {
      ClusterState prev = reference.get(reference.size() - 1);
      for (Vip v : n.state.vips().values()) {
        Vip old = prev.vips().get(v.name());
        if (old != null && v.assignment().epoch() < old.assignment().epoch()) {
          violation("epoch of " + v.name() + " decreased at index " + index);
        }
      }
      reference.add(n.state);
    } else if (!reference.get((int) index - 1).equals(n.state)) {
      violation("replica " + n.id + " diverged at index " + index);
    }
  }

  private void becomeReady(SimNode n) {
    LeaderRole r = n.leaderRole;
    r.ready = true;
    r.readyAtUs = nowUs;
    long nowMs = n.clock.nowMs(nowUs);
    r.leases = NodeLeases.start(n.state, nowMs);
    r.memory = ControllerMemory.empty();
    r.controller = new Controller(timing, control, n.id, r.term);
    log(n, () -> "leader ready, term " + r.term);
    runController(n);
  }

  private void runController(SimNode n) {
    LeaderRole r = n.leaderRole;
    if (r == null || !r.ready) {
      return;
    }
    Plan p = r.controller.plan(n.state, r.leases, r.memory, n.clock.nowMs(nowUs));
    r.leases = p.leases();
    r.memory = p.memory();
    for (Command c : p.commands()) {
      leaderSubmit(n, c, nextRequestId++, -1);
    }
    if (p.wakeAtMs() != Long.MAX_VALUE) {
      long wakeUs = n.clock.realUsAtLocalMs(p.wakeAtMs());
      if (wakeUs > nowUs && wakeUs < nowUs + n.clock.realDelayUs(CONTROLLER_TICK_MS * 1000)) {
        at(
            wakeUs,
            n,
            () -> {
              if (n.leaderRole == r) {
                runController(n);
              }
            });
      }
    }
  }

  private void leaderSubmit(SimNode n, Command c, long requestId, int origin) {
    LeaderRole r = n.leaderRole;
    Optional<Rejection> rejection = Transitions.validate(n.state, c);
    if (rejection.isPresent()) {
      return;
    }
    SimEntry e = new SimEntry(r.term, c, requestId, origin);
    n.log = n.log.append(e);
    n.durableLength = n.log.length();
    appendedAtUs.put(requestId, nowUs);
    broadcastAppend(n);
  }

  private void replyToSubmitter(SimNode leader, SimEntry e, long index, Outcome outcome) {
    if (!(outcome instanceof Outcome.Accepted)) {
      return;
    }
    if (e.origin() == ADMIN) {
      acked.put(e.requestId(), index);
      return;
    }
    SimNode origin = nodes[e.origin()];
    send(leader, origin, () -> acked.put(e.requestId(), index));
  }

  private void nodeSubmit(SimNode n, Command c) {
    if (n.leader < 0) {
      return;
    }
    SimNode leader = nodes[n.leader];
    long id = nextRequestId++;
    send(n, leader, () -> onSubmit(leader, c, id, n.index));
  }

  private void onSubmit(SimNode leader, Command c, long requestId, int origin) {
    if (leader.leaderRole != null && leader.leaderRole.ready) {
      leaderSubmit(leader, c, requestId, origin);
    }
  }

  // ------------------------------------------------------------------ leases

  private void ping(SimNode leader, LeaderRole r) {
    long sentMs = leader.clock.nowMs(nowUs);
    for (SimNode f : nodes) {
      if (f != leader) {
        send(leader, f, () -> onPing(f, leader, r.term, sentMs));
      }
    }
  }

  private void onPing(SimNode f, SimNode leader, long term, long sentMs) {
    if (!f.raftEnabled(nowUs)) {
      return;
    }
    boolean following = f.role == SimNode.Role.FOLLOWER && f.leader >= 0;
    FollowerView view =
        following
            ? new FollowerView(
                Optional.of(nodes[f.leader].id),
                f.term,
                (long) Math.floor(f.lastHeardLocalUs / 1000.0))
            : FollowerView.none(f.term);
    long nowMs = f.clock.nowMsCeil(nowUs);
    OptionalLong elapsed;
    if (flaw == Flaw.NAIVE_WITNESS) {
      boolean follows = following && f.leader == leader.index && f.term == term;
      elapsed = follows ? OptionalLong.of(nowMs - view.lastHeardMs()) : OptionalLong.empty();
    } else {
      LeaseWitness.Answer a = f.witness.onPing(leader.id, term, view, nowMs, timing);
      f.witness = a.next();
      elapsed = a.elapsedSinceHeardMs();
    }
    if (elapsed.isPresent()) {
      long e = elapsed.getAsLong();
      send(f, leader, () -> onPingAck(leader, f, term, sentMs, e));
    }
  }

  private void onPingAck(SimNode leader, SimNode f, long term, long sentMs, long elapsedMs) {
    LeaderRole r = leader.leaderRole;
    if (r != null && r.term == term) {
      r.lease = r.lease.acknowledged(f.id, sentMs, elapsedMs, timing);
    }
  }

  private void renewTick(SimNode n) {
    if (n.leader < 0) {
      return;
    }
    OwnerLease.Renewal renewal = n.owner.renewalSent(n.clock.nowMs(nowUs));
    n.owner = renewal.next();
    SimNode leader = nodes[n.leader];
    RenewRequest request = renewal.request();
    send(n, leader, () -> onRenew(leader, n, request));
    if (scenario == Scenario.HOLDER_PAUSES
        && nowUs >= warmupUs
        && nowUs < faultEndUs
        && n != leader
        && !n.owner.servingEpochs().isEmpty()
        && rnd.nextDouble() < 0.02) {
      long d = 250_000 + rnd.nextInt(350_000);
      n.pausedUntilUs = Math.max(n.pausedUntilUs, nowUs + d);
      log(n, () -> "PAUSED for " + d / 1000 + " ms right after sending a renewal");
    }
  }

  private void onRenew(SimNode leader, SimNode from, RenewRequest request) {
    LeaderRole r = leader.leaderRole;
    if (r == null || !r.ready) {
      return;
    }
    long nowMs = leader.clock.nowMs(nowUs);
    long leaseEnd = flaw == Flaw.NO_LEADER_LEASE ? Long.MAX_VALUE : r.lease.endMs();
    long grantMs = nowMs;
    if (flaw == Flaw.SHORT_EXPIRY_WAIT) {
      // The leader behaves as if it had granted (expiryWait - lease/2) earlier: it expires the
      // node only lease/2 after the real grant.
      grantMs = nowMs - (timing.expiryWaitMs() - timing.leaseDurationMs() / 2);
    }
    NodeLeases.Decision d = r.leases.grant(request, leader.state, grantMs, leaseEnd, timing);
    r.leases = d.next();
    GrantReply reply = d.reply();
    send(leader, from, () -> onGrantReply(from, reply));
  }

  private void onGrantReply(SimNode n, GrantReply reply) {
    long nowMs = n.clock.nowMs(nowUs);
    if (reply instanceof GrantReply.Grant g) {
      GrantReply.Grant grant = g;
      if (flaw == Flaw.OWNER_DEADLINE_FROM_RECEIVE) {
        n.owner = n.owner.renewalSent(nowMs).next();
        grant = new GrantReply.Grant(nowMs, g.asOfIndex(), g.held());
      }
      ownerStep(n, n.owner.grantReceived(grant, nowMs));
    } else {
      GrantReply.Refusal refusal = (GrantReply.Refusal) reply;
      if (refusal.reason() == GrantReply.Reason.NODE_EXPIRED
          || refusal.reason() == GrantReply.Reason.UNKNOWN_NODE) {
        maybeJoin(n);
      }
    }
  }

  private void ownerStep(SimNode n, OwnerLease.Step step) {
    n.owner = step.next();
    for (OwnerEffect e : step.effects()) {
      execute(n, e);
    }
  }

  private void execute(SimNode n, OwnerEffect effect) {
    VipName vip = effect.vip();
    long nowMs = n.clock.nowMs(nowUs);
    if (effect instanceof OwnerEffect.ArmFence a) {
      if (a.deadlineMs() <= nowMs) {
        n.fenceCloseUs.put(vip, nowUs);
        return;
      }
      Long before = n.armedEpoch.get(vip);
      if (before != null && before > a.epoch()) {
        violation(n.id + " armed " + vip + " under epoch " + a.epoch() + " after " + before);
      }
      n.armedEpoch.put(vip, a.epoch());
      double lateMs = rnd.nextDouble() * timing.fencePrecisionMs();
      n.fenceCloseUs.put(vip, n.clock.realUsAtLocalMs(a.deadlineMs() + lateMs));
      log(n, () -> "arms " + vip + "@" + a.epoch() + " until " + a.deadlineMs());
    } else if (effect instanceof OwnerEffect.CloseFence) {
      if (n.fenceCloseUs.containsKey(vip)) {
        n.fenceCloseUs.put(vip, Math.min(n.fenceCloseUs.get(vip), nowUs));
      }
      log(n, () -> "closes " + vip);
    } else if (effect instanceof OwnerEffect.AddAddress a) {
      n.addressUntilUs.put(vip, n.clock.realUsAtLocalMs(nowMs + a.validLifetimeSec() * 1000.0));
      log(n, () -> "adds " + vip + "@" + a.epoch());
    } else if (effect instanceof OwnerEffect.RefreshAddress a) {
      if (n.addressUntilUs.containsKey(vip)) {
        n.addressUntilUs.put(vip, n.clock.realUsAtLocalMs(nowMs + a.validLifetimeSec() * 1000.0));
      }
    } else if (effect instanceof OwnerEffect.RemoveAddress) {
      n.addressUntilUs.remove(vip);
      log(n, () -> "removes " + vip);
    } else if (effect instanceof OwnerEffect.CommitRelease c) {
      log(n, () -> "releases " + vip + "@" + c.epoch());
      nodeSubmit(n, new Command.Release(vip, c.epoch(), n.id));
    }
  }

  private void healthTick(SimNode n) {
    if (n.leader < 0) {
      return;
    }
    double l = local(n);
    NodeInfo me = n.state.nodes().get(n.id);
    if (me == null || me.status() == NodeStatus.EXPIRED) {
      maybeJoin(n);
      return;
    }
    if (!Boolean.valueOf(n.healthy).equals(me.health().get(CHECK))
        && l - n.lastHealthSubmitLocalUs >= RESUBMIT_MS * 1000) {
      n.lastHealthSubmitLocalUs = l;
      nodeSubmit(n, new Command.ReportHealth(n.id, CHECK, n.healthy));
    }
  }

  private void maybeJoin(SimNode n) {
    double l = local(n);
    if (l - n.lastJoinSubmitLocalUs >= RESUBMIT_MS * 1000) {
      n.lastJoinSubmitLocalUs = l;
      nodeSubmit(n, new Command.JoinNode(n.id, "10.0.0." + (n.index + 1) + ":9000"));
    }
  }

  // ------------------------------------------------------------------ faults

  private void scheduleScenario() {
    switch (scenario) {
      case RANDOM_FAULTS -> {
        global(warmupUs, this::randomFault);
        global(faultEndUs, this::heal);
      }
      case LEADER_PAUSES -> {
        degraded = 1;
        global(warmupUs, this::pauseLeader);
        global(faultEndUs, this::heal);
      }
      case WITNESS_TRAP -> {
        global(warmupUs, this::witnessTrap);
        global(faultEndUs, this::heal);
      }
      case HOLDER_PAUSES -> global(faultEndUs, this::heal);
      case HOLDER_HOST_CRASH, HOLDER_DAEMON_KILL ->
          global(
              warmupUs,
              () -> {
                int holder = servingNode(TARGET);
                SimNode leader = currentLeader();
                if (holder < 0 || leader == null || leader.index == holder) {
                  return;
                }
                scenarioHolder = holder;
                scenarioAtUs = nowUs;
                if (scenario == Scenario.HOLDER_HOST_CRASH) {
                  crashHost(nodes[holder], Long.MAX_VALUE);
                } else {
                  killProcess(nodes[holder], Long.MAX_VALUE);
                }
              });
      case PLANNED_MOVE ->
          global(
              warmupUs,
              () -> {
                int holder = servingNode(TARGET);
                if (holder < 0) {
                  return;
                }
                scenarioHolder = holder;
                scenarioAtUs = nowUs;
                adminSubmit(new Command.MoveVip(TARGET, Optional.empty(), OptionalLong.empty()), 0);
              });
      case LEADER_HOST_CRASH ->
          global(
              warmupUs,
              () -> {
                SimNode leader = currentLeader();
                if (leader == null || !leader.state.heldBy(leader.id).isEmpty()) {
                  return;
                }
                for (int v = 0; v < VIPS.size(); v++) {
                  if (servingNode(VIPS.get(v)) < 0) {
                    return;
                  }
                }
                scenarioHolder = leader.index;
                scenarioAtUs = nowUs;
                crashHost(leader, Long.MAX_VALUE);
              });
    }
  }

  private SimNode currentLeader() {
    SimNode best = null;
    for (SimNode n : nodes) {
      if (n.hostUp
          && n.processUp
          && n.leaderRole != null
          && n.leaderRole.ready
          && (best == null || n.term > best.term)) {
        best = n;
      }
    }
    return best;
  }

  private int servingNode(VipName vip) {
    for (SimNode n : nodes) {
      if (n.serving(vip, nowUs)) {
        return n.index;
      }
    }
    return -1;
  }

  private SimNode pickTarget() {
    double p = rnd.nextDouble();
    SimNode leader = currentLeader();
    if (p < 0.4 && leader != null) {
      return leader;
    }
    if (p < 0.8) {
      int holder = servingNode(VIPS.get(rnd.nextInt(VIPS.size())));
      if (holder >= 0) {
        return nodes[holder];
      }
    }
    return nodes[rnd.nextInt(NODES)];
  }

  private void randomFault() {
    if (nowUs >= faultEndUs - 1) {
      return;
    }
    SimNode x = pickTarget();
    double p = rnd.nextDouble();
    if (p < 0.12) {
      killProcess(x, 50_000 + rnd.nextInt(1_500_000));
    } else if (p < 0.18) {
      crashHost(x, 300_000 + rnd.nextInt(1_700_000));
    } else if (p < 0.36) {
      long d = 50_000 + rnd.nextInt(1_200_000);
      x.pausedUntilUs = Math.max(x.pausedUntilUs, nowUs + d);
      log(x, () -> "PAUSED for " + d / 1000 + " ms");
    } else if (p < 0.52) {
      partition(x);
    } else if (p < 0.60) {
      long d = 200_000 + rnd.nextInt(1_300_000);
      degraded++;
      log(null, () -> "network degraded for " + d / 1000 + " ms");
      global(nowUs + d, () -> degraded = Math.max(0, degraded - 1));
    } else if (p < 0.70) {
      Optional<NodeId> target =
          rnd.nextBoolean() ? Optional.empty() : Optional.of(nodes[rnd.nextInt(NODES)].id);
      VipName vip = VIPS.get(rnd.nextInt(VIPS.size()));
      adminSubmit(new Command.MoveVip(vip, target, OptionalLong.empty()), 0);
    } else if (p < 0.77) {
      SimNode d = nodes[rnd.nextInt(NODES)];
      adminSubmit(new Command.SetDrained(d.id, true), 0);
      global(
          nowUs + 500_000 + rnd.nextInt(1_500_000),
          () -> adminSubmit(new Command.SetDrained(d.id, false), 0));
    } else if (p < 0.87) {
      SimNode h = nodes[rnd.nextInt(NODES)];
      h.healthy = false;
      log(h, () -> "health check fails");
      global(nowUs + 100_000 + rnd.nextInt(1_400_000), () -> h.healthy = true);
    } else if (p < 0.93) {
      VipSpec b = specs().get(1);
      adminSubmit(new Command.UpdateVip(b.withPreempt(rnd.nextBoolean())), 0);
    } else {
      VipSpec d = specs().get(3);
      adminSubmit(
          rnd.nextBoolean() ? new Command.DeleteVip(d.name()) : new Command.CreateVip(d), 0);
    }
    global(nowUs + 100_000 + rnd.nextInt(500_000), this::randomFault);
  }

  private void witnessTrap() {
    if (nowUs >= faultEndUs - 1) {
      return;
    }
    SimNode leader = currentLeader();
    if (leader != null) {
      SimNode c = nodes[(leader.index + 1 + rnd.nextInt(NODES - 1)) % NODES];
      trapCandidate = c.index;
      cuts[leader.index][c.index]++;
      cuts[c.index][leader.index]++;
      log(leader, () -> "PARTITIONED from " + c.id);
      global(
          nowUs + 1_500_000,
          () -> {
            cuts[leader.index][c.index] = Math.max(0, cuts[leader.index][c.index] - 1);
            cuts[c.index][leader.index] = Math.max(0, cuts[c.index][leader.index] - 1);
          });
      long pauseAt = nowUs + 20_000 + rnd.nextInt(130_000);
      global(
          pauseAt,
          () -> {
            long d = 150_000 + rnd.nextInt(170_000);
            leader.pausedUntilUs = Math.max(leader.pausedUntilUs, nowUs + d);
            log(leader, () -> "PAUSED for " + d / 1000 + " ms");
          });
    }
    global(nowUs + 1_800_000 + rnd.nextInt(400_000), this::witnessTrap);
  }

  private void pauseLeader() {
    if (nowUs >= faultEndUs - 1) {
      return;
    }
    SimNode leader = currentLeader();
    if (leader != null) {
      long d = 100_000 + rnd.nextInt(350_000);
      leader.pausedUntilUs = Math.max(leader.pausedUntilUs, nowUs + d);
      log(leader, () -> "PAUSED for " + d / 1000 + " ms");
    }
    global(nowUs + 300_000 + rnd.nextInt(700_000), this::pauseLeader);
  }

  private void partition(SimNode x) {
    long d = 100_000 + rnd.nextInt(1_900_000);
    List<int[]> pairs = new ArrayList<>();
    double kind = rnd.nextDouble();
    for (SimNode o : nodes) {
      if (o == x) {
        continue;
      }
      if (kind < 0.5) {
        pairs.add(new int[] {x.index, o.index});
        pairs.add(new int[] {o.index, x.index});
      } else if (kind < 0.8) {
        pairs.add(new int[] {x.index, o.index});
        pairs.add(new int[] {o.index, x.index});
        break; // one link only: an asymmetric view of the cluster
      } else {
        pairs.add(rnd.nextBoolean() ? new int[] {x.index, o.index} : new int[] {o.index, x.index});
        break; // one direction of one link
      }
    }
    for (int[] p : pairs) {
      cuts[p[0]][p[1]]++;
    }
    log(x, () -> "PARTITIONED (" + pairs.size() + " directed links) for " + d / 1000 + " ms");
    global(
        nowUs + d,
        () -> {
          for (int[] p : pairs) {
            cuts[p[0]][p[1]] = Math.max(0, cuts[p[0]][p[1]] - 1);
          }
        });
  }

  private void killProcess(SimNode n, long restartAfterUs) {
    if (!n.processUp) {
      return;
    }
    n.processUp = false;
    n.processEpoch++;
    n.leaderRole = null;
    n.role = SimNode.Role.FOLLOWER;
    log(n, () -> "daemon KILLED");
    if (restartAfterUs != Long.MAX_VALUE) {
      global(nowUs + restartAfterUs, () -> restartProcess(n));
    }
  }

  private void crashHost(SimNode n, long restartAfterUs) {
    if (!n.hostUp) {
      return;
    }
    killProcess(n, Long.MAX_VALUE);
    n.hostUp = false;
    n.fenceCloseUs.clear();
    n.addressUntilUs.clear();
    n.armedEpoch.clear();
    log(n, () -> "host CRASHED");
    if (restartAfterUs != Long.MAX_VALUE) {
      global(nowUs + restartAfterUs, () -> restartHost(n));
    }
  }

  private void restartHost(SimNode n) {
    if (n.hostUp) {
      return;
    }
    n.hostUp = true;
    n.clock = new SimClock(n.clock.rate(), 1e6 + rnd.nextDouble() * 1e9);
    log(n, () -> "host boots");
    restartProcess(n);
  }

  private void restartProcess(SimNode n) {
    if (n.processUp || !n.hostUp) {
      return;
    }
    n.processEpoch++;
    n.pausedUntilUs = 0;
    if (rnd.nextBoolean()) {
      // The shell flushes what an earlier process left; half the time it does not, which must be
      // safe too (leftovers are covered by the earlier process's lease).
      for (VipName v : new ArrayList<>(n.fenceCloseUs.keySet())) {
        n.fenceCloseUs.put(v, Math.min(n.fenceCloseUs.get(v), nowUs));
      }
      n.addressUntilUs.clear();
    }
    // The Raft server starts rpcMin after the process (docs/safety.md): a vote the dead process
    // promised to withhold stays withheld.
    n.raftEnabledAtLocalUs = local(n) + timing.rpcTimeoutMinMs() * 1000.0;
    log(n, () -> "daemon starts");
    startProcess(n);
  }

  private void adminSubmit(Command c, int attempt) {
    SimNode leader = currentLeader();
    if (leader == null || leader.pausedUntilUs > nowUs) {
      if (attempt < 30) {
        global(nowUs + 100_000, () -> adminSubmit(c, attempt + 1));
      }
      return;
    }
    long id = nextRequestId++;
    log(null, () -> "admin submits " + c);
    at(nowUs + 300 + rnd.nextInt(700), leader, () -> onSubmit(leader, c, id, ADMIN));
  }

  private void heal() {
    log(null, () -> "HEAL");
    for (int[] row : cuts) {
      java.util.Arrays.fill(row, 0);
    }
    degraded = 0;
    for (SimNode n : nodes) {
      n.pausedUntilUs = Math.min(n.pausedUntilUs, nowUs);
      n.healthy = true;
      if (!n.hostUp) {
        restartHost(n);
      } else if (!n.processUp) {
        restartProcess(n);
      }
    }
    ensureHealed();
    global(nowUs + 1_000_000, this::ensureHealed);
    global(nowUs + 2_000_000, this::ensureHealed);
  }

  /** Undoes administrative faults whose commands were still in flight at healing time. */
  private void ensureHealed() {
    ClusterState latest = reference.get(reference.size() - 1);
    for (SimNode n : nodes) {
      NodeInfo info = latest.nodes().get(n.id);
      if (info != null && info.drained()) {
        adminSubmit(new Command.SetDrained(n.id, false), 0);
      }
    }
    if (latest.vip(specs().get(3).name()).isEmpty()) {
      adminSubmit(new Command.CreateVip(specs().get(3)), 0);
    }
  }

  // ------------------------------------------------------------------ checks

  private void violation(String what) {
    if (result.violations.size() < 5) {
      result.violations.add(String.format("%.3f ms: %s", nowUs / 1000.0, what));
    }
  }

  private void check() {
    boolean allServed = true;
    for (int v = 0; v < VIPS.size(); v++) {
      VipName vip = VIPS.get(v);
      int servers = 0;
      int any = -1;
      for (SimNode n : nodes) {
        boolean now = n.serving(vip, nowUs);
        if (now) {
          servers++;
          any = n.index;
          if (!servingNow[n.index][v]) {
            lastStartUs[n.index][v] = nowUs;
            onServingStarted(n.index, v);
          }
          passiveEnd[n.index][v] = n.passiveEndUs(vip);
        } else if (servingNow[n.index][v]) {
          lastEndUs[n.index][v] = Math.min(nowUs, passiveEnd[n.index][v]);
          onServingEnded(v, lastEndUs[n.index][v]);
        }
        servingNow[n.index][v] = now;
      }
      if (servers > 1) {
        StringBuilder who = new StringBuilder();
        for (SimNode n : nodes) {
          if (n.serving(vip, nowUs)) {
            who.append(' ')
                .append(n.id)
                .append("(fence until ")
                .append(n.fenceCloseUs.get(vip) / 1000.0)
                .append(" ms)");
          }
        }
        violation("OVERLAP on " + vip + ":" + who);
      }
      if (any < 0
          && allServed
          && faultScenario()
          && nowUs >= faultEndUs
          && firstAllServedAfterHealUs < 0
          && vipNeedsHolder(vip)) {
        allServed = false;
      }
    }
    if (faultScenario() && nowUs >= faultEndUs) {
      if (allServed && firstAllServedAfterHealUs < 0) {
        firstAllServedAfterHealUs = nowUs;
      }
    }
  }

  private boolean faultScenario() {
    return scenario == Scenario.RANDOM_FAULTS
        || scenario == Scenario.LEADER_PAUSES
        || scenario == Scenario.WITNESS_TRAP
        || scenario == Scenario.HOLDER_PAUSES;
  }

  private boolean vipNeedsHolder(VipName vip) {
    ClusterState latest = reference.get(reference.size() - 1);
    Vip v = latest.vips().get(vip);
    return v != null && !Placement.eligibleNodes(latest, v.spec()).isEmpty();
  }

  private void onServingStarted(int node, int vip) {
    if (gapStartUs[vip] > 0) {
      maxGapUs[vip] = Math.max(maxGapUs[vip], nowUs - gapStartUs[vip]);
      gapStartUs[vip] = 0;
    }
    if (scenarioAtUs < 0 || vip != 0 || node == scenarioHolder || result.figureMs >= 0) {
      return;
    }
    switch (scenario) {
      case HOLDER_HOST_CRASH -> result.figureMs = (nowUs - scenarioAtUs) / 1000.0;
      case HOLDER_DAEMON_KILL, PLANNED_MOVE -> {
        result.figureMs = (nowUs - lastEndUs[scenarioHolder][vip]) / 1000.0;
        result.figure2Ms = (nowUs - scenarioAtUs) / 1000.0;
      }
      default -> {}
    }
  }

  private void onServingEnded(int vip, long endUs) {
    if (scenarioAtUs >= 0 && endUs >= scenarioAtUs) {
      boolean anyone = false;
      for (SimNode n : nodes) {
        anyone |= n.serving(VIPS.get(vip), nowUs);
      }
      if (!anyone) {
        gapStartUs[vip] = endUs;
      }
    }
  }

  private void finish() {
    if (!result.ok()) {
      return;
    }
    for (Map.Entry<Long, Long> a : acked.entrySet()) {
      SimEntry e = committed.get((int) (long) a.getValue() - 1);
      if (e.requestId() != a.getKey()) {
        violation("acknowledged request " + a.getKey() + " is not at index " + a.getValue());
      }
    }
    if (scenario == Scenario.LEADER_HOST_CRASH && scenarioAtUs >= 0) {
      long worst = 0;
      for (int v = 0; v < VIPS.size(); v++) {
        long open = gapStartUs[v] > 0 ? nowUs - gapStartUs[v] : 0;
        worst = Math.max(worst, Math.max(maxGapUs[v], open));
      }
      result.figureMs = worst / 1000.0;
      SimNode leader = currentLeader();
      if (leader != null) {
        result.figure2Ms = (leader.leaderRole.readyAtUs - scenarioAtUs) / 1000.0;
      }
    }
    if (!faultScenario()) {
      return;
    }
    ClusterState latest = reference.get(reference.size() - 1);
    for (NodeInfo n : latest.nodes().values()) {
      if (n.status() != NodeStatus.ACTIVE) {
        violation("liveness: " + n.id() + " is still " + n.status() + " after healing");
      }
    }
    for (VipName vip : VIPS) {
      Vip v = latest.vips().get(vip);
      if (v == null) {
        violation("liveness: " + vip + " was not re-created after healing");
        continue;
      }
      int servers = 0;
      for (SimNode n : nodes) {
        servers += n.serving(vip, nowUs) ? 1 : 0;
      }
      if (servers != 1 && !Placement.eligibleNodes(latest, v.spec()).isEmpty()) {
        violation(
            "liveness: "
                + vip
                + " ("
                + v.assignment()
                + ") is served by "
                + servers
                + " nodes at the end");
      }
    }
    result.convergenceMs =
        firstAllServedAfterHealUs < 0 ? -1 : (firstAllServedAfterHealUs - faultEndUs) / 1000.0;
  }

  private String dump() {
    StringBuilder sb = new StringBuilder();
    for (SimNode n : nodes) {
      sb.append(n.id)
          .append(" host=")
          .append(n.hostUp)
          .append(" proc=")
          .append(n.processUp)
          .append(" role=")
          .append(n.role)
          .append(" term=")
          .append(n.term)
          .append(" leader=")
          .append(n.leader)
          .append(" voted=")
          .append(n.votedFor)
          .append(" log=")
          .append(n.log.length())
          .append("/")
          .append(n.log.lastTerm())
          .append(" applied=")
          .append(n.applied)
          .append(" raftEnabled=")
          .append(n.raftEnabled(nowUs))
          .append(" sinceHeardMs=")
          .append((local(n) - n.lastHeardLocalUs) / 1000)
          .append(" paused=")
          .append(n.pausedUntilUs > nowUs)
          .append('\n');
    }
    sb.append("committed=").append(committed.size()).append('\n');
    return sb.toString();
  }

  /** For the determinism test: a digest of everything observable. */
  long digest() {
    long h = result.events * 31 + result.commits;
    for (SimEntry e : committed) {
      h = h * 1_000_003 + String.valueOf(e.command()).hashCode();
    }
    for (SimNode n : nodes) {
      h = h * 31 + n.state.hashCode();
    }
    return h;
  }
}
