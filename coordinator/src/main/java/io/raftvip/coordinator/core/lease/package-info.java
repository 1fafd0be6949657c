/**
 * Leases and fencing, pure: {@link io.raftvip.coordinator.core.lease.TimingSettings} (every number,
 * validated), {@link io.raftvip.coordinator.core.lease.LeaseMath} (every formula), the leader's
 * {@link io.raftvip.coordinator.core.lease.LeaderLease} and {@link
 * io.raftvip.coordinator.core.lease.NodeLeases}, the follower's {@link
 * io.raftvip.coordinator.core.lease.LeaseWitness}, and the holder's {@link
 * io.raftvip.coordinator.core.lease.OwnerLease} with its {@link
 * io.raftvip.coordinator.core.lease.OwnerEffect}s. docs/safety.md derives the rules.
 *
 * <p>Owns: the safety argument that no two nodes answer for a VIP at the same instant. Times are
 * plain {@code long} milliseconds of the caller's monotonic clock, passed in; each class says whose
 * clock (leader, follower or holder) it expects. Never mix clocks of two nodes.
 *
 * <p>Must not touch: IO, clock reads, threads, Ratis, protobuf, netio. Effects are returned, never
 * performed.
 *
 * <p>Thread rules: all types are immutable; the glue confines each node's instances to one thread
 * (the leader's grant decisions and controller ticks must be serialized with each other).
 */
package io.raftvip.coordinator.core.lease;
