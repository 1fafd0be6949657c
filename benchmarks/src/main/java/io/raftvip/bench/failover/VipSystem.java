package io.raftvip.bench.failover;

import java.util.List;
import java.util.OptionalInt;

/**
 * One failover system under test on the shared LAN: three daemons, one per node, that keep the
 * benchmark's VIP on exactly one node. The harness injects the faults itself (signals through
 * {@link #signal}, links and partitions through the LAN) and asks the system only for what it alone
 * knows: which node owns the VIP, how to move it gracefully, how to start a dead daemon.
 */
interface VipSystem extends AutoCloseable {

  /** Label in the tables, e.g. {@code raftvip} or {@code keepalived-fast}. */
  String label();

  /** Starts the daemon on every node that has none running. */
  void startAll() throws Exception;

  /**
   * Starts dead daemons and waits (bounded) for a steady state: every daemon running, exactly one
   * node holding the VIP. Returns that node (1-based).
   */
  int settle() throws Exception;

  /**
   * Signals the daemon of {@code node} ({@code KILL}, {@code STOP}, {@code CONT}, {@code TERM}):
   * every process of it that holds VIP state (keepalived: parent and VRRP child).
   */
  void signal(int node, String signal);

  /**
   * The system's graceful handover away from {@code owner}; returns the node expected to take it.
   */
  int moveAway(int owner) throws Exception;

  /**
   * Makes the VIP's owner also the Raft leader; returns it. Empty when the system has no leader.
   */
  OptionalInt ownerAsLeader() throws Exception;

  /**
   * Called after a trial whose fault hit {@code oldOwner}, before the next settle: restarts what
   * the fault killed (the harness's "reboot" of that node).
   */
  void recover(int oldOwner) throws Exception;

  /** PIDs of the running daemons' processes per node (for CPU and memory figures). */
  List<Long> pids(int node);

  /** Whether the daemon of {@code node} runs. */
  boolean running(int node);

  /** Stops every daemon gracefully (SIGTERM, bounded wait, then SIGKILL). */
  void stopAll() throws InterruptedException;

  /** The tail of every daemon's log, for failure messages. */
  String logs();

  @Override
  void close();
}
