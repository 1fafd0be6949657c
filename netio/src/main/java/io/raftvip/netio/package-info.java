/**
 * The Linux data plane's rtnetlink half: {@link io.raftvip.netio.Netlink} (one socket shared by)
 * {@link io.raftvip.netio.AddressTable}, {@link io.raftvip.netio.Links}, {@link
 * io.raftvip.netio.Macvlan} and {@link io.raftvip.netio.NeighbourTable}; {@link
 * io.raftvip.netio.NetlinkEvents} for notifications; {@link io.raftvip.netio.VmacSysctls}; and
 * {@link io.raftvip.netio.NetioException}, the root of every netio error, with the sealed rtnetlink
 * branch {@link io.raftvip.netio.RtnetlinkException}. The nftables fence and the AF_PACKET
 * announcer live in the sub-packages {@code fence} and {@code announce}; the byte codec in {@code
 * nl}; libc bindings in {@code sys}.
 *
 * <p>Owns: addresses tagged with IFA_PROTO {@link io.raftvip.netio.Ownership#ADDRESS_PROTO} and
 * links whose alias starts with "raftvip:". Must not touch anything else: replace, renew, delete,
 * set up/down and link deletion refuse objects without raftvip's mark ({@link
 * io.raftvip.netio.NotOwnedByRaftvip}). Reading is unrestricted; writing IPv4 settings of a VMAC's
 * parent is the one deliberate exception (keepalived does the same).
 *
 * <p>Namespaces: a netlink socket acts on the network namespace of the thread that opened it,
 * forever, whichever thread later uses it. Open sockets inside the namespace (e.g. {@code
 * host.inNetns(Netlink::open)}) and resolve interface names through {@link io.raftvip.netio.Links},
 * never through libc's {@code if_nametoindex}, which uses the calling thread's namespace.
 *
 * <p>Thread rules: {@link io.raftvip.netio.Netlink} and the tables are thread-safe; requests are
 * serialized on the socket, one at a time, each bounded by the socket's request timeout (default 5
 * s). Nothing here may be called from a Ratis callback: hand effects to an executor owned by netio.
 * {@link io.raftvip.netio.NetlinkEvents} runs one named daemon thread that owns its sockets; its
 * listener must return quickly. Everything that owns a descriptor or thread is {@link
 * java.lang.AutoCloseable}.
 *
 * <p>Minimum kernel: 6.1 (IFA_PROTO). On older kernels every address reads as proto 0, so raftvip
 * can add addresses but refuses to replace or delete them.
 */
package io.raftvip.netio;
