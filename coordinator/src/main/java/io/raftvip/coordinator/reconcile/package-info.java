/**
 * The reconciler: carries a node's {@link io.raftvip.coordinator.core.lease.OwnerEffect}s out into
 * kernel state, in order, on one named thread ({@code raftvip-reconciler}), through a {@link
 * io.raftvip.coordinator.reconcile.DataPlane}: {@link
 * io.raftvip.coordinator.reconcile.KernelDataPlane} (netio: nftables fence, rtnetlink addresses,
 * AF_PACKET announcer) or {@link io.raftvip.coordinator.reconcile.InMemoryDataPlane} (a recording
 * fake for tests).
 *
 * <p>Owns: the order of data-plane writes (fence armed before an address is added; fence closed and
 * address removed before a Release is committed) and the rule that an address is added or announced
 * only while this process has the VIP's fence armed, at that epoch, with a deadline in the future.
 * Also owns drift repair: kernel changes nobody asked for ({@link
 * io.raftvip.coordinator.reconcile.Drift}: an address deleted, a link back up, an interface
 * deleted, a foreign copy of a VIP) are re-checked and repaired or reported on the reconciler
 * thread. Must not touch: Ratis, the replicated state, addresses, links or nftables tables raftvip
 * did not create (netio refuses them, see {@code io.raftvip.netio}); a foreign address equal to a
 * VIP is reported, never removed.
 *
 * <p>Thread rules: {@link io.raftvip.coordinator.reconcile.Reconciler#submit} may be called from
 * any thread except a Ratis callback and never blocks; every {@link
 * io.raftvip.coordinator.reconcile.DataPlane} call happens on the reconciler thread, one at a time.
 * Drift reports come from the data plane's own thread ({@code raftvip-drift-events} in {@link
 * io.raftvip.coordinator.reconcile.KernelDataPlane}), which only translates and queues them: never
 * a kernel call there. Drift shares the bounded queue, deduplicated, and is dropped (counted) when
 * the queue is three quarters full, so it can never crowd out effects. The queue is bounded; a
 * batch that does not fit is dropped and counted, which is safe: a dropped arm only shortens the
 * lease (the kernel closes the fence at the old deadline), and a Release is committed only after
 * the reconciler itself closed the fence and removed the address.
 */
package io.raftvip.coordinator.reconcile;
