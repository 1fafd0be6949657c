/**
 * {@code raftvip demo}: a real data-plane failover demo on a LAN of network namespaces, the most
 * complete real thing that exists until the Raft-backed agent does.
 *
 * <p>What is real: each node's agent ({@link io.raftvip.cli.demo.DemoOwnerAgent}, a child JVM in
 * the node's namespace) runs the core's holder lease ({@code OwnerLease}) and carries its effects
 * out with netio: the nftables fence armed to the lease deadline before the address is added, the
 * address with a valid lifetime as backstop, gratuitous ARP. The leader role ({@link
 * io.raftvip.cli.demo.DemoLeader}) applies the core's commands to the core's {@code ClusterState}
 * and decides renewals and expiries with the core's {@code NodeLeases} and {@code TimingSettings}.
 * The client's view comes from the testsupport probe tools. What is not: there is no Raft; the
 * leader is the demo's own process and its state is not replicated.
 *
 * <p>Owns: the namespaces of its {@link io.raftvip.testlan.TestLan} and the child processes it
 * starts there; nothing in the root namespace. Writes only into its output directory.
 *
 * <p>Threads: the demo's caller thread runs the scenarios; one reader thread per agent, the leader
 * controller thread and the kernel watcher thread are named daemons that {@link
 * io.raftvip.cli.demo.DemoRun} stops. {@link io.raftvip.cli.demo.DemoLeader} is synchronized; the
 * agent is single-threaded apart from its stdin reader. Every wait is bounded.
 */
package io.raftvip.cli.demo;
