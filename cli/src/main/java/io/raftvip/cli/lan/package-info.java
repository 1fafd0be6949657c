/**
 * Tools to run and watch a cluster of real {@code raftvip agent} processes on a namespace LAN
 * ({@link io.raftvip.testlan.TestLan}), shared by {@code raftvip demo} and the agent tests: the
 * agent processes with their configs ({@link io.raftvip.cli.lan.AgentCluster}), an admin API client
 * whose sockets live in a node's namespace ({@link io.raftvip.cli.lan.AdminClient}), the kernels'
 * view of the VIP and its fence ({@link io.raftvip.cli.lan.KernelView}) and in-JVM probe tools
 * ({@link io.raftvip.cli.lan.VipProbes}).
 *
 * <p>Owns nothing in the root namespace: every socket is opened in a LAN namespace and every
 * process is started there (and killed by PID). Threads: each watcher, responder and prober has one
 * named daemon thread that its {@code close()} stops; every loop and wait is bounded.
 */
package io.raftvip.cli.lan;
