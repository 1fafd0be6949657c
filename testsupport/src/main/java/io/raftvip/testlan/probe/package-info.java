/**
 * Probe tools for failover measurements on a {@link io.raftvip.testlan.TestLan}: a UDP responder
 * for the nodes, a prober for the client, the line-oriented log they share and its pure analysis.
 * Used by the demo, the benchmarks and namespace tests. The figures follow the project's failover
 * measurement definitions: outage, takeover, overlap (split brain), old owner silent, flaps.
 *
 * <ul>
 *   <li>{@link io.raftvip.testlan.probe.VipResponder} (a {@code main}) runs in a node namespace and
 *       answers every probe datagram that the kernel delivers to it with its node id and the
 *       probe's sequence number. It binds the wildcard address, so it answers exactly when the
 *       kernel accepts a packet for the VIP: the VIP is configured and no fence drops it.
 *   <li>{@link io.raftvip.testlan.probe.VipProber} (a {@code main}) runs in the client namespace:
 *       UDP probes to the VIP through the client's own stack (what an application sees), directed
 *       probes (a hand-built Ethernet+IPv4+UDP frame to each node's own MAC with the VIP as
 *       destination, so two nodes able to answer show up in the same round), and ARP who-has
 *       broadcasts for the VIP from a spare identity (so the client's own neighbour entry is never
 *       rewritten). Every event is one line of {@link io.raftvip.testlan.probe.ProbeEvent}; it
 *       stops by itself after a maximum duration or event count.
 *   <li>{@link io.raftvip.testlan.probe.ProbeLog} parses that log and {@link
 *       io.raftvip.testlan.probe.Timeline} computes the figures: pure, no IO, no clock.
 * </ul>
 *
 * <p>Must not touch: anything outside the namespace each tool runs in; the tools only open sockets
 * (never change addresses, routes or firewall rules). testsupport must not depend on netio, so the
 * few AF_PACKET calls and frame layouts needed here are written in this package against the
 * fixture's own {@link io.raftvip.testlan.Libc}.
 *
 * <p>Threads: the prober runs one sender thread and two receiver threads, all bounded by its
 * maximum duration; the responder runs one thread. Analysis classes are immutable and thread-safe.
 */
package io.raftvip.testlan.probe;
