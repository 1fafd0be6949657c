package io.raftvip.coordinator.core.control;

import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.lease.NodeLeases;
import java.util.List;
import java.util.Objects;

/**
 * One controller tick's result.
 *
 * @param commands to submit, in order (expiries first)
 * @param leases the leader's lease record after the tick (nodes being expired are marked)
 * @param memory the controller memory after the tick
 * @param wakeAtMs the latest instant (leader clock) the controller should run again even if nothing
 *     happens: the next possible lapse, hold-down end or proposal retry
 */
public record Plan(
    List<Command> commands, NodeLeases leases, ControllerMemory memory, long wakeAtMs) {
  public Plan {
    commands = List.copyOf(commands);
    Objects.requireNonNull(leases, "leases");
    Objects.requireNonNull(memory, "memory");
  }
}
