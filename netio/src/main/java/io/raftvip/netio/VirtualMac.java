package io.raftvip.netio;

/**
 * VRRP virtual router MACs (RFC 5798 §7.3): {@code 00:00:5e:00:01:<vrid>} for IPv4 and {@code
 * 00:00:5e:00:02:<vrid>} for IPv6, the IANA block keepalived's {@code use_vmac} uses. Moving such a
 * MAC with the VIP lets clients keep their ARP/ND entries across a failover.
 */
public final class VirtualMac {
  private VirtualMac() {}

  /** {@code 00:00:5e:00:01:<vrid>}, vrid 1..255. */
  public static MacAddress ipv4(int vrid) {
    return of(0x01, vrid);
  }

  /** {@code 00:00:5e:00:02:<vrid>}, vrid 1..255. */
  public static MacAddress ipv6(int vrid) {
    return of(0x02, vrid);
  }

  private static MacAddress of(int family, int vrid) {
    if (vrid < 1 || vrid > 255) {
      throw new IllegalArgumentException("VRRP virtual router id must be 1..255, was " + vrid);
    }
    return MacAddress.of(new byte[] {0x00, 0x00, 0x5e, 0x00, (byte) family, (byte) vrid});
  }
}
