/**
 * {@code raftvip demo}: the failover demo. {@link io.raftvip.cli.demo.LanCluster} builds a LAN of
 * network namespaces and runs three real {@code raftvip agent} processes there (the tools of {@code
 * io.raftvip.cli.lan}); {@link io.raftvip.cli.demo.SimulatedCluster} ({@code --simulated}) runs
 * three {@code RaftVipNode}s in this process on in-memory data planes. {@link
 * io.raftvip.cli.demo.DemoRun} injects the faults into whichever node owns the VIP; {@link
 * io.raftvip.cli.demo.ScenarioReport} merges the witnesses (committed assignments, the nodes' fence
 * and address, the client's neighbour entry and probes) into a timeline; {@link
 * io.raftvip.cli.demo.DemoOutput} prints it and writes the JSON and SVG.
 *
 * <p>Owns: the namespaces of its {@link io.raftvip.testlan.TestLan}, the processes it starts there
 * and a temporary storage directory; nothing in the root namespace. Writes only into its output
 * directory.
 *
 * <p>Threads: the demo's caller thread runs the scenarios; the witnesses (kernel view, kernel
 * watcher, responders, prober, the simulation's sampler) each run one named daemon thread that the
 * cluster's {@code close()} stops, also from the Ctrl-C shutdown hook. Every wait is bounded.
 */
package io.raftvip.cli.demo;
