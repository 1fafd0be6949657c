/**
 * The leader's controller, pure: {@link io.raftvip.coordinator.core.control.Controller} turns the
 * applied state, the leader's {@link io.raftvip.coordinator.core.lease.NodeLeases} and its {@link
 * io.raftvip.coordinator.core.control.ControllerMemory} into commands (expiries, assignments,
 * graceful moves) each tick.
 *
 * <p>Owns: when to expire a node, where to place an unowned VIP, when to move a held one
 * (drained/unhealthy holder, preemption after the hold-down).
 *
 * <p>Must not touch: IO, clock reads, threads, Ratis, protobuf, netio; the glue submits the
 * commands and keeps the returned state for the next tick.
 *
 * <p>Thread rules: immutable values; run on the leader's single control thread, serialized with
 * grant decisions so that a node marked for expiry is never granted again.
 */
package io.raftvip.coordinator.core.control;
