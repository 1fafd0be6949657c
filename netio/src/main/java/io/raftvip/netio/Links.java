package io.raftvip.netio;

import io.raftvip.netio.NetlinkSocket.Subject;
import io.raftvip.netio.nl.NetlinkMessage;
import io.raftvip.netio.nl.Rtnl;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads network interfaces (RTM_GETLINK) and writes their per-interface IPv4 settings; mirrors
 * {@code ip link show}. Creating and removing links is {@link Macvlan}'s job, for links raftvip
 * owns only.
 *
 * <p>Names are resolved through netlink, never {@code if_nametoindex}: libc resolves names in the
 * calling thread's network namespace, which need not be the socket's.
 *
 * <p>Thread-safe: holds no state besides the shared socket, which serializes requests.
 */
public final class Links {
  private final NetlinkSocket socket;

  Links(NetlinkSocket socket) {
    this.socket = socket;
  }

  /**
   * The link named {@code name}.
   *
   * @throws NoSuchInterface when there is none in the socket's namespace
   */
  public Link get(String name) {
    checkName(name, "get link");
    List<NetlinkMessage> replies =
        socket.get(LinkCodec.getByName(name), "get link", name, Subject.LINK);
    return single(replies, "get link", name);
  }

  /**
   * The link with ifindex {@code index}.
   *
   * @throws NoSuchInterface when there is none in the socket's namespace
   */
  public Link get(int index) {
    String object = "ifindex " + index;
    if (index <= 0) {
      throw new NoSuchInterface("get link", object, 0);
    }
    List<NetlinkMessage> replies =
        socket.get(LinkCodec.getByIndex(index), "get link", object, Subject.LINK);
    return single(replies, "get link", object);
  }

  /** The link named {@code name}, or empty when there is none. */
  public Optional<Link> find(String name) {
    try {
      return Optional.of(get(name));
    } catch (NoSuchInterface e) {
      return Optional.empty();
    }
  }

  /** The ifindex of {@code name}. */
  public int indexOf(String name) {
    return get(name).index();
  }

  /** Every link in the namespace, in ifindex order as the kernel dumps them. */
  public List<Link> list() {
    List<NetlinkMessage> parts =
        socket.dump(LinkCodec.dumpRequest(), "list links", "all links", Subject.LINK);
    List<Link> out = new ArrayList<>(parts.size());
    for (NetlinkMessage m : parts) {
      if (m.type() == Rtnl.RTM_NEWLINK) {
        out.add(LinkCodec.decode(m));
      }
    }
    return List.copyOf(out);
  }

  /**
   * Writes IPv4 per-interface settings ({@code net.ipv4.conf.<name>.*}) through netlink, in one
   * request. Works on any link, owned or not: the parent of a VMAC needs arp_ignore/arp_filter too
   * (see {@link VmacSysctls}).
   */
  public void setIpv4Conf(String name, Map<Ipv4DevConf, Integer> values) {
    if (values.isEmpty()) {
      return;
    }
    Link link = get(name);
    socket.ack(
        LinkCodec.setIpv4Conf(link.index(), values),
        "set IPv4 settings " + describe(values) + " on",
        link.describe(),
        Subject.LINK);
  }

  static String describe(Map<Ipv4DevConf, Integer> values) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<Ipv4DevConf, Integer> e : new java.util.EnumMap<>(values).entrySet()) {
      sb.append(sb.length() == 0 ? "" : ",")
          .append(e.getKey().sysctlName())
          .append('=')
          .append(e.getValue());
    }
    return sb.toString();
  }

  static void checkName(String name, String operation) {
    if (name == null || name.isEmpty() || name.length() >= Rtnl.IFNAMSIZ) {
      throw new InvalidArgument(
          operation, String.valueOf(name), "interface name must be 1..15 characters");
    }
  }

  private static Link single(List<NetlinkMessage> replies, String operation, String object) {
    for (NetlinkMessage m : replies) {
      if (m.type() == Rtnl.RTM_NEWLINK) {
        return LinkCodec.decode(m);
      }
    }
    throw new NoSuchInterface(operation, object, 0);
  }
}
