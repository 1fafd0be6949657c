/**
 * Metrics seams of a node, free of any metrics library: {@link
 * io.raftvip.coordinator.metrics.NodeMetrics}, the listener the lease loops and the reconciler call
 * at the moments worth counting (renewals, grants, data-plane writes, serving), and {@link
 * io.raftvip.coordinator.metrics.FailoverClock}, the pure bookkeeping that turns applied log
 * entries into failover durations. An exporter (the agent's Prometheus endpoint) implements the
 * listener and reads gauges (term, commit index, ownership) from the node on scrape.
 *
 * <p>Owns: nothing but these seams. Must not touch: the replicated state, the data plane, Ratis.
 *
 * <p>Thread rules: {@link io.raftvip.coordinator.metrics.NodeMetrics} is called from several of the
 * node's threads at once (owner, leader, reconciler, gRPC callback threads); implementations must
 * be thread-safe and return quickly, and whatever they throw is logged and dropped by the caller,
 * never allowed to stop a loop. {@link io.raftvip.coordinator.metrics.FailoverClock} is
 * synchronized and does no IO.
 */
package io.raftvip.coordinator.metrics;
