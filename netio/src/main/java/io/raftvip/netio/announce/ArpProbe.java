package io.raftvip.netio.announce;

import io.raftvip.netio.MacAddress;
import java.net.Inet4Address;
import java.util.Objects;

/**
 * An RFC 5227 address conflict check: send {@code probeCount} probes {@code probeIntervalMs} apart,
 * then keep listening {@code listenMs}; any ARP from another MAC claiming the candidate (as sender,
 * or probing for it at the same time) is a conflict.
 *
 * <p>RFC 5227's own timings (3 probes 1-2 s apart, then 2 s) are made for DHCP-less hosts and would
 * cost seconds per failover; raftvip's defaults ({@value #DEFAULT_PROBE_COUNT} probes {@value
 * #DEFAULT_PROBE_INTERVAL_MS} ms apart, {@value #DEFAULT_LISTEN_MS} ms listening) catch a host that
 * answers ARP at all on a LAN, which is the failure we look for (a stale manual configuration).
 *
 * @param candidate the address we intend to use
 * @param ifname the interface to probe on
 * @param ownMac our prober MAC (SHA); null = the interface's; frames from it are ignored
 * @param probeCount 1..10
 * @param probeIntervalMs 1..2000
 * @param listenMs 1..10000, after the last probe
 */
public record ArpProbe(
    Inet4Address candidate,
    String ifname,
    MacAddress ownMac,
    int probeCount,
    long probeIntervalMs,
    long listenMs) {

  public static final int DEFAULT_PROBE_COUNT = 3;
  public static final long DEFAULT_PROBE_INTERVAL_MS = 20;
  public static final long DEFAULT_LISTEN_MS = 200;

  public ArpProbe {
    Objects.requireNonNull(candidate, "candidate");
    Objects.requireNonNull(ifname, "ifname");
    if (probeCount < 1 || probeCount > 10) {
      throw new IllegalArgumentException("probe count must be in 1..10, got " + probeCount);
    }
    if (probeIntervalMs < 1 || probeIntervalMs > 2_000) {
      throw new IllegalArgumentException(
          "probe interval must be in 1..2000 ms, got " + probeIntervalMs);
    }
    if (listenMs < 1 || listenMs > 10_000) {
      throw new IllegalArgumentException("listen time must be in 1..10000 ms, got " + listenMs);
    }
  }

  public static ArpProbe of(Inet4Address candidate, String ifname) {
    return new ArpProbe(
        candidate, ifname, null, DEFAULT_PROBE_COUNT, DEFAULT_PROBE_INTERVAL_MS, DEFAULT_LISTEN_MS);
  }

  public ArpProbe withOwnMac(MacAddress mac) {
    return new ArpProbe(candidate, ifname, mac, probeCount, probeIntervalMs, listenMs);
  }

  public ArpProbe withTiming(int count, long intervalMs, long listenAfterMs) {
    return new ArpProbe(candidate, ifname, ownMac, count, intervalMs, listenAfterMs);
  }

  /** Upper bound of the probe's duration. */
  public long maxDurationMs() {
    return (probeCount - 1) * probeIntervalMs + listenMs;
  }
}
