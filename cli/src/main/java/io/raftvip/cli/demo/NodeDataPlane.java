package io.raftvip.cli.demo;

import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.coordinator.core.lease.OwnerEffect;
import io.raftvip.netio.AddressExists;
import io.raftvip.netio.AddressNotFound;
import io.raftvip.netio.AddressSpec;
import io.raftvip.netio.InterfaceAddress;
import io.raftvip.netio.NetioException;
import io.raftvip.netio.Netlink;
import io.raftvip.netio.announce.AfPacketAnnouncer;
import io.raftvip.netio.announce.Announcement;
import io.raftvip.netio.announce.AnnouncerListener;
import io.raftvip.netio.fence.FenceRenewal;
import io.raftvip.netio.fence.NftablesFence;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * Carries out the core's {@link OwnerEffect}s on this node's kernel with netio: the nftables fence
 * ({@link NftablesFence}), the VIP address with a valid lifetime as backstop ({@link
 * io.raftvip.netio.AddressTable}) and gratuitous ARP ({@link AfPacketAnnouncer}). Everything acts
 * on the network namespace of the thread that {@link #open opened} it.
 *
 * <p>Effects run in the order given, on the caller's thread (the agent's loop); each reports what
 * it did to {@code report} (what, fields) for the driver's timeline. The fence is always armed
 * before the address is added and closed before it is removed: the effect order guarantees it.
 */
final class NodeDataPlane implements AutoCloseable {

  /** Clock of every deadline the core hands over: ms of System.nanoTime (CLOCK_MONOTONIC). */
  static final long NANOS_PER_MS = 1_000_000L;

  private final String ifname;
  private final Netlink netlink;
  private final NftablesFence fence;
  private final AfPacketAnnouncer announcer;
  private final BiConsumer<String, Map<String, Object>> report;
  private final Set<InetAddress> managed = new HashSet<>();
  private final List<Repeat> repeats = new ArrayList<>();

  /** The warm-up's dummy address (TEST-NET-1) and interface: nothing on the LAN sees them. */
  static final String WARM_UP_CIDR = "192.0.2.1/32";

  static final String LOOPBACK = "lo";

  /** Bound on queued G-ARP repeats (two per takeover). */
  static final int REPEATS_MAX = 64;

  private record Repeat(Announcement announcement, long dueNanos, long epoch) {}

  private NodeDataPlane(
      String ifname,
      Netlink netlink,
      NftablesFence fence,
      AfPacketAnnouncer announcer,
      BiConsumer<String, Map<String, Object>> report) {
    this.ifname = ifname;
    this.netlink = netlink;
    this.fence = fence;
    this.announcer = announcer;
    this.report = report;
  }

  /**
   * Opens netlink, the fence (adopting tables a killed predecessor left: its VIPs stay fenced) and
   * the announcer in the calling thread's namespace.
   */
  static NodeDataPlane open(String ifname, BiConsumer<String, Map<String, Object>> report) {
    Netlink nl = Netlink.open();
    NftablesFence fence = null;
    try {
      fence = NftablesFence.builder().open();
      AfPacketAnnouncer announcer = AfPacketAnnouncer.open(AnnouncerListener.NONE);
      return new NodeDataPlane(ifname, nl, fence, announcer, report);
    } catch (RuntimeException e) {
      if (fence != null) {
        fence.close();
      }
      nl.close();
      throw e;
    }
  }

  /**
   * Tidies what an earlier agent on this node left: puts {@code vip} under the fence (gate closed)
   * and removes raftvip's address for it if one is still configured. Safety does not depend on it:
   * whatever was left is covered by the earlier process's lease, which the kernel enforces.
   */
  void adopt(VipSpec vip) {
    InetAddress address = address(vip);
    manage(address);
    Optional<InterfaceAddress> left =
        netlink.addresses().find(ifname, address, vip.address().prefixLength());
    if (left.isPresent() && left.get().ownedByRaftvip()) {
      netlink.addresses().delete(ifname, address, vip.address().prefixLength());
      report.accept("leftover-removed", fields("vip", vip.address().cidr()));
    }
  }

  /**
   * Runs every kernel path of a takeover and a release once against a dummy address on {@code lo}
   * (TEST-NET-1, never on the LAN): manage, arm, add, announce, close, remove, release. The first
   * takeover of a cold agent JVM otherwise spent ~50 ms in class loading between the leader's
   * decision and the armed fence (measured in the demo); a long-running agent is warm, and this
   * makes the demo's agents behave like one. NftablesFence warms its own renewal path the same way.
   */
  void warmUp(int rounds) {
    InetAddress dummy = address(VipSpec.of("warm-up", WARM_UP_CIDR));
    AddressSpec spec = AddressSpec.builder(WARM_UP_CIDR).lifetimeSec(1).build();
    Announcement announcement = Announcement.of(dummy, LOOPBACK);
    fence.manage(dummy, LOOPBACK);
    try {
      for (int i = 0; i < rounds; i++) {
        fence.renew(dummy, System.nanoTime() + 50 * NANOS_PER_MS);
        netlink.addresses().add(LOOPBACK, spec);
        netlink.addresses().replace(LOOPBACK, spec);
        try {
          announcer.sendOnce(announcement);
        } catch (NetioException e) {
          // lo may refuse link-layer frames; the Java path ran all the same
        }
        netlink.addresses().find(LOOPBACK, dummy, 32);
        fence.close(dummy);
        netlink.addresses().delete(LOOPBACK, dummy, 32);
      }
    } finally {
      try {
        netlink.addresses().delete(LOOPBACK, dummy, 32);
      } catch (AddressNotFound e) {
        // deleted in the loop
      }
      fence.release(dummy);
    }
  }

  /**
   * Executes one effect. {@code stillServing} is the announcement's ownership check, re-read before
   * every G-ARP round. Returns the release to send, for a {@link OwnerEffect.CommitRelease}.
   */
  Optional<String> execute(OwnerEffect effect, BooleanSupplier stillServing) {
    if (effect instanceof OwnerEffect.ArmFence a) {
      InetAddress address = address(a.spec());
      manage(address);
      FenceRenewal r = fence.renew(address, a.deadlineMs() * NANOS_PER_MS);
      report.accept(
          "fence-armed",
          fields(
              "epoch", a.epoch(),
              "deadline-ms", a.deadlineMs(),
              "open", r.granted(address),
              "apply-us", r.applyNanos() / 1_000));
    } else if (effect instanceof OwnerEffect.AddAddress a) {
      AddressSpec spec = addressSpec(a.spec(), a.validLifetimeSec());
      try {
        netlink.addresses().add(ifname, spec);
      } catch (AddressExists e) {
        // Left by this agent (a lease that lapsed while the removal failed): ours, so renew it.
        netlink.addresses().replace(ifname, spec);
      }
      report.accept(
          "address-added", fields("epoch", a.epoch(), "valid-lft-s", a.validLifetimeSec()));
    } else if (effect instanceof OwnerEffect.RefreshAddress a) {
      netlink.addresses().replace(ifname, addressSpec(a.spec(), a.validLifetimeSec()));
      report.accept("address-refreshed", fields("valid-lft-s", a.validLifetimeSec()));
    } else if (effect instanceof OwnerEffect.Announce a) {
      Announcement announcement =
          Announcement.of(address(a.spec()), ifname).withOwnershipCheck(stillServing);
      // The first round leaves on this thread, now; the repeats follow from the agent's loop
      // (sendDueRounds), each re-checking ownership first (metallb's rule). A starved agent can
      // reach this after its lease ended: then the fence would drop the frame anyway.
      if (!stillServing.getAsBoolean()) {
        report.accept("announce-skipped", fields("epoch", a.epoch(), "reason", "lease-over"));
        return Optional.empty();
      }
      announcer.sendOnce(announcement);
      report.accept("announced", fields("epoch", a.epoch()));
      long now = System.nanoTime();
      for (int round = 1; round < Announcement.DEFAULT_COUNT; round++) {
        if (repeats.size() < REPEATS_MAX) {
          repeats.add(
              new Repeat(
                  announcement,
                  now + round * Announcement.DEFAULT_INTERVAL_MS * NANOS_PER_MS,
                  a.epoch()));
        }
      }
    } else if (effect instanceof OwnerEffect.CloseFence c) {
      InetAddress address = address(c.spec());
      if (managed.contains(address)) {
        fence.close(address);
      }
      report.accept("fence-closed", fields());
    } else if (effect instanceof OwnerEffect.RemoveAddress r) {
      try {
        netlink.addresses().delete(ifname, address(r.spec()), r.spec().address().prefixLength());
        report.accept("address-removed", fields());
      } catch (AddressNotFound e) {
        report.accept("address-removed", fields("already-gone", true));
      }
    } else if (effect instanceof OwnerEffect.CommitRelease c) {
      report.accept("release-committed", fields("epoch", c.epoch()));
      return Optional.of(AgentWire.release(c.vip(), c.epoch()));
    }
    return Optional.empty();
  }

  /** Sends the G-ARP repeats that are due, if their VIP is still served. */
  void sendDueRounds(long nowNanos) {
    for (Iterator<Repeat> it = repeats.iterator(); it.hasNext(); ) {
      Repeat r = it.next();
      if (nowNanos - r.dueNanos() < 0) {
        continue;
      }
      it.remove();
      if (r.announcement().stillOwned().getAsBoolean()) {
        try {
          announcer.sendOnce(r.announcement());
        } catch (NetioException e) {
          report.accept("announce-failed", fields("epoch", r.epoch(), "error", e.getMessage()));
        }
      }
    }
  }

  /** When the next repeat is due (System.nanoTime), or empty. */
  OptionalLong nextRoundDueNanos() {
    return repeats.stream().mapToLong(Repeat::dueNanos).min();
  }

  private void manage(InetAddress address) {
    if (managed.add(address)) {
      fence.manage(address, ifname);
    }
  }

  private static AddressSpec addressSpec(VipSpec vip, int validLifetimeSec) {
    return AddressSpec.builder(address(vip), vip.address().prefixLength())
        .lifetimeSec(validLifetimeSec)
        .build();
  }

  static InetAddress address(VipSpec vip) {
    try {
      return InetAddress.getByAddress(vip.address().octets());
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 octets always form an address", e);
    }
  }

  static Map<String, Object> fields(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  /**
   * Closes the gates, removes the fence's tables and releases sockets. Call only after the
   * addresses are gone (a clean stop): without its tables a configured VIP would answer.
   */
  @Override
  public void close() {
    try {
      announcer.close();
    } finally {
      try {
        fence.close();
      } catch (NetioException e) {
        report.accept("fence-close-failed", fields("error", e.getMessage()));
      } finally {
        netlink.close();
      }
    }
  }
}
