/**
 * The end-to-end failover harness ({@code benchmarks/run.sh failover}): raftvip's real agents and
 * keepalived side by side on one namespace {@link io.raftvip.testlan.TestLan}, the same client,
 * probes and faults, figures as a client sees them (outage, takeover, old owner's fence, overlap,
 * flaps, leftovers) and the daemons' memory and CPU. Entry point {@link
 * io.raftvip.bench.failover.FailoverBenchmark}.
 *
 * <p>Owns: the LAN's namespaces, the daemons it starts (signalled only by PID), a temporary
 * directory with configs, logs and Raft storage. Never touches the root namespace: {@code ip} and
 * {@code nft} run only inside node namespaces; the kernel and mass views open netlink and nftables
 * sockets inside them.
 *
 * <p>Threads: the main thread drives trials; {@code VipProbes} runs one responder thread per node
 * and a prober (three threads) per trial; {@code KernelView} and {@code MassView} one sampler each;
 * a watchdog ends the JVM after the budget plus 15 minutes. All bounded in time and count.
 */
package io.raftvip.bench.failover;
