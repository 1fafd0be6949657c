package io.raftvip.netio;

/**
 * Per-interface IPv4 settings ({@code net.ipv4.conf.<if>.<name>}), numbered as the kernel's {@code
 * IPV4_DEVCONF_*} enum in include/uapi/linux/ip.h (1-based: FORWARDING = 1). The number is the
 * attribute type inside IFLA_AF_SPEC/AF_INET/IFLA_INET_CONF when setting a value, and the 1-based
 * position in the u32 array of the same attribute when reading link dumps.
 */
public enum Ipv4DevConf {
  FORWARDING(1, "forwarding"),
  MC_FORWARDING(2, "mc_forwarding"),
  PROXY_ARP(3, "proxy_arp"),
  ACCEPT_REDIRECTS(4, "accept_redirects"),
  SECURE_REDIRECTS(5, "secure_redirects"),
  SEND_REDIRECTS(6, "send_redirects"),
  SHARED_MEDIA(7, "shared_media"),
  RP_FILTER(8, "rp_filter"),
  ACCEPT_SOURCE_ROUTE(9, "accept_source_route"),
  BOOTP_RELAY(10, "bootp_relay"),
  LOG_MARTIANS(11, "log_martians"),
  TAG(12, "tag"),
  ARP_FILTER(13, "arp_filter"),
  MEDIUM_ID(14, "medium_id"),
  NOXFRM(15, "disable_xfrm"),
  NOPOLICY(16, "disable_policy"),
  FORCE_IGMP_VERSION(17, "force_igmp_version"),
  ARP_ANNOUNCE(18, "arp_announce"),
  ARP_IGNORE(19, "arp_ignore"),
  PROMOTE_SECONDARIES(20, "promote_secondaries"),
  ARP_ACCEPT(21, "arp_accept"),
  ARP_NOTIFY(22, "arp_notify"),
  ACCEPT_LOCAL(23, "accept_local"),
  SRC_VMARK(24, "src_valid_mark"),
  PROXY_ARP_PVLAN(25, "proxy_arp_pvlan"),
  ROUTE_LOCALNET(26, "route_localnet"),
  IGMPV2_UNSOLICITED_REPORT_INTERVAL(27, "igmpv2_unsolicited_report_interval"),
  IGMPV3_UNSOLICITED_REPORT_INTERVAL(28, "igmpv3_unsolicited_report_interval"),
  IGNORE_ROUTES_WITH_LINKDOWN(29, "ignore_routes_with_linkdown"),
  DROP_UNICAST_IN_L2_MULTICAST(30, "drop_unicast_in_l2_multicast"),
  DROP_GRATUITOUS_ARP(31, "drop_gratuitous_arp"),
  BC_FORWARDING(32, "bc_forwarding"),
  ARP_EVICT_NOCARRIER(33, "arp_evict_nocarrier");

  private final int index;
  private final String sysctlName;

  Ipv4DevConf(int index, String sysctlName) {
    this.index = index;
    this.sysctlName = sysctlName;
  }

  /** The kernel's IPV4_DEVCONF_* number (1-based). */
  public int index() {
    return index;
  }

  /** The name under {@code net.ipv4.conf.<if>.}, e.g. "arp_ignore". */
  public String sysctlName() {
    return sysctlName;
  }
}
