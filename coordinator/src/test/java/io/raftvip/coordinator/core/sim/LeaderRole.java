package io.raftvip.coordinator.core.sim;

import io.raftvip.coordinator.core.control.Controller;
import io.raftvip.coordinator.core.control.ControllerMemory;
import io.raftvip.coordinator.core.lease.LeaderLease;
import io.raftvip.coordinator.core.lease.NodeLeases;
import java.util.HashMap;
import java.util.Map;

/** A leader's volatile state for one term. */
final class LeaderRole {
  final long term;
  final double startLocalUs;
  long startupIndex;
  boolean ready;
  long commitIndex;
  final Map<Integer, Long> match = new HashMap<>();
  final Map<Integer, Double> lastAckLocalUs = new HashMap<>();
  LeaderLease lease;
  NodeLeases leases;
  ControllerMemory memory;
  Controller controller;
  long readyAtUs;
  double nextLeadershipCheckLocalUs;

  LeaderRole(long term, double startLocalUs) {
    this.term = term;
    this.startLocalUs = startLocalUs;
  }
}
