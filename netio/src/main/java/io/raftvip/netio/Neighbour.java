package io.raftvip.netio;

import java.net.InetAddress;
import java.util.Optional;
import java.util.Set;

/**
 * A neighbour (ARP or NDP) cache entry.
 *
 * @param ifindex the interface
 * @param address the neighbour's IP address
 * @param mac the link-layer address it resolved to; empty while INCOMPLETE or FAILED
 * @param state the NUD_* mask
 */
public record Neighbour(int ifindex, InetAddress address, Optional<MacAddress> mac, int state) {

  public Set<NudState> states() {
    return NudState.of(state);
  }

  /** "REACHABLE", "STALE", "NONE", or several joined by '|'. */
  public String stateName() {
    Set<NudState> s = states();
    if (s.isEmpty()) {
      return "NONE";
    }
    StringBuilder sb = new StringBuilder();
    for (NudState n : s) {
      sb.append(sb.length() == 0 ? "" : "|").append(n.name());
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return AddressSpec.text(address)
        + " ifindex "
        + ifindex
        + " lladdr "
        + mac.map(MacAddress::toString).orElse("none")
        + " "
        + stateName();
  }
}
