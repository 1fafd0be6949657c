package io.raftvip.cli.demo;

import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.lease.TimingSettings;
import io.raftvip.testlan.probe.ProbeEvent;
import io.raftvip.testlan.probe.Timeline;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One scenario's timeline and figures, merged from the four witnesses: the agents' own events, the
 * leader's decisions, the kernel watcher (neighbour entry, configured addresses) and the client's
 * probe log. Pure: built from recorded data, no IO, no clock. All instants are wall-clock epoch
 * microseconds; figures are milliseconds after the fault.
 *
 * @param run what the driver did
 * @param newNode the holder after the fault, if any
 * @param entries the timeline, in time order
 * @param figures the measured figures
 * @param probe the prober's figures for the window
 * @param udpAnswering per node, intervals in which it answered UDP probes through the client's
 *     stack
 * @param directedAnswering per node, intervals in which it answered directed probes
 * @param arpAnswering per node (or MAC), intervals in which its kernel answered ARP
 * @param neighbour the client's neighbour entry for the VIP over the window: MAC ("" unresolved)
 * @param markers instants to mark on a chart (fault, assignment, fence deadline...)
 */
record ScenarioReport(
    ScenarioRun run,
    Optional<String> newNode,
    List<Entry> entries,
    Figures figures,
    Timeline.Report probe,
    Map<String, List<Timeline.Interval>> udpAnswering,
    Map<String, List<Timeline.Interval>> directedAnswering,
    Map<String, List<Timeline.Interval>> arpAnswering,
    List<Segment> neighbour,
    List<Marker> markers) {

  /** Consecutive answers no further apart than this draw as one bar: a few probe periods. */
  static final long JOIN_GAP_MICROS = 25_000;

  /** One line of the timeline. */
  record Entry(long wallMicros, String text) {}

  /** A stretch of the client's neighbour entry. */
  record Segment(long startMicros, long endMicros, String mac) {}

  /** An instant to mark on a chart. */
  record Marker(long wallMicros, String kind, String label) {}

  /** An agent's event, tagged with its node. */
  record NodeEvent(String node, AgentWire.Event event) {
    long wall() {
      return event.wallMicros();
    }
  }

  /**
   * The figures of a scenario, in ms after the fault (negative: before it); empty when the witness
   * did not see it in the window.
   *
   * @param outageMs the longest run of the client's UDP probes (through its own stack) that got no
   *     answer: whether the VIP took them, blind to the probe tools' own scheduling
   * @param arpOutageMs the longest run of ARP rounds no kernel answered
   * @param replyGapMs the longest silence between two UDP answers, whatever the cause (includes the
   *     prober or a responder waiting for a CPU)
   * @param assignedMs the leader gave the VIP to the new holder
   * @param addressAddedMs the new holder's kernel got the address (its fence already armed)
   * @param announcedMs the new holder sent its first G-ARP
   * @param neighbourSwitchMs the client's neighbour entry switched to the new holder's MAC
   * @param firstAnswerNewMs first answer from the new holder at the client
   * @param lastAnswerOldMs last answer from the old holder (any probe) after the fault
   * @param oldFenceDeadlineMs the old holder's fence deadline in force at the fault
   * @param oldDropsVipMs the VIP left the old holder's kernel
   * @param overlapMs time two nodes could answer: the larger of directed and ARP overlap
   * @param directedRoundsWithTwo directed rounds answered by two or more nodes
   * @param directedRounds directed rounds sent in the window
   * @param arpRoundsWithTwo ARP rounds answered by two or more MACs
   * @param arpRounds ARP rounds sent in the window
   * @param configuredOverlapMs time the VIP was configured on two kernels (a fenced one does not
   *     answer; reported separately, not overlap)
   * @param udpFlaps changes of the node answering the client
   * @param arpFlaps changes of the MAC answering ARP
   */
  record Figures(
      double outageMs,
      double arpOutageMs,
      double replyGapMs,
      OptionalDouble assignedMs,
      OptionalDouble addressAddedMs,
      OptionalDouble announcedMs,
      OptionalDouble neighbourSwitchMs,
      OptionalDouble firstAnswerNewMs,
      OptionalDouble lastAnswerOldMs,
      OptionalDouble oldFenceDeadlineMs,
      OptionalDouble oldDropsVipMs,
      double overlapMs,
      int directedRoundsWithTwo,
      int directedRounds,
      int arpRoundsWithTwo,
      int arpRounds,
      double configuredOverlapMs,
      int udpFlaps,
      int arpFlaps) {}

  /** Builds the report of {@code run} from everything recorded so far. */
  static ScenarioReport build(
      ScenarioRun run,
      List<NodeEvent> agentEvents,
      List<DemoLeader.Decision> decisions,
      long wallMinusMonoMicros,
      List<KernelWatcher.NeighbourChange> neighbourChanges,
      List<KernelWatcher.AddressChange> addressChanges,
      Timeline probe,
      Map<String, String> macByNode,
      TimingSettings timing) {
    long from = run.fromWall();
    long fault = run.faultWall();
    long to = run.toWall();
    String old = run.oldNode();
    List<Entry> entries = new ArrayList<>();
    List<Marker> markers = new ArrayList<>();

    // The leader's decisions in the window.
    Optional<String> newNode = Optional.empty();
    long assignedAt = -1;
    long lapsedAt = -1;
    for (DemoLeader.Decision d : decisions) {
      long at = d.atMs() * 1_000L + wallMinusMonoMicros;
      if (at < fault || at > to) {
        continue;
      }
      String node = d.node().map(NodeId::value).orElse("");
      switch (d.what()) {
        case "lapsed" -> {
          long grantAt = d.number() * 1_000L + wallMinusMonoMicros;
          entries.add(new Entry(grantAt, "leader: last renewal of " + node + " granted"));
          entries.add(
              new Entry(
                  at,
                  "leader: "
                      + node
                      + "'s lease provably over (last grant + expiry wait "
                      + timing.expiryWaitMs()
                      + " ms) -> ExpireNode "
                      + node));
          if (node.equals(old) && lapsedAt < 0) {
            lapsedAt = at;
            markers.add(new Marker(at, "decision", "expire " + node));
          }
        }
        case "assigned" -> {
          entries.add(new Entry(at, "leader: VIP -> " + node + " (" + causeOf(d.detail()) + ")"));
          if (!node.equals(old) && newNode.isEmpty()) {
            newNode = Optional.of(node);
            assignedAt = at;
            markers.add(new Marker(at, "decision", "assign " + node));
          }
        }
        case "release-requested" ->
            entries.add(
                new Entry(
                    at, "leader: MoveVip applied: " + node + " asked to release (RELEASING)"));
        case "deaf" ->
            entries.add(
                new Entry(at, "leader: stops hearing " + node + " (its renewals are dropped)"));
        case "hears" -> entries.add(new Entry(at, "leader: hears " + node + " again"));
        case "refused" -> {
          if (d.detail().equals("NODE_EXPIRED")) {
            entries.add(new Entry(at, "leader: refuses " + node + "'s renewal: NODE_EXPIRED"));
          }
        }
        case "applied" -> {
          if (d.detail().contains("JoinNode")) {
            entries.add(
                new Entry(
                    at,
                    "leader: applied " + d.detail().replaceFirst("^#\\d+ ", "") + " (rejoined)"));
          }
        }
        default -> {
          // rejected commands and the rest are in the JSON, not the printout
        }
      }
    }
    String newName = newNode.orElse("");

    // The fence deadline the old holder had armed when the fault came: its last arm before the
    // leader's expiry decision (or the end of the window).
    long deadlineWall = -1;
    long limit = lapsedAt >= 0 ? lapsedAt : to;
    for (NodeEvent e : agentEvents) {
      if (e.node().equals(old)
          && e.event().what().equals("fence-armed")
          && e.wall() <= limit
          && e.wall() >= from - 10_000_000L) {
        long deadlineMs = e.event().number("deadline-ms", -1);
        if (deadlineMs > 0) {
          deadlineWall = e.wall() + (deadlineMs * 1_000L - e.event().monoNanos() / 1_000L);
        }
      }
    }
    if (deadlineWall >= 0 && run.scenario() != Scenario.MOVE) {
      entries.add(
          new Entry(
              deadlineWall,
              old
                  + " fence deadline: its kernel stops answering for the VIP (last granted renewal's"
                  + " send time + "
                  + timing.leaseDurationMs()
                  + " ms)"));
      markers.add(new Marker(deadlineWall, "deadline", old + " fence deadline"));
    }

    // The agents' own reports in the window.
    long addedAt = -1;
    long announcedAt = -1;
    for (NodeEvent e : agentEvents) {
      long at = e.wall();
      if (at < fault || at > to) {
        continue;
      }
      String node = e.node();
      AgentWire.Event ev = e.event();
      boolean isNew = node.equals(newName);
      switch (ev.what()) {
        case "fence-armed" -> {
          if (isNew && addedAt < 0) {
            long d = ev.number("deadline-ms", 0) * 1_000L - ev.monoNanos() / 1_000L;
            entries.add(
                new Entry(
                    at,
                    node
                        + " fence armed, deadline in "
                        + Math.round(d / 1000.0)
                        + " ms (epoch "
                        + ev.fields().getOrDefault("epoch", "?")
                        + ")"));
          }
        }
        case "address-added" -> {
          entries.add(
              new Entry(
                  at,
                  node
                      + " VIP address added (valid_lft "
                      + ev.fields().getOrDefault("valid-lft-s", "?")
                      + " s backstop)"));
          if (isNew && addedAt < 0) {
            addedAt = at;
          }
        }
        case "announced" -> {
          entries.add(new Entry(at, node + " G-ARP sent"));
          if (isNew && announcedAt < 0) {
            announcedAt = at;
          }
        }
        case "lease-expired" ->
            entries.add(
                new Entry(
                    at,
                    node
                        + " agent: lease over (deadline passed "
                        + ev.fields().getOrDefault("noticed-late-ms", "?")
                        + " ms ago; the kernel closed the fence at the deadline)"));
        case "fence-closed" -> entries.add(new Entry(at, node + " fence closed"));
        case "address-removed" ->
            entries.add(
                new Entry(
                    at,
                    node
                        + (ev.fields().containsKey("already-gone")
                            ? " VIP address already gone (lifetime backstop ran out)"
                            : " VIP address removed")));
        case "release-committed" ->
            entries.add(new Entry(at, node + " confirms the release (fence closed, address gone)"));
        case "leftover-removed" ->
            entries.add(
                new Entry(at, node + " new agent removed the VIP address its predecessor left"));
        case "started" ->
            entries.add(
                new Entry(
                    at,
                    node + " agent started (pid " + ev.fields().getOrDefault("pid", "?") + ")"));
        case "effect-failed", "failed" ->
            entries.add(new Entry(at, node + " ERROR " + ev.fields()));
        default -> {
          // refreshes, refusals: in the agent log
        }
      }
    }

    // The client's view.
    Timeline.Report pr =
        probe.analyze(new Timeline.Window(from, fault, to, old, newName.isEmpty() ? "-" : newName));
    String oldMac = macByNode.getOrDefault(old, "");
    String newMac = macByNode.getOrDefault(newName, "");
    for (ProbeEvent e : probe.events()) {
      if (e.kind() == ProbeEvent.Kind.GARP
          && e.epochMicros() >= fault
          && e.epochMicros() <= to
          && e.mac().equals(newMac)) {
        entries.add(new Entry(e.epochMicros(), "client sees " + newName + "'s G-ARP on the wire"));
        break;
      }
    }
    OptionalLong lastOld = latest(pr.lastUdpFromOld(), pr.lastDirectedFromOld());
    if (lastOld.isPresent() && lastOld.getAsLong() >= fault - 20_000) {
      entries.add(
          new Entry(lastOld.getAsLong(), "last answer from " + old + " seen by the client"));
    }
    if (pr.firstUdpFromNew().isPresent()) {
      entries.add(
          new Entry(
              pr.firstUdpFromNew().getAsLong(),
              "first answer from " + newName + " at the client (through its own stack)"));
    }
    long switchAt = -1;
    String before = "";
    for (KernelWatcher.NeighbourChange c : neighbourChanges) {
      String mac = c.mac().orElse("");
      if (c.wallMicros() >= fault
          && c.wallMicros() <= to
          && !newMac.isEmpty()
          && mac.equals(newMac)
          && switchAt < 0) {
        switchAt = c.wallMicros();
        entries.add(
            new Entry(
                switchAt,
                "client's neighbour entry for the VIP: "
                    + (before.isEmpty() ? "(none)" : before)
                    + " -> "
                    + mac
                    + " "
                    + c.state()));
        markers.add(new Marker(switchAt, "client", "neighbour -> " + newName));
      }
      if (c.wallMicros() < fault || switchAt < 0) {
        before = mac;
      }
    }
    long oldGone = -1;
    for (KernelWatcher.AddressChange c : addressChanges) {
      if (c.node().equals(old)
          && !c.present()
          && c.wallMicros() >= fault
          && c.wallMicros() <= to
          && oldGone < 0) {
        oldGone = c.wallMicros();
        entries.add(new Entry(oldGone, old + "'s kernel no longer has the VIP address"));
      }
    }
    markers.add(0, new Marker(fault, "fault", run.scenario().id()));
    entries.add(new Entry(fault, "FAULT: " + run.fault()));
    run.endFaultWall()
        .ifPresent(
            t -> {
              entries.add(new Entry(t, run.endFaultText()));
              markers.add(new Marker(t, "fault-end", run.endFaultText()));
            });
    entries.sort(Comparator.comparingLong(Entry::wallMicros));

    Figures figures =
        new Figures(
            pr.outage().micros() / 1000.0,
            pr.arpOutage().micros() / 1000.0,
            pr.replyGap().micros() / 1000.0,
            after(assignedAt, fault),
            after(addedAt, fault),
            after(announcedAt, fault),
            after(switchAt, fault),
            relative(pr.firstUdpFromNew(), fault),
            lastOld.isPresent() && lastOld.getAsLong() >= fault
                ? OptionalDouble.of((lastOld.getAsLong() - fault) / 1000.0)
                : OptionalDouble.empty(),
            run.scenario() == Scenario.MOVE
                ? OptionalDouble.empty()
                : after(deadlineWall, -1, fault),
            after(oldGone, fault),
            pr.overlapMicros() / 1000.0,
            pr.directed().roundsWithSeveral(),
            pr.directed().rounds(),
            pr.arp().roundsWithSeveral(),
            pr.arp().rounds(),
            configuredOverlapMicros(addressChanges, fault, to) / 1000.0,
            pr.udpFlaps(),
            pr.arpFlaps());
    return new ScenarioReport(
        run,
        newNode,
        List.copyOf(entries),
        figures,
        pr,
        probe.answering(ProbeEvent.Kind.UDP_REPLY, from, to, JOIN_GAP_MICROS),
        probe.answering(ProbeEvent.Kind.DIRECTED_REPLY, from, to, JOIN_GAP_MICROS),
        probe.answering(ProbeEvent.Kind.ARP_REPLY, from, to, JOIN_GAP_MICROS),
        neighbourSegments(neighbourChanges, from, to),
        List.copyOf(markers));
  }

  /** How often the leader gave the VIP to a holder in the window (1 for a single takeover). */
  long assignments() {
    return entries.stream().filter(e -> e.text().startsWith("leader: VIP -> ")).count();
  }

  /** Whether the VIP moved to another node, nobody else answered at the same time. */
  boolean tookOver() {
    return newNode.isPresent() && !newNode.get().equals(run.oldNode());
  }

  private static String causeOf(String detail) {
    int open = detail.lastIndexOf('(');
    int close = detail.lastIndexOf(')');
    String epoch = detail.replaceAll(".* epoch (\\d+).*", "$1");
    String cause = open >= 0 && close > open ? detail.substring(open + 1, close) : detail;
    return "epoch " + epoch + ", " + cause;
  }

  private static OptionalLong latest(OptionalLong a, OptionalLong b) {
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    return OptionalLong.of(Math.max(a.getAsLong(), b.getAsLong()));
  }

  private static OptionalDouble after(long at, long fault) {
    return at < 0 ? OptionalDouble.empty() : OptionalDouble.of((at - fault) / 1000.0);
  }

  private static OptionalDouble after(long at, long absent, long fault) {
    return at == absent ? OptionalDouble.empty() : OptionalDouble.of((at - fault) / 1000.0);
  }

  private static OptionalDouble relative(OptionalLong at, long fault) {
    return at.isEmpty()
        ? OptionalDouble.empty()
        : OptionalDouble.of((at.getAsLong() - fault) / 1000.0);
  }

  /** Time within [from, to] during which two or more kernels had the VIP configured. */
  static long configuredOverlapMicros(
      List<KernelWatcher.AddressChange> changes, long from, long to) {
    Map<String, Boolean> present = new LinkedHashMap<>();
    long total = 0;
    long last = from;
    List<KernelWatcher.AddressChange> sorted = new ArrayList<>(changes);
    sorted.sort(Comparator.comparingLong(KernelWatcher.AddressChange::wallMicros));
    for (KernelWatcher.AddressChange c : sorted) {
      long t = Math.min(Math.max(c.wallMicros(), from), to);
      if (count(present) >= 2) {
        total += t - last;
      }
      last = t;
      present.put(c.node(), c.present());
    }
    if (count(present) >= 2) {
      total += to - last;
    }
    return total;
  }

  private static int count(Map<String, Boolean> present) {
    int n = 0;
    for (boolean b : present.values()) {
      if (b) {
        n++;
      }
    }
    return n;
  }

  private static List<Segment> neighbourSegments(
      List<KernelWatcher.NeighbourChange> changes, long from, long to) {
    List<Segment> out = new ArrayList<>();
    String mac = null;
    long start = from;
    for (KernelWatcher.NeighbourChange c : changes) {
      if (c.wallMicros() <= from) {
        mac = c.mac().orElse("");
        continue;
      }
      if (c.wallMicros() > to) {
        break;
      }
      String next = c.mac().orElse("");
      if (mac != null && !next.equals(mac)) {
        out.add(new Segment(start, c.wallMicros(), mac));
        start = c.wallMicros();
      } else if (mac == null) {
        start = c.wallMicros();
      }
      mac = next;
    }
    if (mac != null) {
      out.add(new Segment(start, to, mac));
    }
    return List.copyOf(out);
  }
}
