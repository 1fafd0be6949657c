package io.raftvip.netio;

import java.util.EnumMap;
import java.util.Map;

/**
 * The per-interface IPv4 settings a virtual-MAC macvlan and its parent need, as keepalived sets
 * them for {@code use_vmac} (keepalived/vrrp/vrrp_if_config.c, doc/NOTE_vrrp_vmac.txt), written
 * through netlink (IFLA_AF_SPEC/AF_INET/IFLA_INET_CONF) rather than /proc so they land in the
 * socket's namespace whatever thread calls.
 *
 * <p>Beware: for arp_ignore and arp_announce the kernel uses the maximum of {@code
 * net.ipv4.conf.all.*} and the interface's value, so a higher "all" value still wins; rp_filter
 * likewise uses the maximum of "all" and the interface.
 */
public final class VmacSysctls {
  private VmacSysctls() {}

  /** What the macvlan carrying the VIP gets. */
  public static final Map<Ipv4DevConf, Integer> VMAC;

  /** What the macvlan's parent gets. */
  public static final Map<Ipv4DevConf, Integer> PARENT;

  static {
    Map<Ipv4DevConf, Integer> vmac = new EnumMap<>(Ipv4DevConf.class);
    // Answer ARP for the VIP only on the VMAC itself, so the parent never replies with its own
    // MAC for the VIP (which would undo the point of a moving MAC).
    vmac.put(Ipv4DevConf.ARP_IGNORE, 1);
    // Accept packets whose source is a local address: the node sees its own VIP traffic coming
    // in on the parent and the VMAC, which without this would be dropped as martians.
    vmac.put(Ipv4DevConf.ACCEPT_LOCAL, 1);
    // No reverse-path filtering: replies to the VIP arrive on the VMAC while the route back to
    // the client points out of the parent, which strict rp_filter would drop.
    vmac.put(Ipv4DevConf.RP_FILTER, 0);
    // Removing a primary address must not take the secondaries on the same subnet with it
    // (devinet.c __inet_del_ifa); promote one instead.
    vmac.put(Ipv4DevConf.PROMOTE_SECONDARIES, 1);
    // Use the best local source in ARP requests, so a request never advertises the VIP as its
    // sender (receivers would update their caches from it, like a G-ARP).
    vmac.put(Ipv4DevConf.ARP_ANNOUNCE, 2);
    VMAC = Map.copyOf(vmac);

    Map<Ipv4DevConf, Integer> parent = new EnumMap<>(Ipv4DevConf.class);
    // The parent must not answer ARP for the VIP (configured on the VMAC) with the parent's MAC.
    parent.put(Ipv4DevConf.ARP_IGNORE, 1);
    // And answer only when the route back leaves through the parent itself.
    parent.put(Ipv4DevConf.ARP_FILTER, 1);
    // Not in keepalived's set, added after a failing test: replies from the VIP to an on-link
    // client leave through the parent (the connected route is there), and when the parent has to
    // resolve the client it sends an ARP request with the packet's source, the VIP, as sender
    // address and the parent's own MAC. The client then files the VIP under the parent's MAC,
    // undoing the VMAC. With 2 the parent always uses its own address in ARP requests.
    parent.put(Ipv4DevConf.ARP_ANNOUNCE, 2);
    PARENT = Map.copyOf(parent);
  }

  /**
   * Writes {@link #VMAC} on raftvip's macvlan {@code vmacName} and {@link #PARENT} on {@code
   * parentName}, then reads both back and fails if the kernel did not take a value.
   *
   * @throws NotOwnedByRaftvip when {@code vmacName} is not a link raftvip created
   * @throws KernelError when a read-back value differs
   */
  public static void apply(Netlink netlink, String vmacName, String parentName) {
    netlink.macvlans().owned(vmacName, "apply VMAC settings", "change its settings");
    Links links = netlink.links();
    links.setIpv4Conf(vmacName, VMAC);
    links.setIpv4Conf(parentName, PARENT);
    verify(links.get(vmacName), VMAC);
    verify(links.get(parentName), PARENT);
  }

  private static void verify(Link link, Map<Ipv4DevConf, Integer> expected) {
    for (Map.Entry<Ipv4DevConf, Integer> e : expected.entrySet()) {
      int actual = link.ipv4Conf(e.getKey()).orElse(-1);
      if (actual != e.getValue()) {
        throw KernelError.of(
            "verify IPv4 settings on",
            link.describe(),
            e.getKey().sysctlName() + " reads " + actual + " after setting " + e.getValue(),
            null);
      }
    }
  }
}
