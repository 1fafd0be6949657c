/**
 * The embedding API: {@link io.raftvip.coordinator.api.RaftVipNode}, one raftvip member in a host
 * application, built with every collaborator explicit (members, storage, group, timing, data
 * plane), with typed {@link io.raftvip.coordinator.api.RaftVipNode.VipEvent}s.
 *
 * <p>Owns nothing but the node it starts: the Raft server, the lease service and the reconciler
 * (through {@code LeaseNode}), and with TLS the node's reloading credentials ({@code
 * io.raftvip.coordinator.tls.TlsCredentials}), closed after the lease node. The data plane belongs
 * to the caller, who closes it after the node.
 *
 * <p>Health checks registered on the builder run in a {@code HealthMonitor} (package {@code
 * io.raftvip.coordinator.health}) that the node starts after Raft and closes first; operator
 * scripts on ownership events are a listener, {@code io.raftvip.coordinator.notify.NotifyHooks}.
 *
 * <p>Thread rules: builder and {@code close()} on any thread; {@link
 * io.raftvip.coordinator.api.RaftVipNode.Listener} is called on the reconciler thread and must
 * return quickly; the health listener is called on the health scheduler thread and must return
 * quickly too.
 */
package io.raftvip.coordinator.api;
