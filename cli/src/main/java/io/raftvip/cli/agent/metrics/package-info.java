/**
 * The agent's Prometheus endpoint: {@link io.raftvip.cli.agent.metrics.AgentMetrics} turns the
 * node's events ({@link io.raftvip.coordinator.metrics.NodeMetrics} callbacks and applied log
 * entries) into counters and histograms and reads gauges (Raft term and indexes, ownership, fence,
 * lease, health) from the node on every scrape; {@link io.raftvip.cli.agent.metrics.MetricsServer}
 * serves the registry over HTTP on {@code metrics.listen}. The metric names and what to alert on
 * are in docs/operations.md.
 *
 * <p>Owns: the metric names, labels and buckets. Must not touch: the node's state (read only), the
 * data plane. Label values are bounded: VIP names and node ids come from the replicated state (or
 * the configured voters), reasons and operations from fixed sets.
 *
 * <p>Thread rules: callbacks arrive concurrently from the node's owner, leader, reconciler, event
 * and gRPC threads, scrapes from the HTTP server's threads; everything here is thread-safe
 * (Prometheus metrics, concurrent maps, the synchronized failover clock) and never blocks.
 */
package io.raftvip.cli.agent.metrics;
