package io.raftvip.netio.announce;

import io.raftvip.netio.MacAddress;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * What to announce, where and how often: the VIP, the interface whose ifindex the frames leave by,
 * the source MAC (the VMAC when one is used; {@code null} means the interface's own address, read
 * when sending), the ARP forms (IPv4) or the NA router flag (IPv6), the number of rounds and the
 * gap between them, and an ownership check run before every round (metallb re-checks ownership at
 * the moment of sending; a false stops the burst or refresh quietly).
 *
 * @param vip the address to announce
 * @param ifname the interface to send on
 * @param sourceMac Ethernet source and advertised hardware address; null = the interface's
 * @param arpForms IPv4 only: the frames sent each round, in enum order
 * @param router IPv6 only: the NA's R flag (set when this node is a router)
 * @param count rounds per burst, 1..{@value #MAX_COUNT}
 * @param intervalMs gap between rounds, 1..{@value #MAX_INTERVAL_MS} ms
 * @param stillOwned checked before every round
 */
public record Announcement(
    InetAddress vip,
    String ifname,
    MacAddress sourceMac,
    Set<ArpForm> arpForms,
    boolean router,
    int count,
    long intervalMs,
    BooleanSupplier stillOwned) {

  public static final int MAX_COUNT = 10;
  public static final long MAX_INTERVAL_MS = 60_000;

  /**
   * Three rounds, 100 ms apart: the first frame does the work on a healthy LAN; the repeats cover a
   * lost frame or a receiver that was briefly busy (RFC 4861 allows up to 3 unsolicited NAs).
   */
  public static final int DEFAULT_COUNT = 3;

  public static final long DEFAULT_INTERVAL_MS = 100;

  public Announcement {
    Objects.requireNonNull(vip, "vip");
    Objects.requireNonNull(ifname, "ifname");
    Objects.requireNonNull(stillOwned, "stillOwned");
    if (!(vip instanceof Inet4Address) && !(vip instanceof Inet6Address)) {
      throw new IllegalArgumentException("vip must be IPv4 or IPv6: " + vip);
    }
    if (ifname.isEmpty() || ifname.length() > 15) {
      throw new IllegalArgumentException(
          "interface name must have 1..15 chars: \"" + ifname + "\"");
    }
    arpForms = arpForms == null || arpForms.isEmpty() ? Set.of() : Set.copyOf(arpForms);
    if (vip instanceof Inet4Address && arpForms.isEmpty()) {
      throw new IllegalArgumentException("an IPv4 announcement needs at least one ARP form");
    }
    if (count < 1 || count > MAX_COUNT) {
      throw new IllegalArgumentException("count must be in 1.." + MAX_COUNT + ", got " + count);
    }
    if (intervalMs < 1 || intervalMs > MAX_INTERVAL_MS) {
      throw new IllegalArgumentException(
          "interval must be in 1.." + MAX_INTERVAL_MS + " ms, got " + intervalMs);
    }
  }

  /**
   * Defaults: interface MAC, both ARP forms, not a router, {@value #DEFAULT_COUNT} rounds {@value
   * #DEFAULT_INTERVAL_MS} ms apart, always owned.
   */
  public static Announcement of(InetAddress vip, String ifname) {
    return new Announcement(
        vip,
        ifname,
        null,
        EnumSet.allOf(ArpForm.class),
        false,
        DEFAULT_COUNT,
        DEFAULT_INTERVAL_MS,
        () -> true);
  }

  public Announcement withSourceMac(MacAddress mac) {
    return new Announcement(vip, ifname, mac, arpForms, router, count, intervalMs, stillOwned);
  }

  public Announcement withArpForms(Set<ArpForm> forms) {
    return new Announcement(vip, ifname, sourceMac, forms, router, count, intervalMs, stillOwned);
  }

  public Announcement withRouter(boolean isRouter) {
    return new Announcement(
        vip, ifname, sourceMac, arpForms, isRouter, count, intervalMs, stillOwned);
  }

  public Announcement withBurst(int rounds, long gapMs) {
    return new Announcement(vip, ifname, sourceMac, arpForms, router, rounds, gapMs, stillOwned);
  }

  public Announcement withOwnershipCheck(BooleanSupplier check) {
    return new Announcement(vip, ifname, sourceMac, arpForms, router, count, intervalMs, check);
  }

  /** "198.18.0.50 on eth0", for error messages. */
  public String describe() {
    return vip.getHostAddress() + " on " + ifname;
  }
}
