/**
 * Health checks of this node: the check kinds ({@link io.raftvip.coordinator.health.ExecCheck},
 * {@link io.raftvip.coordinator.health.TcpCheck}, {@link io.raftvip.coordinator.health.HttpCheck},
 * {@link io.raftvip.coordinator.health.CallbackCheck}) behind {@link
 * io.raftvip.coordinator.health.HealthCheck}, the pure rise/fall debouncer {@link
 * io.raftvip.coordinator.health.RiseFall}, and the {@link
 * io.raftvip.coordinator.health.HealthMonitor} that runs them and reports verdict changes as {@code
 * Command.ReportHealth}. Placement does the rest: a node unhealthy for a check a VIP names is not
 * eligible for it, and the leader's controller moves the VIP away gracefully.
 *
 * <p>Owns: the processes its exec checks start (killed by PID on timeout or close), the sockets its
 * TCP and HTTP checks open, and two kinds of named daemon threads per monitor: {@code
 * raftvip-health-<node>} (the scheduler: every RiseFall, every report and retry, the reconcile
 * against the replicated state, the listener) and {@code raftvip-health-check-<node>-<i>} (one per
 * check; runs {@code HealthCheck.run}, never two runs of one check at once). Must not touch: Ratis
 * (reports go through the submit function the caller gives), the data plane, the reconciler.
 *
 * <p>Thread rules: {@code RiseFall} and the check spec records are immutable. The monitor's builder
 * and {@code close()} may be called on any thread; its listener runs on the scheduler thread and
 * must return quickly; the submit function is called on the scheduler thread and must not block.
 */
package io.raftvip.coordinator.health;
