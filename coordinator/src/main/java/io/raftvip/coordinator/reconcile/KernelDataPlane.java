package io.raftvip.coordinator.reconcile;

import io.raftvip.coordinator.core.VipAddress;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.netio.AddressNotFound;
import io.raftvip.netio.AddressSpec;
import io.raftvip.netio.InterfaceAddress;
import io.raftvip.netio.Link;
import io.raftvip.netio.MacAddress;
import io.raftvip.netio.MacvlanMode;
import io.raftvip.netio.MacvlanSpec;
import io.raftvip.netio.NetioException;
import io.raftvip.netio.Netlink;
import io.raftvip.netio.NetlinkEvent;
import io.raftvip.netio.NetlinkEvents;
import io.raftvip.netio.NetlinkListener;
import io.raftvip.netio.NoSuchInterface;
import io.raftvip.netio.NotOwnedByRaftvip;
import io.raftvip.netio.VirtualMac;
import io.raftvip.netio.VmacSysctls;
import io.raftvip.netio.announce.AfPacketAnnouncer;
import io.raftvip.netio.announce.Announcement;
import io.raftvip.netio.announce.Announcer;
import io.raftvip.netio.announce.AnnouncerListener;
import io.raftvip.netio.fence.Fence;
import io.raftvip.netio.fence.NftablesFence;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Linux data plane through netio: the nftables {@link Fence} (kernel-enforced deadline), VIP
 * addresses in {@code AddressTable} (tagged with raftvip's IFA_PROTO, so netio refuses to change
 * anyone else's) with the valid lifetime from the effect as backstop, and AF_PACKET announcements,
 * repeated every {@link #announceRefreshMs(long)} while the VIP is served.
 *
 * <p>Interface per VIP: the spec's {@code interfaceName}, else the default interface given at open.
 *
 * <p>Virtual MACs: a VIP with a {@code vrid} is served on a macvlan (mode private, as keepalived's
 * {@code use_vmac}) on top of its interface, named {@link #vmacName} and carrying the VRRP MAC
 * {@code 00:00:5e:00:01:<vrid>} (IPv4) or {@code 00:00:5e:00:02:<vrid>} (IPv6), created by raftvip
 * (alias "raftvip:vmac", so raftvip only ever deletes links it created). For IPv4 it gets {@link
 * VmacSysctls} (arp_ignore=1 on both, so the parent never answers ARP for the VIP with its own MAC;
 * arp_announce=2, accept_local, rp_filter=0, arp_filter on the parent). Order on becoming owner:
 * {@link #armFence} (parent's fence chain, lease element) → {@link #addAddress}: create the macvlan
 * down, settings, fence chain on the macvlan, up → address on the macvlan → {@link #announce} from
 * the macvlan with the virtual MAC as Ethernet source and sender address. On stop: close the fence
 * → {@link #removeAddress}: address, then the macvlan (when no other served VIP uses it). The fence
 * gates VIP traffic arriving on the macvlan too: its inet input and arp output rules match the VIP
 * address on any interface, and frames the announcer sends leave through the macvlan's and the
 * parent's egress chains. Other interfaces of the node on the same LAN are the operator's: with the
 * default arp_ignore=0 Linux answers ARP for any local address on any interface, so another macvlan
 * or NIC there answers for the VIP with its own MAC (measured in VmacNamespaceTest) unless it has
 * arp_ignore=1 (or {@code net.ipv4.conf.all.arp_ignore=1}).
 *
 * <p>Drift ({@link #watch}): {@link #open} also subscribes to link and address notifications
 * ({@link NetlinkEvents}, thread {@value #EVENTS_THREAD_NAME}); that thread only translates events
 * about served VIPs into {@link Drift} reports and hands them to the reconciler's bounded sink. A
 * data plane built with the public constructor reports no drift.
 *
 * <p>Clock: {@link #nowMs()} is {@code System.nanoTime()} in milliseconds (rounded down), the clock
 * the nftables fence reads; a deadline of {@code d} ms is {@code d * 1_000_000} ns to the fence.
 * Rounding the node clock down only makes leases shorter.
 *
 * <p>Namespace: {@link #open} must run on a thread in the target network namespace (netio sockets
 * and the fence thread stay in the namespace they were opened in); afterwards any thread may call.
 */
public final class KernelDataPlane implements DataPlane {

  /** Default period of the announcement refresh while a VIP is served. */
  public static final long ANNOUNCE_REFRESH_MS_DEFAULT = 10_000;

  /** Name of the thread translating netlink notifications into drift reports. */
  public static final String EVENTS_THREAD_NAME = "raftvip-drift-events";

  private static final Logger log = LoggerFactory.getLogger(KernelDataPlane.class);

  /** What this instance serves, by VIP; read by the events thread. */
  private record Served(
      VipSpec spec, InetAddress address, String ifname, int ifindex, int parentIndex) {}

  private final Netlink netlink;
  private final Fence fence;
  private final Announcer announcer;
  private final String defaultInterface;
  private final boolean ownsCollaborators;
  // Addresses this instance added, by address: the spec to remove them with. Reconciler thread.
  private final Map<InetAddress, VipSpec> added = new HashMap<>();
  private final Map<VipName, Served> served = new ConcurrentHashMap<>();
  // Last seen "up with carrier" per ifindex of a served VIP's links; written by both threads.
  private final Map<Integer, Boolean> linkUsable = new ConcurrentHashMap<>();
  private volatile Consumer<Drift> sink;
  private volatile long announceRefreshMs = ANNOUNCE_REFRESH_MS_DEFAULT;
  private volatile int announceCount = Announcement.DEFAULT_COUNT;
  private volatile long announceIntervalMs = Announcement.DEFAULT_INTERVAL_MS;
  private NetlinkEvents events;

  /**
   * A data plane over collaborators the caller owns (and closes). {@code fence} must read {@code
   * System.nanoTime()}. It reports no drift (see {@link #open}).
   */
  public KernelDataPlane(
      Netlink netlink, Fence fence, Announcer announcer, String defaultInterface) {
    this(netlink, fence, announcer, defaultInterface, false);
  }

  private KernelDataPlane(
      Netlink netlink, Fence fence, Announcer announcer, String defaultInterface, boolean owns) {
    this.netlink = Objects.requireNonNull(netlink, "netlink");
    this.fence = Objects.requireNonNull(fence, "fence");
    this.announcer = Objects.requireNonNull(announcer, "announcer");
    this.defaultInterface = Objects.requireNonNull(defaultInterface, "defaultInterface");
    if (defaultInterface.isEmpty()) {
      throw new IllegalArgumentException("default interface must not be empty");
    }
    this.ownsCollaborators = owns;
  }

  /**
   * Opens netlink, the nftables fence, the announcer and the drift subscription in the calling
   * thread's network namespace; {@link #close()} closes them.
   */
  public static KernelDataPlane open(String defaultInterface) {
    Netlink nl = Netlink.open();
    NftablesFence f = null;
    AfPacketAnnouncer a = null;
    try {
      f = NftablesFence.builder().open();
      a =
          AfPacketAnnouncer.open(
              new AnnouncerListener() {
                @Override
                public void onSendFailed(Announcement announcement, NetioException error) {
                  log.debug(
                      "announcement of {} failed: {}", announcement.describe(), error.toString());
                }
              });
      KernelDataPlane plane = new KernelDataPlane(nl, f, a, defaultInterface, true);
      plane.events =
          NetlinkEvents.builder(plane.new EventTranslator())
              .groups(
                  EnumSet.of(
                      NetlinkEvents.Group.LINK,
                      NetlinkEvents.Group.IPV4_ADDRESS,
                      NetlinkEvents.Group.IPV6_ADDRESS))
              .threadName(EVENTS_THREAD_NAME)
              .start();
      return plane;
    } catch (RuntimeException e) {
      if (a != null) {
        a.close();
      }
      if (f != null) {
        f.close();
      }
      nl.close();
      throw e;
    }
  }

  /**
   * Sets the period of the announcement refresh (one round of G-ARP / unsolicited NA while a VIP is
   * served, so switches and hosts that missed the burst learn it): 0 turns it off, else {@value
   * AfPacketAnnouncer#MIN_REFRESH_PERIOD_MS}..{@value AfPacketAnnouncer#MAX_REFRESH_PERIOD_MS} ms;
   * default {@value #ANNOUNCE_REFRESH_MS_DEFAULT}. Applies to announcements made afterwards.
   */
  public KernelDataPlane announceRefreshMs(long periodMs) {
    if (periodMs != 0
        && (periodMs < AfPacketAnnouncer.MIN_REFRESH_PERIOD_MS
            || periodMs > AfPacketAnnouncer.MAX_REFRESH_PERIOD_MS)) {
      throw new IllegalArgumentException(
          "announce refresh period must be 0 (off) or "
              + AfPacketAnnouncer.MIN_REFRESH_PERIOD_MS
              + ".."
              + AfPacketAnnouncer.MAX_REFRESH_PERIOD_MS
              + " ms, was "
              + periodMs);
    }
    this.announceRefreshMs = periodMs;
    return this;
  }

  /**
   * Sets the burst sent when this node starts serving a VIP: {@code count} rounds (1..{@value
   * Announcement#MAX_COUNT}) {@code intervalMs} apart (1..{@value Announcement#MAX_INTERVAL_MS});
   * default {@value Announcement#DEFAULT_COUNT} rounds {@value Announcement#DEFAULT_INTERVAL_MS} ms
   * apart. Applies to announcements made afterwards.
   */
  public KernelDataPlane announceBurst(int count, long intervalMs) {
    // Validated by the same rules the announcement applies, before anything is changed.
    Announcement.of(java.net.InetAddress.getLoopbackAddress(), "lo").withBurst(count, intervalMs);
    this.announceCount = count;
    this.announceIntervalMs = intervalMs;
    return this;
  }

  /**
   * The macvlan name for a VIP with a vrid on {@code parent}: "rv" + family (4 or 6) + "-" + vrid +
   * "-" + 4 hex digits of a hash of the parent's name, at most 12 characters; deterministic, and
   * distinct for the same vrid on different parents.
   */
  public static String vmacName(int vrid, boolean ipv6, String parent) {
    if (vrid < 1 || vrid > 255) {
      throw new IllegalArgumentException("vrid must be 1..255, was " + vrid);
    }
    return "rv" + (ipv6 ? "6" : "4") + "-" + vrid + "-" + String.format("%04x", parentHash(parent));
  }

  private static int parentHash(String parent) {
    int h = parent.hashCode();
    return (h ^ (h >>> 16)) & 0xffff;
  }

  @Override
  public long nowMs() {
    return System.nanoTime() / 1_000_000;
  }

  @Override
  public void flush() {
    for (InetAddress vip : fence.managed().keySet()) {
      fence.close(vip);
    }
    for (InterfaceAddress a : netlink.addresses().list()) {
      if (!a.ownedByRaftvip()) {
        continue;
      }
      try {
        String ifname = netlink.links().get(a.ifindex()).name();
        netlink.addresses().delete(ifname, a.address(), a.prefixLength());
        log.info("removed {} on {} left by an earlier process", a.cidr(), ifname);
      } catch (AddressNotFound | NoSuchInterface gone) {
        // Its lifetime ran out, or its link went away, meanwhile: nothing to do.
      }
    }
    for (Link l : netlink.macvlans().list()) {
      try {
        netlink.macvlans().delete(l.name());
        log.info(
            "removed macvlan {} (MAC {}) left by an earlier process",
            l.describe(),
            l.mac().map(Object::toString).orElse("none"));
      } catch (NoSuchInterface gone) {
        // Deleted with its parent meanwhile.
      }
    }
  }

  @Override
  public void armFence(VipSpec spec, long epoch, long deadlineMs) {
    InetAddress vip = inet(spec);
    String parent = interfaceOf(spec);
    Set<String> managed = fence.managed().getOrDefault(vip, Set.of());
    if (!managed.contains(parent)) {
      fence.manage(vip, parent);
    }
    fence.renew(vip, deadlineMs * 1_000_000L);
  }

  @Override
  public void closeFence(VipSpec spec) {
    InetAddress vip = inet(spec);
    if (fence.managed().containsKey(vip)) {
      fence.close(vip);
    }
  }

  @Override
  public void addAddress(VipSpec spec, int validLifetimeSec) {
    InetAddress vip = inet(spec);
    String parent = interfaceOf(spec);
    Link parentLink = netlink.links().get(parent);
    Link link = spec.vrid().isPresent() ? ensureVmac(spec, vip, parentLink) : parentLink;
    AddressSpec a =
        AddressSpec.builder(vip, spec.address().prefixLength())
            .lifetimeSec(validLifetimeSec)
            .build();
    // Replace: adds, or resets the lifetime of raftvip's own address; netio refuses anyone else's.
    netlink.addresses().replace(link.name(), a);
    added.put(vip, spec);
    linkUsable.putIfAbsent(link.index(), usable(link));
    linkUsable.putIfAbsent(parentLink.index(), usable(parentLink));
    Served before =
        served.put(
            spec.name(), new Served(spec, vip, link.name(), link.index(), parentLink.index()));
    if (before == null) {
      reportForeignCopies(spec, vip);
    }
  }

  /**
   * The VIP's macvlan, created (down), configured, put under the fence and brought up when missing.
   */
  private Link ensureVmac(VipSpec spec, InetAddress vip, Link parent) {
    boolean ipv6 = spec.address().family() == VipAddress.Family.IPV6;
    int vrid = spec.vrid().getAsInt();
    String name = vmacName(vrid, ipv6, parent.name());
    MacAddress mac = ipv6 ? VirtualMac.ipv6(vrid) : VirtualMac.ipv4(vrid);
    Optional<Link> existing = netlink.links().find(name);
    Link link;
    if (existing.isEmpty()) {
      link =
          netlink
              .macvlans()
              .create(
                  MacvlanSpec.builder(name, parent.name(), mac).mode(MacvlanMode.PRIVATE).build());
      log.info(
          "VIP {}: created macvlan {} with MAC {} on {}",
          spec.name(),
          link.describe(),
          mac,
          parent.describe());
      if (!ipv6) {
        VmacSysctls.apply(netlink, name, parent.name());
      }
    } else {
      link = existing.get();
      if (!link.ownedByRaftvip()) {
        throw new NotOwnedByRaftvip(
            "serve VIP " + spec.name() + " on macvlan",
            link.describe(),
            "alias " + link.alias().map(s -> "'" + s + "'").orElse("none"),
            "use it");
      }
      if (link.parentIndex() != parent.index() || !link.mac().equals(Optional.of(mac))) {
        throw new NotOwnedByRaftvip(
            "serve VIP " + spec.name() + " on macvlan",
            link.describe(),
            "parent ifindex "
                + link.parentIndex()
                + ", MAC "
                + link.mac().map(Object::toString).orElse("none")
                + " instead of "
                + parent.describe()
                + ", "
                + mac,
            "use it");
      }
    }
    if (!fence.managed().getOrDefault(vip, Set.of()).contains(name)) {
      // Before the link goes up: frames sent through it pass its own egress chain first.
      fence.manage(vip, name);
    }
    if (!link.isUp()) {
      netlink.macvlans().setUp(name);
      link = netlink.links().get(name);
    }
    return link;
  }

  /** Reports addresses equal to the VIP without raftvip's tag anywhere in the namespace. */
  private void reportForeignCopies(VipSpec spec, InetAddress vip) {
    Consumer<Drift> s = sink;
    if (s == null) {
      return;
    }
    for (InterfaceAddress other : netlink.addresses().list()) {
      if (other.address().equals(vip) && !other.ownedByRaftvip()) {
        s.accept(new Drift.ForeignAddress(spec.name(), foreign(other)));
      }
    }
  }

  @Override
  public void removeAddress(VipSpec spec) {
    InetAddress vip = inet(spec);
    // First, so the notifications of this removal are not taken for drift.
    served.remove(spec.name());
    announcer.stopRefresh(vip);
    String parent = interfaceOf(spec);
    String ifname = addressInterface(spec);
    try {
      netlink.addresses().delete(ifname, vip, spec.address().prefixLength());
    } catch (AddressNotFound | NoSuchInterface gone) {
      // Idempotent: never added, its lifetime ran out, or its interface is gone.
    }
    added.remove(vip);
    if (spec.vrid().isPresent() && !vmacInUse(ifname)) {
      try {
        netlink.macvlans().delete(ifname);
        log.info("VIP {}: removed macvlan {} from {}", spec.name(), ifname, parent);
      } catch (NoSuchInterface gone) {
        // Never created, or deleted with its parent.
      }
    }
  }

  private boolean vmacInUse(String ifname) {
    for (Served s : served.values()) {
      if (s.ifname().equals(ifname)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean hasAddress(VipSpec spec) {
    try {
      return netlink
          .addresses()
          .find(addressInterface(spec), inet(spec), spec.address().prefixLength())
          .map(InterfaceAddress::ownedByRaftvip)
          .orElse(false);
    } catch (NoSuchInterface gone) {
      return false;
    }
  }

  @Override
  public void announce(VipSpec spec, BooleanSupplier stillOwned) {
    Announcement a =
        Announcement.of(inet(spec), addressInterface(spec))
            .withBurst(announceCount, announceIntervalMs)
            .withOwnershipCheck(stillOwned);
    if (spec.vrid().isPresent()) {
      int vrid = spec.vrid().getAsInt();
      a =
          a.withSourceMac(
              spec.address().family() == VipAddress.Family.IPV6
                  ? VirtualMac.ipv6(vrid)
                  : VirtualMac.ipv4(vrid));
    }
    Announcement burst = a;
    announcer
        .announce(burst)
        .whenComplete(
            (report, error) -> {
              if (error != null) {
                log.warn("announcing {} failed: {}", burst.describe(), error.toString());
              }
            });
    long periodMs = announceRefreshMs;
    if (periodMs > 0) {
      try {
        // One round per period; the ownership check stops it quietly once the lease is gone.
        announcer.startRefresh(a.withBurst(1, Announcement.DEFAULT_INTERVAL_MS), periodMs);
      } catch (RuntimeException e) {
        log.warn("VIP {}: announcement refresh not started: {}", spec.name(), e.toString());
      }
    }
  }

  @Override
  public void watch(Consumer<Drift> driftSink) {
    this.sink = Objects.requireNonNull(driftSink, "driftSink");
  }

  /**
   * Stops the drift subscription, removes the addresses (and macvlans) this instance added; when it
   * opened its collaborators, closes them (the fence last, after the addresses are gone, since
   * closing it unfences every managed VIP).
   */
  @Override
  public void close() {
    sink = null;
    if (events != null) {
      events.close();
    }
    for (VipSpec spec : Map.copyOf(added).values()) {
      try {
        removeAddress(spec);
      } catch (RuntimeException e) {
        log.warn("removing {} on close failed", spec.address(), e);
      }
    }
    if (!ownsCollaborators) {
      return;
    }
    announcer.close();
    if (added.isEmpty()) {
      fence.close();
    } else {
      // Keep the tables: the addresses still present stay fenced (fail-safe).
      log.warn("fence tables kept: addresses {} could not be removed", added.keySet());
    }
    netlink.close();
  }

  /** The interface the VIP's address lives on: its macvlan for a vrid, else its interface. */
  private String addressInterface(VipSpec spec) {
    String parent = interfaceOf(spec);
    if (spec.vrid().isEmpty()) {
      return parent;
    }
    return vmacName(
        spec.vrid().getAsInt(), spec.address().family() == VipAddress.Family.IPV6, parent);
  }

  private String interfaceOf(VipSpec spec) {
    return spec.interfaceName().orElse(defaultInterface);
  }

  private static boolean usable(Link l) {
    return l.isUp() && l.isLowerUp();
  }

  private static String foreign(InterfaceAddress a) {
    return a.cidr() + " on ifindex " + a.ifindex() + " (proto " + a.proto() + ")";
  }

  private static InetAddress inet(VipSpec spec) {
    try {
      return InetAddress.getByAddress(spec.address().octets());
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes always form an address", e);
    }
  }

  /**
   * Runs on the events thread: turns notifications about served VIPs into drift reports. Only reads
   * {@link #served} and queues; never calls the kernel.
   */
  private final class EventTranslator implements NetlinkListener {
    @Override
    public void onEvent(NetlinkEvent event) {
      Consumer<Drift> s = sink;
      if (s == null || served.isEmpty()) {
        return;
      }
      if (event instanceof NetlinkEvent.AddressRemoved r) {
        InterfaceAddress a = r.address();
        if (!a.ownedByRaftvip()) {
          return;
        }
        for (Served v : served.values()) {
          if (v.address().equals(a.address()) && v.ifindex() == a.ifindex()) {
            s.accept(new Drift.AddressRemoved(v.spec().name(), a.cidr() + " on " + v.ifname()));
          }
        }
      } else if (event instanceof NetlinkEvent.AddressAdded added) {
        InterfaceAddress a = added.address();
        if (a.ownedByRaftvip()) {
          return;
        }
        for (Served v : served.values()) {
          if (v.address().equals(a.address())) {
            s.accept(new Drift.ForeignAddress(v.spec().name(), foreign(a)));
          }
        }
      } else if (event instanceof NetlinkEvent.LinkRemoved r) {
        Link l = r.link();
        linkUsable.remove(l.index());
        for (Served v : served.values()) {
          if (v.ifindex() == l.index() || v.parentIndex() == l.index()) {
            s.accept(new Drift.InterfaceRemoved(v.spec().name(), l.describe()));
          }
        }
      } else if (event instanceof NetlinkEvent.LinkChanged c) {
        Link l = c.link();
        if (!linkUsable.containsKey(l.index())) {
          return;
        }
        Boolean before = linkUsable.put(l.index(), usable(l));
        if (Boolean.FALSE.equals(before) && usable(l)) {
          for (Served v : served.values()) {
            if (v.ifindex() == l.index() || v.parentIndex() == l.index()) {
              s.accept(new Drift.LinkReturned(v.spec().name(), l.describe() + " is up"));
            }
          }
        }
      } else if (event instanceof NetlinkEvent.Resynced r) {
        resynced(s, r.links(), r.addresses());
      }
    }

    /** After an overrun: report whatever the snapshot shows missing; re-announce the rest. */
    private void resynced(Consumer<Drift> s, List<Link> links, List<InterfaceAddress> addresses) {
      for (Served v : served.values()) {
        Optional<Link> link = links.stream().filter(l -> l.index() == v.ifindex()).findFirst();
        if (link.isEmpty()) {
          s.accept(new Drift.InterfaceRemoved(v.spec().name(), v.ifname() + " (after resync)"));
          continue;
        }
        boolean present =
            addresses.stream()
                .anyMatch(
                    a ->
                        a.ifindex() == v.ifindex()
                            && a.address().equals(v.address())
                            && a.ownedByRaftvip());
        if (!present) {
          s.accept(new Drift.AddressRemoved(v.spec().name(), v.ifname() + " (after resync)"));
        } else if (usable(link.get())) {
          s.accept(new Drift.LinkReturned(v.spec().name(), v.ifname() + " (after resync)"));
        }
      }
    }

    @Override
    public void onError(RuntimeException error) {
      log.debug("netlink notifications: {}", error.toString());
    }
  }
}
