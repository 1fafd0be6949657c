package io.raftvip.coordinator.reconcile;

import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.netio.AddressNotFound;
import io.raftvip.netio.AddressSpec;
import io.raftvip.netio.InterfaceAddress;
import io.raftvip.netio.NetioException;
import io.raftvip.netio.Netlink;
import io.raftvip.netio.announce.AfPacketAnnouncer;
import io.raftvip.netio.announce.Announcement;
import io.raftvip.netio.announce.Announcer;
import io.raftvip.netio.announce.AnnouncerListener;
import io.raftvip.netio.fence.Fence;
import io.raftvip.netio.fence.NftablesFence;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Linux data plane through netio: the nftables {@link Fence} (kernel-enforced deadline), VIP
 * addresses in {@code AddressTable} (tagged with raftvip's IFA_PROTO, so netio refuses to change
 * anyone else's) with the valid lifetime from the effect as backstop, and AF_PACKET announcements.
 *
 * <p>Interface per VIP: the spec's {@code interfaceName}, else the default interface given at open.
 * Virtual MACs ({@code vrid}) are not supported yet: such a VIP is refused at arm time (so it is
 * never served) rather than announced with the wrong MAC.
 *
 * <p>Clock: {@link #nowMs()} is {@code System.nanoTime()} in milliseconds (rounded down), the clock
 * the nftables fence reads; a deadline of {@code d} ms is {@code d * 1_000_000} ns to the fence.
 * Rounding the node clock down only makes leases shorter.
 *
 * <p>Namespace: {@link #open} must run on a thread in the target network namespace (netio sockets
 * and the fence thread stay in the namespace they were opened in); afterwards any thread may call.
 */
public final class KernelDataPlane implements DataPlane {

  private static final Logger log = LoggerFactory.getLogger(KernelDataPlane.class);

  private final Netlink netlink;
  private final Fence fence;
  private final Announcer announcer;
  private final String defaultInterface;
  private final boolean ownsCollaborators;
  // Addresses this instance added, by address: the interface and prefix to remove them with.
  private final Map<InetAddress, VipSpec> added = new HashMap<>();

  /**
   * A data plane over collaborators the caller owns (and closes). {@code fence} must read {@code
   * System.nanoTime()}.
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
   * Opens netlink, the nftables fence and the announcer in the calling thread's network namespace;
   * {@link #close()} closes them.
   */
  public static KernelDataPlane open(String defaultInterface) {
    Netlink nl = Netlink.open();
    NftablesFence f = null;
    try {
      f = NftablesFence.builder().open();
      AfPacketAnnouncer a =
          AfPacketAnnouncer.open(
              new AnnouncerListener() {
                @Override
                public void onSendFailed(Announcement announcement, NetioException error) {
                  log.debug(
                      "announcement of {} failed: {}", announcement.describe(), error.toString());
                }
              });
      return new KernelDataPlane(nl, f, a, defaultInterface, true);
    } catch (RuntimeException e) {
      if (f != null) {
        f.close();
      }
      nl.close();
      throw e;
    }
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
      String ifname = netlink.links().get(a.ifindex()).name();
      try {
        netlink.addresses().delete(ifname, a.address(), a.prefixLength());
        log.info("removed {} on {} left by an earlier process", a.cidr(), ifname);
      } catch (AddressNotFound gone) {
        // Its lifetime ran out meanwhile: nothing to do.
      }
    }
  }

  @Override
  public void armFence(VipSpec spec, long epoch, long deadlineMs) {
    if (spec.vrid().isPresent()) {
      throw new UnsupportedOperationException(
          "VIP "
              + spec.name()
              + " uses vrid "
              + spec.vrid().getAsInt()
              + ": virtual MACs are not supported by KernelDataPlane yet");
    }
    InetAddress vip = inet(spec);
    String ifname = interfaceOf(spec);
    if (!fence.managed().getOrDefault(vip, java.util.Set.of()).contains(ifname)) {
      fence.manage(vip, ifname);
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
    String ifname = interfaceOf(spec);
    AddressSpec a =
        AddressSpec.builder(vip, spec.address().prefixLength())
            .lifetimeSec(validLifetimeSec)
            .build();
    // Replace: adds, or resets the lifetime of raftvip's own address; netio refuses anyone else's.
    netlink.addresses().replace(ifname, a);
    added.put(vip, spec);
  }

  @Override
  public void removeAddress(VipSpec spec) {
    InetAddress vip = inet(spec);
    try {
      netlink.addresses().delete(interfaceOf(spec), vip, spec.address().prefixLength());
    } catch (AddressNotFound gone) {
      // Idempotent: never added, or its lifetime ran out.
    }
    added.remove(vip);
  }

  @Override
  public void announce(VipSpec spec, BooleanSupplier stillOwned) {
    Announcement a = Announcement.of(inet(spec), interfaceOf(spec)).withOwnershipCheck(stillOwned);
    announcer
        .announce(a)
        .whenComplete(
            (report, error) -> {
              if (error != null) {
                log.warn("announcing {} failed: {}", a.describe(), error.toString());
              }
            });
  }

  /**
   * Removes the addresses this instance added; when it opened its collaborators, closes them (the
   * fence last, after the addresses are gone, since closing it unfences every managed VIP).
   */
  @Override
  public void close() {
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

  private String interfaceOf(VipSpec spec) {
    return spec.interfaceName().orElse(defaultInterface);
  }

  private static InetAddress inet(VipSpec spec) {
    try {
      return InetAddress.getByAddress(spec.address().octets());
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes always form an address", e);
    }
  }
}
