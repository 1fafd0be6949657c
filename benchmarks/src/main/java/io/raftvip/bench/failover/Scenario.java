package io.raftvip.bench.failover;

import java.util.Locale;

/**
 * The faults, each injected into the node that holds the VIP (docs: failover-testing.md, D). Timed
 * faults last {@link FailoverBenchmark#FAULT_MS} and are then lifted.
 */
enum Scenario {
  KILL("kill", false, "SIGKILL of the owner's daemon"),
  STOP("stop", true, "SIGSTOP of the owner's daemon for 5 s, then SIGCONT"),
  LINKDOWN("linkdown", true, "owner's eth0 admin-down for 5 s"),
  PARTITION("partition", true, "owner cut from the other nodes for 5 s; the client reaches all"),
  CRASH("crash", false, "SIGKILL + owner's cable pulled until the observation ends"),
  MOVE("move", false, "graceful move (raftvip MoveVip; keepalived: SIGTERM of the master)"),
  TERM("term", false, "SIGTERM of the owner's daemon (graceful stop)"),
  LEADER("leader", false, "SIGKILL of an owner that is also the Raft leader (raftvip only)"),
  MASS("mass", false, "SIGKILL of the owner of 1000 VIPs (1 IPv4 probed + 999 IPv6)");

  final String id;
  final boolean timed;
  final String description;

  Scenario(String id, boolean timed, String description) {
    this.id = id;
    this.timed = timed;
    this.description = description;
  }

  static Scenario parse(String s) {
    for (Scenario x : values()) {
      if (x.id.equals(s.trim().toLowerCase(Locale.ROOT))) {
        return x;
      }
    }
    throw new IllegalArgumentException("unknown scenario '" + s + "'");
  }

  /** Whether the fault leaves the old owner's daemon dead (restarted after the trial). */
  boolean killsDaemon() {
    return this == KILL || this == CRASH || this == LEADER || this == MASS || this == TERM;
  }
}
