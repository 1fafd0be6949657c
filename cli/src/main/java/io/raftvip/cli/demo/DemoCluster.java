package io.raftvip.cli.demo;

import io.raftvip.cli.lan.KernelView;
import io.raftvip.testlan.probe.Timeline;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster a {@link DemoRun} drives and watches: three real agent processes on a namespace LAN
 * ({@link LanCluster}) or three {@code RaftVipNode}s in this process on an in-memory data plane
 * ({@link SimulatedCluster}). Both expose the same witnesses (committed assignments, the nodes' VIP
 * address and fence, the client's neighbour entry and probes) so one report fits both.
 *
 * <p>Called from the demo's thread only; implementations run their own watcher threads.
 */
interface DemoCluster extends AutoCloseable {

  /** A step did not happen in time or failed: the run stops and cleans up. */
  final class DemoFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DemoFailed(String message) {
      super(message);
    }

    DemoFailed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A probe run: the client probing the VIP until {@link #stop()}. */
  interface Probing {
    /** Answers through the client's stack from {@code node} since {@code sinceMicros}. */
    int udpAnswersFrom(String node, long sinceMicros);

    /** Stops probing; everything recorded. */
    Timeline stop();
  }

  /** Commits seen on a node's event stream until closed. */
  interface CommitWatch extends AutoCloseable {
    List<ScenarioReport.Commit> commits();

    @Override
    void close();
  }

  /** One line for the banner and the files: what runs and what is real. */
  String description();

  /** Node names, n1..n3. */
  List<String> nodes();

  /** Each node's MAC, as the client sees it. */
  Map<String, String> macs();

  /** The probe interval through the client's stack, ms. */
  long udpIntervalMs();

  /** Builds and starts everything, creates the VIP; reports progress. */
  void start(Progress progress);

  /**
   * Restarts what the demo killed and waits until every node is ACTIVE, the VIP is OWNED and only
   * its owner serves it; returns the owner.
   */
  String settle(long timeoutMs);

  /** The node serving the VIP in the latest kernel sample after {@code afterMicros}, if one. */
  Optional<String> soleServerSince(long afterMicros);

  Probing probe();

  /** Watches commits through a node other than {@code avoid} (the fault's target). */
  CommitWatch watchCommits(String avoid);

  List<KernelView.Round> rounds(long fromMicros, long toMicros);

  List<KernelWatcher.NeighbourChange> neighbourChanges();

  List<KernelWatcher.AddressChange> addressChanges();

  /** Whether this cluster can inject {@code s} (the simulation cannot pause or partition). */
  boolean supports(Scenario s);

  /** SIGKILL (or the closest thing) of node's agent; returns how, in words. */
  String kill(String node);

  /** Starts node's agent again after {@link #kill}. */
  void restart(String node);

  String pause(String node);

  void resume(String node);

  String partition(String node);

  void heal();

  /** Asks the cluster to move the VIP to {@code target} (admin MoveVip). */
  String move(String target);

  /** Stops everything gracefully; the nodes that still have the VIP afterwards. */
  List<String> stop();

  /** Files the run wrote besides the timeline (logs, configs), for the summary. */
  String files();

  @Override
  void close();

  /** Where progress lines go. */
  @FunctionalInterface
  interface Progress {
    void say(String text);
  }
}
