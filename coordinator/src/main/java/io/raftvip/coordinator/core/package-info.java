/**
 * The replicated model of raftvip, pure: {@link io.raftvip.coordinator.core.ClusterState} (VIPs
 * with their {@link io.raftvip.coordinator.core.Assignment}s, nodes), the {@link
 * io.raftvip.coordinator.core.Command}s that change it, {@link
 * io.raftvip.coordinator.core.Transitions} (validate and apply, deterministic at a log index) and
 * {@link io.raftvip.coordinator.core.Placement} (who should hold a VIP).
 *
 * <p>Owns: the meaning of every command and the invariants of the state (an epoch strictly
 * increases whenever a VIP changes hands; only ACTIVE nodes hold VIPs). Rejections are values
 * ({@link io.raftvip.coordinator.core.Rejection}); a broken invariant throws.
 *
 * <p>Must not touch: IO of any kind, clocks, threads, randomness, Ratis, protobuf, netio. The Ratis
 * glue translates protobuf to these records and back; sub-packages {@code lease} (timing, leases,
 * the holder's state machine) and {@code control} (the leader's decisions) build on this one and
 * never the other way round.
 *
 * <p>Thread rules: everything here is immutable and may be shared freely; the glue applies commands
 * one at a time in log order.
 */
package io.raftvip.coordinator.core;
