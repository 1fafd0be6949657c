package io.raftvip.cli.demo;

import io.raftvip.cli.lan.KernelView;
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
 * One scenario's timeline and figures, merged from the four witnesses: the cluster's committed
 * assignments (the admin API's event stream of a surviving node), the kernels of the nodes (VIP
 * address and fence, sampled from outside), the client's kernel (its neighbour entry for the VIP)
 * and the client's probes. Pure: built from recorded data, no IO, no clock. All instants are
 * wall-clock epoch microseconds; figures are milliseconds after the fault.
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
 * @param markers instants to mark on a chart (fault, fence closed, commit, neighbour switch)
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

  /**
   * A VIP assignment committed to the replicated log, as a node applied it.
   *
   * @param wallMicros when the reporting node applied it
   * @param owner the new owner
   * @param epoch its epoch
   * @param reason why the leader assigned it (e.g. "expired", "move")
   * @param reportedBy the node whose event stream reported it
   */
  record Commit(long wallMicros, String owner, long epoch, String reason, String reportedBy) {}

  /** What a node's kernel did with the VIP (from the sampled rounds): "fence-open"... */
  record KernelChange(String node, long wallMicros, String what) {}

  /**
   * The figures of a scenario, in ms after the fault (negative: before it); empty when the witness
   * did not see it in the window.
   *
   * @param outageMs the longest run of the client's UDP probes (through its own stack) that got no
   *     answer
   * @param arpOutageMs the longest run of ARP rounds no kernel answered
   * @param replyGapMs the longest silence between two UDP answers, whatever the cause (includes the
   *     prober or a responder waiting for a CPU)
   * @param oldFenceClosedMs the old owner's fence stopped letting the VIP through (lease element
   *     expired or deleted), or its address left: its kernel no longer answers
   * @param committedMs the new owner's assignment was committed (applied by a surviving node)
   * @param addressAddedMs the new owner's kernel got the address
   * @param announcedMs the new owner's first G-ARP seen on the wire
   * @param neighbourSwitchMs the client's neighbour entry switched to the new owner's MAC
   * @param firstAnswerNewMs first answer from the new owner at the client
   * @param lastAnswerOldMs last answer from the old owner (any probe) after the fault
   * @param oldDropsVipMs the VIP left the old owner's kernel
   * @param overlapMs time two nodes could answer: the larger of the probes' overlap (directed and
   *     ARP rounds answered by two nodes) and the kernel rounds with the VIP configured and
   *     unfenced on two nodes
   * @param directedRoundsWithTwo directed rounds answered by two or more nodes
   * @param directedRounds directed rounds sent in the window
   * @param arpRoundsWithTwo ARP rounds answered by two or more MACs
   * @param arpRounds ARP rounds sent in the window
   * @param kernelRoundsWithTwo kernel sampling rounds with two nodes live (configured, unfenced)
   * @param kernelRounds kernel sampling rounds in the window
   * @param configuredOverlapMs time the VIP was configured on two kernels (a fenced one does not
   *     answer; reported separately, not overlap)
   * @param udpFlaps changes of the node answering the client
   * @param arpFlaps changes of the MAC answering ARP
   */
  record Figures(
      double outageMs,
      double arpOutageMs,
      double replyGapMs,
      OptionalDouble oldFenceClosedMs,
      OptionalDouble committedMs,
      OptionalDouble addressAddedMs,
      OptionalDouble announcedMs,
      OptionalDouble neighbourSwitchMs,
      OptionalDouble firstAnswerNewMs,
      OptionalDouble lastAnswerOldMs,
      OptionalDouble oldDropsVipMs,
      double overlapMs,
      int directedRoundsWithTwo,
      int directedRounds,
      int arpRoundsWithTwo,
      int arpRounds,
      int kernelRoundsWithTwo,
      int kernelRounds,
      double configuredOverlapMs,
      int udpFlaps,
      int arpFlaps) {}

  /** Builds the report of {@code run} from everything recorded in its window. */
  static ScenarioReport build(
      ScenarioRun run,
      List<Commit> commits,
      List<KernelView.Round> rounds,
      List<String> nodes,
      List<KernelWatcher.NeighbourChange> neighbourChanges,
      List<KernelWatcher.AddressChange> addressChanges,
      Timeline probe,
      Map<String, String> macByNode) {
    long from = run.fromWall();
    long fault = run.faultWall();
    long to = run.toWall();
    String old = run.oldNode();
    List<Entry> entries = new ArrayList<>();
    List<Marker> markers = new ArrayList<>();

    // The log: the first assignment to another node after the fault is the takeover.
    Optional<String> newNode = Optional.empty();
    long committedAt = -1;
    for (Commit c : commits) {
      if (c.wallMicros() < fault - 5_000 || c.wallMicros() > to) {
        continue;
      }
      entries.add(
          new Entry(
              c.wallMicros(),
              "committed: VIP -> "
                  + c.owner()
                  + " (epoch "
                  + c.epoch()
                  + (c.reason().isEmpty() ? "" : ", " + c.reason())
                  + "; applied on "
                  + c.reportedBy()
                  + ")"));
      if (!c.owner().equals(old) && newNode.isEmpty()) {
        newNode = Optional.of(c.owner());
        committedAt = c.wallMicros();
        markers.add(new Marker(c.wallMicros(), "decision", "commit " + c.owner()));
      }
    }
    // The nodes' kernels.
    List<KernelChange> kernel = kernelChanges(rounds, nodes);
    if (newNode.isEmpty()) {
      // No commit seen (the event stream missed it): the first other node whose kernel served.
      for (KernelChange k : kernel) {
        if (k.wallMicros() >= fault
            && k.wallMicros() <= to
            && !k.node().equals(old)
            && k.what().equals("fence-open")) {
          newNode = Optional.of(k.node());
          break;
        }
      }
    }
    String newName = newNode.orElse("");
    long oldFenceClosed = -1;
    for (KernelChange k : kernel) {
      if (k.wallMicros() < fault || k.wallMicros() > to) {
        continue;
      }
      boolean isOld = k.node().equals(old);
      switch (k.what()) {
        case "fence-closed" -> {
          entries.add(
              new Entry(
                  k.wallMicros(),
                  k.node()
                      + "'s fence closed (lease element expired or deleted): it stops answering"));
          if (isOld && oldFenceClosed < 0) {
            oldFenceClosed = k.wallMicros();
          }
        }
        case "fence-open" ->
            entries.add(
                new Entry(
                    k.wallMicros(),
                    k.node() + "'s kernel serves the VIP (sampled: fence open, address on eth0)"));
        default -> {
          // address changes come from the finer-grained watcher below
        }
      }
    }
    if (oldFenceClosed >= 0) {
      markers.add(new Marker(oldFenceClosed, "deadline", old + " fence closed"));
    }

    long addedAt = -1;
    long oldGone = -1;
    for (KernelWatcher.AddressChange c : addressChanges) {
      if (c.wallMicros() < fault || c.wallMicros() > to) {
        continue;
      }
      if (c.present()) {
        entries.add(new Entry(c.wallMicros(), c.node() + " added the VIP address"));
        if (c.node().equals(newName) && addedAt < 0) {
          addedAt = c.wallMicros();
        }
      } else {
        entries.add(
            new Entry(c.wallMicros(), c.node() + "'s kernel no longer has the VIP address"));
        if (c.node().equals(old) && oldGone < 0) {
          oldGone = c.wallMicros();
        }
      }
    }
    // A node whose address left before its fence closed is silent from then on as well.
    if (oldGone >= 0 && (oldFenceClosed < 0 || oldGone < oldFenceClosed)) {
      oldFenceClosed = oldGone;
    }

    // The client's view.
    Timeline.Report pr =
        probe.analyze(new Timeline.Window(from, fault, to, old, newName.isEmpty() ? "-" : newName));
    String newMac = macByNode.getOrDefault(newName, "");
    long announcedAt = -1;
    for (ProbeEvent e : probe.events()) {
      if (e.kind() == ProbeEvent.Kind.GARP
          && e.epochMicros() >= fault
          && e.epochMicros() <= to
          && !newName.isEmpty()
          && (e.identity().equals(newName) || e.mac().equals(newMac))) {
        announcedAt = e.epochMicros();
        entries.add(new Entry(announcedAt, newName + " announced: its G-ARP seen on the wire"));
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
    markers.add(0, new Marker(fault, "fault", run.scenario().id()));
    entries.add(new Entry(fault, "FAULT: " + run.fault()));
    run.endFaultWall()
        .ifPresent(
            t -> {
              entries.add(new Entry(t, run.endFaultText()));
              markers.add(new Marker(t, "fault-end", run.endFaultText()));
            });
    entries.sort(Comparator.comparingLong(Entry::wallMicros));

    int kernelRounds = 0;
    int kernelTwo = 0;
    long kernelTwoMicros = 0;
    for (KernelView.Round r : rounds) {
      if (r.startMicros() < from || r.startMicros() > to) {
        continue;
      }
      kernelRounds++;
      if (r.liveCount() >= 2) {
        kernelTwo++;
        kernelTwoMicros += Math.max(1, r.endMicros() - r.startMicros());
      }
    }
    Figures figures =
        new Figures(
            pr.outage().micros() / 1000.0,
            pr.arpOutage().micros() / 1000.0,
            pr.replyGap().micros() / 1000.0,
            after(oldFenceClosed, fault),
            after(committedAt, fault),
            after(addedAt, fault),
            after(announcedAt, fault),
            after(switchAt, fault),
            relative(pr.firstUdpFromNew(), fault),
            lastOld.isPresent() && lastOld.getAsLong() >= fault
                ? OptionalDouble.of((lastOld.getAsLong() - fault) / 1000.0)
                : OptionalDouble.empty(),
            after(oldGone, fault),
            Math.max(pr.overlapMicros(), kernelTwoMicros) / 1000.0,
            pr.directed().roundsWithSeveral(),
            pr.directed().rounds(),
            pr.arp().roundsWithSeveral(),
            pr.arp().rounds(),
            kernelTwo,
            kernelRounds,
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

  /**
   * The fence transitions of each node ({@code nodes.get(i)} is bit i of the masks): "fence-open"
   * and "fence-closed", at the start of the first round that saw the new state. A fence counts only
   * while the node has the VIP configured or just had it: a node that never held the VIP has no
   * lease element and is not reported.
   */
  static List<KernelChange> kernelChanges(List<KernelView.Round> rounds, List<String> nodes) {
    List<KernelChange> out = new ArrayList<>();
    boolean[] live = new boolean[nodes.size()];
    boolean first = true;
    for (KernelView.Round r : rounds) {
      for (int i = 0; i < nodes.size(); i++) {
        boolean open = r.open(i + 1);
        boolean nowLive = open && r.configured(i + 1);
        if (!first && live[i] && !open) {
          out.add(new KernelChange(nodes.get(i), r.startMicros(), "fence-closed"));
        }
        if (!first && !live[i] && nowLive) {
          out.add(new KernelChange(nodes.get(i), r.startMicros(), "fence-open"));
        }
        live[i] = nowLive;
      }
      first = false;
    }
    return out;
  }

  /** How often the VIP was committed to a new owner in the window (1 for a single takeover). */
  long assignments() {
    return entries.stream().filter(e -> e.text().startsWith("committed: VIP -> ")).count();
  }

  /** Whether the VIP moved to another node. */
  boolean tookOver() {
    return newNode.isPresent() && !newNode.get().equals(run.oldNode());
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
