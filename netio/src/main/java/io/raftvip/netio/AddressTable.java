package io.raftvip.netio;

import io.raftvip.netio.NetlinkSocket.Subject;
import io.raftvip.netio.nl.NetlinkMessage;
import io.raftvip.netio.nl.Nlmsg;
import io.raftvip.netio.nl.Rtnl;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The addresses on the interfaces of one network namespace; mirrors {@code ip addr
 * add/replace/del/show}.
 *
 * <p>Ownership: every address added here carries IFA_PROTO = {@link Ownership#ADDRESS_PROTO} and,
 * for IPv4, a label. {@link #replace}, {@link #renew} and {@link #delete} look the address up first
 * and throw {@link NotOwnedByRaftvip} for an address someone else added, without sending anything.
 * The lookup and the change are two requests; an address that changes hands between them
 * (microseconds) is not detected.
 *
 * <p>Identity: IPv4 addresses are identified by address and prefix length (the kernel allows
 * 198.18.0.5/24 and 198.18.0.5/32 side by side); IPv6 addresses by address alone.
 *
 * <p>Thread-safe: holds no state besides the shared socket, which serializes requests.
 */
public final class AddressTable {
  /** Suffix of the default IPv4 label, "eth0:rv". */
  public static final String DEFAULT_LABEL_SUFFIX = ":rv";

  private final NetlinkSocket socket;
  private final Links links;

  AddressTable(NetlinkSocket socket, Links links) {
    this.socket = socket;
    this.links = links;
  }

  /**
   * Adds {@code spec} to {@code ifname} (NLM_F_CREATE|NLM_F_EXCL), tagged as raftvip's.
   *
   * @throws AddressExists when the address is already there (raftvip's or not)
   * @throws NoSuchInterface when {@code ifname} does not exist
   */
  public void add(String ifname, AddressSpec spec) {
    Link link = link(ifname, "add address", spec.cidr());
    String label = label(link, spec, "add address");
    socket.ack(
        AddressCodec.newAddress(link.index(), spec, label, Nlmsg.NLM_F_CREATE | Nlmsg.NLM_F_EXCL),
        "add address",
        describe(spec.cidr(), link),
        Subject.ADDRESS);
  }

  /**
   * Adds {@code spec}, or updates it when raftvip's address is already there
   * (NLM_F_CREATE|NLM_F_REPLACE). On an existing address this resets the lifetime clock: the kernel
   * counts the new valid lifetime from now. For IPv4, flags of an existing address stay as they
   * were; only lifetimes change.
   *
   * @throws NotOwnedByRaftvip when the address exists but someone else added it
   */
  public void replace(String ifname, AddressSpec spec) {
    Link link = link(ifname, "replace address", spec.cidr());
    String object = describe(spec.cidr(), link);
    String label = label(link, spec, "replace address");
    Optional<InterfaceAddress> existing = find(link, spec.address(), spec.prefixLength());
    if (existing.isPresent()) {
      requireOwned(existing.get(), "replace address", object, "replace it");
    }
    socket.ack(
        AddressCodec.newAddress(
            link.index(), spec, label, Nlmsg.NLM_F_CREATE | Nlmsg.NLM_F_REPLACE),
        "replace address",
        object,
        Subject.ADDRESS);
  }

  /**
   * Renews raftvip's existing address with the lifetimes of {@code spec} (a lease refresh). Unlike
   * {@link #replace} it never creates: an address that already expired stays gone.
   *
   * @throws AddressNotFound when the address is not there (e.g. its lifetime ran out)
   * @throws NotOwnedByRaftvip when someone else added it
   */
  public void renew(String ifname, AddressSpec spec) {
    Link link = link(ifname, "renew address", spec.cidr());
    String object = describe(spec.cidr(), link);
    String label = label(link, spec, "renew address");
    InterfaceAddress existing =
        find(link, spec.address(), spec.prefixLength())
            .orElseThrow(() -> new AddressNotFound("renew address", object, 0));
    requireOwned(existing, "renew address", object, "renew it");
    socket.ack(
        AddressCodec.newAddress(link.index(), spec, label, Nlmsg.NLM_F_REPLACE),
        "renew address",
        object,
        Subject.ADDRESS);
  }

  /**
   * Deletes raftvip's address {@code address/prefixLength} from {@code ifname}.
   *
   * @throws AddressNotFound when it is not there
   * @throws NotOwnedByRaftvip when someone else added it
   */
  public void delete(String ifname, InetAddress address, int prefixLength) {
    Link link = link(ifname, "delete address", AddressSpec.cidr(address, prefixLength));
    String object = describe(AddressSpec.cidr(address, prefixLength), link);
    InterfaceAddress existing =
        find(link, address, prefixLength)
            .orElseThrow(() -> new AddressNotFound("delete address", object, 0));
    requireOwned(existing, "delete address", object, "delete it");
    socket.ack(AddressCodec.deleteAddress(existing), "delete address", object, Subject.ADDRESS);
  }

  /** Deletes raftvip's address given as "198.18.0.200/32". */
  public void delete(String ifname, String cidr) {
    AddressSpec spec = AddressSpec.of(cidr);
    delete(ifname, spec.address(), spec.prefixLength());
  }

  /** Every IPv4 and IPv6 address in the namespace. */
  public List<InterfaceAddress> list() {
    return list(0, Rtnl.AF_UNSPEC);
  }

  /** Every IPv4 and IPv6 address on {@code ifname}. */
  public List<InterfaceAddress> list(String ifname) {
    return list(links.indexOf(ifname), Rtnl.AF_UNSPEC);
  }

  /**
   * Addresses on {@code ifindex} (0 for all interfaces) of {@code family} (AF_INET, AF_INET6, or
   * AF_UNSPEC for both).
   *
   * <p>A dump is a snapshot only when nothing changes while it runs. Interrupted IPv4 dumps are
   * flagged by the kernel and retried ({@link DumpInterrupted} when retries run out), but IPv6
   * dumps that span several datagrams (roughly 400+ addresses) may skip entries unflagged while
   * addresses change (Linux 6.18). Single-address checks do not depend on dumps for IPv6.
   */
  public List<InterfaceAddress> list(int ifindex, int family) {
    if (family != Rtnl.AF_UNSPEC && family != Rtnl.AF_INET && family != Rtnl.AF_INET6) {
      throw new InvalidArgument("list addresses", "family " + family, "family must be 0, 2 or 10");
    }
    List<NetlinkMessage> parts =
        socket.dump(
            AddressCodec.dumpRequest(family, ifindex),
            "list addresses",
            ifindex == 0 ? "all interfaces" : "ifindex " + ifindex,
            Subject.ADDRESS);
    List<InterfaceAddress> out = new ArrayList<>(parts.size());
    for (NetlinkMessage m : parts) {
      if (m.type() != Rtnl.RTM_NEWADDR) {
        continue;
      }
      Optional<InterfaceAddress> a = AddressCodec.decode(m);
      // The kernel filters by ifindex under strict checking; filter again in case it did not.
      if (a.isPresent() && (ifindex == 0 || a.get().ifindex() == ifindex)) {
        out.add(a.get());
      }
    }
    return List.copyOf(out);
  }

  /** The address {@code address/prefixLength} on {@code ifname} (any owner), if present. */
  public Optional<InterfaceAddress> find(String ifname, InetAddress address, int prefixLength) {
    return find(links.get(ifname), address, prefixLength);
  }

  /**
   * The lookup behind every ownership check. IPv6 asks the kernel for exactly this address: an IPv6
   * address dump that spans several datagrams can silently skip entries when addresses change
   * meanwhile, and Linux 6.18 does not flag that with NLM_F_DUMP_INTR (measured: 32 of 300 dumps of
   * 1500 addresses missed one while another thread added and deleted an address). IPv4 has no
   * single-address query, but every IPv4 address change bumps the generation counter that the
   * kernel checks between datagrams (fib_inetaddr_event), so an interrupted dump is flagged and
   * retried.
   */
  private Optional<InterfaceAddress> find(Link link, InetAddress address, int prefixLength) {
    if (!(address instanceof Inet4Address)) {
      String object = describe(AddressSpec.cidr(address, prefixLength), link);
      try {
        for (NetlinkMessage m :
            socket.get(
                AddressCodec.getIpv6Request(address, link.index()),
                "look up address",
                object,
                Subject.ADDRESS)) {
          Optional<InterfaceAddress> a = AddressCodec.decode(m);
          if (m.type() == Rtnl.RTM_NEWADDR
              && a.isPresent()
              && a.get().ifindex() == link.index()
              && a.get().address().equals(address)) {
            return a;
          }
        }
        return Optional.empty();
      } catch (AddressNotFound e) {
        return Optional.empty();
      }
    }
    for (InterfaceAddress a : list(link.index(), Rtnl.AF_INET)) {
      if (a.address().equals(address) && a.prefixLength() == prefixLength) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /** Resolves {@code ifname}, reporting a missing one in terms of the address operation. */
  private Link link(String ifname, String operation, String cidr) {
    try {
      return links.get(ifname);
    } catch (NoSuchInterface e) {
      throw new NoSuchInterface(operation, cidr + " on " + ifname, e.errno());
    }
  }

  private static void requireOwned(
      InterfaceAddress a, String operation, String object, String refusedAction) {
    if (!a.ownedByRaftvip()) {
      throw new NotOwnedByRaftvip(operation, object, "proto " + a.proto(), refusedAction);
    }
  }

  /** The IPv4 label to send: the spec's (checked against the interface name) or the default. */
  static String label(Link link, AddressSpec spec, String operation) {
    if (spec.isIpv6()) {
      return null;
    }
    String ifname = link.name();
    if (spec.label().isPresent()) {
      String label = spec.label().get();
      if (!label.equals(ifname) && !label.startsWith(ifname + ":")) {
        throw new InvalidArgument(
            operation,
            describe(spec.cidr(), link),
            "label '" + label + "' must be '" + ifname + "' or start with '" + ifname + ":'");
      }
      return label;
    }
    String label = ifname + DEFAULT_LABEL_SUFFIX;
    return label.length() < Rtnl.IFNAMSIZ ? label : ifname;
  }

  /** "198.18.0.200/32 on eth0 (ifindex 2)". */
  static String describe(String cidr, Link link) {
    return cidr + " on " + link.describe();
  }
}
