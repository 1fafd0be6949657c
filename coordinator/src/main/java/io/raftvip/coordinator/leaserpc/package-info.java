/**
 * The lease protocol's shell: the {@code raftvip.peer.v1.PeerService} gRPC service ({@link
 * io.raftvip.coordinator.leaserpc.LeaseService}: Ping answered by the follower witness, Renew
 * answered by the {@link io.raftvip.coordinator.leaserpc.LeaderLoop}), the {@link
 * io.raftvip.coordinator.leaserpc.OwnerLoop} that renews and feeds {@code OwnerLease}, and {@link
 * io.raftvip.coordinator.leaserpc.LeaseNode} wiring them to a {@code RaftNode} and a {@code
 * Reconciler}. docs/safety.md §8 lists the rules this package follows.
 *
 * <p>Owns: the lease server socket (bound to the node's configured lease address), one channel per
 * peer (both plaintext, or mutual TLS with the credentials of {@code io.raftvip.coordinator.tls}),
 * and three named threads per node: {@code raftvip-witness-<node>} (the one {@code LeaseWitness}),
 * {@code raftvip-leader-<node>} (serializes pings' acknowledgements, grants and controller plans),
 * {@code raftvip-owner-<node>} (the one {@code OwnerLease}). gRPC threads only enqueue onto these.
 * Must not touch: the data plane (the reconciler does), Ratis internals (only {@code RaftNode}'s
 * public API), anything inside a Ratis callback.
 *
 * <p>Every RPC carries a deadline: pings rpcTimeoutMinMs (a later acknowledgement adds nothing),
 * renewals leaseDurationMs (a later grant is useless).
 */
package io.raftvip.coordinator.leaserpc;
