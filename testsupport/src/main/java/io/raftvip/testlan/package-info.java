/**
 * The test LAN: throw-away network namespaces joined by a Linux bridge, for tests that need a real
 * kernel network (ARP, NDP, nftables, netlink, several JVMs on one LAN).
 *
 * <p>{@link io.raftvip.testlan.TestLan} builds a switch namespace with bridge {@code br0}, node
 * namespaces {@code n1..nN} and an optional client namespace, each attached by a veth pair whose
 * host end is {@code eth0}. It injects faults (carrier loss, admin down, nftables partitions),
 * captures frames on the bridge ({@link io.raftvip.testlan.Capture}) and runs commands, JVMs and
 * Java code inside a namespace ({@link io.raftvip.testlan.Host}).
 *
 * <p>What it owns and must not touch: it creates, changes and deletes only namespaces whose names
 * carry its per-run prefix {@code rvt<pid><tag>-}; every command it runs is either {@code ip -n
 * <ns> ...} or {@code ip netns exec <ns> ...}, so nothing in the root namespace (the host's
 * interfaces, routes, firewall) is ever changed. It kills only processes it started, by PID. The
 * stale sweep deletes only namespaces of earlier runs of this fixture whose JVM is gone.
 *
 * <p>Thread rules: a {@code TestLan} and its hosts may be used from any thread; fault and lifecycle
 * methods are serialized on the {@code TestLan}. {@link io.raftvip.testlan.Host#inNetns} runs its
 * code on a fresh platform thread that has entered the namespace with {@code setns(2)}; that thread
 * ends afterwards because it can never leave the namespace again. Every command, wait and poll here
 * has a timeout.
 */
package io.raftvip.testlan;
