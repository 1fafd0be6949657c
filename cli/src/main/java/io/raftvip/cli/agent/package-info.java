/**
 * {@code raftvip agent}: the standalone daemon. {@link AgentSettings} turns a validated {@link
 * io.raftvip.cli.config.AgentConfig} into the coordinator's settings, {@link Preflight} refuses to
 * start without privileges, a usable storage directory or interface, and {@link Agent} runs the
 * node, the admin gRPC server and the one-time VIP bootstrap until it is closed (SIGTERM: graceful
 * release of this node's VIPs).
 *
 * <p>Threads: the caller's thread starts and closes the agent; the bootstrap runs on one daemon
 * thread with bounded retries; gRPC and Ratis own their threads.
 */
package io.raftvip.cli.agent;
