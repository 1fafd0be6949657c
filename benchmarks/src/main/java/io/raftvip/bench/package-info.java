/**
 * Benchmarks, run by hand through {@code benchmarks/run.sh}, never by the test suite.
 *
 * <ul>
 *   <li>{@link io.raftvip.bench.NetioBenchmark}: the data plane on the real kernel, in its own
 *       {@code TestLan} (2 nodes + client): rtnetlink, nftables fence and AF_PACKET announcer
 *       against forking {@code ip}, {@code nft} and {@code arping} in the same run; fence and
 *       address-lifetime precision. Needs root; prints Markdown tables for docs/benchmarks.md.
 *   <li>JMH micro-benchmarks of the pure codecs: {@link io.raftvip.bench.NetlinkEncodeBenchmark}
 *       and {@link io.raftvip.bench.FrameBuildBenchmark}.
 * </ul>
 *
 * <p>Owns only the namespaces its {@code TestLan} creates (removed in {@code finally} and by the
 * fixture's shutdown hook); never touches the root namespace: every fork runs from a thread that
 * entered a LAN namespace, and that inheritance is checked before the first fork ({@link
 * io.raftvip.bench.NamespaceFork}). Every loop is bounded in count and time, and a watchdog ends
 * the run after {@link io.raftvip.bench.NetioBenchmark#RUN_LIMIT_MS}.
 *
 * <p>Threads: the main thread drives everything; the prober runs two threads in the client
 * namespace, the echo responder one in the node namespace, all bounded and joined per trial.
 */
package io.raftvip.bench;
