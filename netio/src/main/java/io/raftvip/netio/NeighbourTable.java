package io.raftvip.netio;

import io.raftvip.netio.NetlinkSocket.Subject;
import io.raftvip.netio.nl.NetlinkMessage;
import io.raftvip.netio.nl.Rtnl;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the neighbour (ARP/NDP) cache; mirrors {@code ip neigh show dev eth0}. Used to verify that
 * a client learned a VIP's new MAC after an announcement. Read-only.
 *
 * <p>Thread-safe: holds no state besides the shared socket, which serializes requests.
 */
public final class NeighbourTable {
  private final NetlinkSocket socket;
  private final Links links;

  NeighbourTable(NetlinkSocket socket, Links links) {
    this.socket = socket;
    this.links = links;
  }

  /** The entry for {@code address} on {@code ifname}, if the kernel has one (in any state). */
  public Optional<Neighbour> get(String ifname, InetAddress address) {
    Link link = links.get(ifname);
    for (Neighbour n : list(link.index(), AddressCodec.family(address))) {
      if (n.address().equals(address)) {
        return Optional.of(n);
      }
    }
    return Optional.empty();
  }

  /** Every IPv4 and IPv6 entry on {@code ifname}. */
  public List<Neighbour> list(String ifname) {
    int index = links.indexOf(ifname);
    List<Neighbour> out = new ArrayList<>(list(index, Rtnl.AF_INET));
    out.addAll(list(index, Rtnl.AF_INET6));
    return List.copyOf(out);
  }

  /** Entries of {@code family} (AF_INET or AF_INET6) on {@code ifindex} (0 for all). */
  public List<Neighbour> list(int ifindex, int family) {
    List<NetlinkMessage> parts =
        socket.dump(
            NeighbourCodec.dumpRequest(family, ifindex),
            "list neighbours",
            ifindex == 0 ? "all interfaces" : "ifindex " + ifindex,
            Subject.NEIGHBOUR);
    List<Neighbour> out = new ArrayList<>();
    for (NetlinkMessage m : parts) {
      if (m.type() != Rtnl.RTM_NEWNEIGH) {
        continue;
      }
      NeighbourCodec.decode(m)
          .filter(n -> ifindex == 0 || n.ifindex() == ifindex)
          .ifPresent(out::add);
    }
    return List.copyOf(out);
  }
}
