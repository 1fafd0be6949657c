/**
 * The kernel-enforced fence: a node stops answering for a VIP at its lease deadline even if its JVM
 * is paused, frozen or killed, because the kernel, not Java, ends the lease.
 *
 * <h2>Two layers</h2>
 *
 * <ol>
 *   <li><b>nftables set-element timeouts (this package), millisecond precision.</b> For every
 *       managed VIP, rules in raftvip's own tables ({@code arp}, {@code inet}, {@code netdev}
 *       families, one name, see {@link io.raftvip.netio.fence.NftCommands}) drop ARP replies and
 *       requests with the VIP as sender, IPv6 neighbour solicitations and advertisements from it,
 *       IP traffic to and from it, and frames on the wire (netdev egress: also what user space
 *       sends via AF_PACKET), <em>unless</em> the VIP is an element of the {@code lease} set. A
 *       renewal writes that element with a timeout equal to the milliseconds left until the
 *       deadline. The kernel checks expiry on every packet lookup ({@code nft_set_elem_expired}),
 *       so the gate shuts within one jiffy of the deadline with nobody running (measured on 6.18,
 *       HZ=250: last answer 0.4-8 ms <em>before</em> the deadline, also with the arming JVM
 *       SIGKILLed or SIGSTOPped; NftablesFenceTest prints the figures). A renewal whose deadline
 *       has passed deletes the element; it never extends.
 *   <li><b>Address lifetimes (rtnetlink, {@code AddressTable}, {@code valid_lft}), second
 *       precision.</b> The VIP address itself is added with a valid lifetime a little beyond the
 *       lease and renewed with it; the kernel deletes it when it runs out (late by up to ~0.5 s,
 *       linux-dataplane.md B.2). This is the backstop if the nft ruleset is gone (an operator
 *       flushed the ruleset) and it cleans up the address of a dead agent.
 * </ol>
 *
 * <p>Budget: an owner's gate is shut at most one jiffy after its deadline; the next owner must wait
 * the lease plus that plus the clock-rate margin before it answers. The lifetime backstop has a
 * much wider margin and is not what the failover timing relies on.
 *
 * <h2>Ownership</h2>
 *
 * The fence creates, rewrites and on {@link io.raftvip.netio.fence.Fence#close()} deletes only its
 * own three tables; other tables (firewalld, docker, an operator's) are never read or changed. A
 * killed agent leaves its tables behind: VIPs stay fenced (fail-safe) and a restarted agent adopts
 * them, keeping elements and replacing the rules. The ruleset lives in the network namespace the
 * fence was opened in.
 *
 * <h2>Threads</h2>
 *
 * {@link io.raftvip.netio.fence.NftablesFence} runs every libnftables call and every lease batch on
 * its one thread ({@code raftvip-fence}), created by {@code open()} in the caller's namespace,
 * where it also opens its libnftables context and its NETLINK_NETFILTER socket; its public methods
 * are thread-safe and block for at most the command timeout. The ruleset is created, changed and
 * listed through libnftables (nft text); renewals and closes write only lease elements, as raw
 * nf_tables netlink batches ({@link io.raftvip.netio.fence.NftElementBatch}): ~0.06 ms for one VIP
 * against ~0.3-0.45 ms through libnftables, whose text parsing dominated (measured; forking {@code
 * nft} costs several ms; docs/benchmarks.md). The kernel counts a timeout from its commit, so a
 * renewal that took longer than 2 ms from its clock read to the commit (cold code, GC pause) is
 * written again with the shorter remainder: without that, the first renewal of a fresh JVM ended
 * its lease ~36 ms late (measured). Never call the fence from a Ratis callback; the coordinator's
 * effect executor does.
 *
 * <h2>Kernel versions</h2>
 *
 * Needs nf_tables with the netdev egress hook (5.16+; Debian 12's 6.1 has it) and libnftables.so.1
 * (Debian package {@code libnftables1}). The refresh batch (add; delete; add) is written for 6.1,
 * where a re-add of an existing element is a no-op and a delete of an expired one fails; on kernels
 * with the 2024 element-timeout update a re-add only refreshes when the timeout differs, so the
 * same batch is needed there too. Verified on 6.18 (expiry moves, no gaps, expired elements
 * re-added); 6.1 is covered by the same batch semantics but was not run here.
 */
package io.raftvip.netio.fence;
