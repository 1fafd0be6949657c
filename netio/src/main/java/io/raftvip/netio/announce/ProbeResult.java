package io.raftvip.netio.announce;

import io.raftvip.netio.MacAddress;
import java.net.Inet4Address;

/** The answer of an {@link ArpProbe}. */
public sealed interface ProbeResult {

  Inet4Address candidate();

  /**
   * Nobody else claimed the address during the probe.
   *
   * @param probesSent probes that left
   * @param elapsedMs how long the probe took
   */
  record NoConflict(Inet4Address candidate, int probesSent, long elapsedMs)
      implements ProbeResult {}

  /**
   * Another host uses or wants the address.
   *
   * @param conflictingMac the other host's hardware address (its ARP SHA)
   * @param arpOperation 1 (request) or 2 (reply) of the frame that showed the conflict
   * @param simultaneousProbe true when the other host was itself probing for the address (RFC 5227
   *     2.1.1: both must back off)
   * @param afterMs time from the first probe to the conflicting frame
   */
  record ConflictDetected(
      Inet4Address candidate,
      MacAddress conflictingMac,
      int arpOperation,
      boolean simultaneousProbe,
      long afterMs)
      implements ProbeResult {}
}
