package io.raftvip.netio.nl;

/**
 * rtnetlink constants (include/uapi/linux/rtnetlink.h, if_addr.h, if_link.h, neighbour.h, ip.h,
 * if.h) for the messages netio sends and parses: addresses, links, macvlans and neighbours.
 */
public final class Rtnl {
  private Rtnl() {}

  // Message types.
  public static final int RTM_NEWLINK = 16;
  public static final int RTM_DELLINK = 17;
  public static final int RTM_GETLINK = 18;
  public static final int RTM_SETLINK = 19;
  public static final int RTM_NEWADDR = 20;
  public static final int RTM_DELADDR = 21;
  public static final int RTM_GETADDR = 22;
  public static final int RTM_NEWNEIGH = 28;
  public static final int RTM_DELNEIGH = 29;
  public static final int RTM_GETNEIGH = 30;

  // Multicast groups (enum rtnetlink_groups), joined with NETLINK_ADD_MEMBERSHIP.
  public static final int RTNLGRP_LINK = 1;
  public static final int RTNLGRP_NEIGH = 3;
  public static final int RTNLGRP_IPV4_IFADDR = 5;
  public static final int RTNLGRP_IPV6_IFADDR = 9;

  // Address families.
  public static final int AF_UNSPEC = 0;
  public static final int AF_INET = 2;
  public static final int AF_INET6 = 10;

  // Address attributes (enum IFA_*).
  public static final int IFA_ADDRESS = 1;
  public static final int IFA_LOCAL = 2;
  public static final int IFA_LABEL = 3;
  public static final int IFA_BROADCAST = 4;
  public static final int IFA_ANYCAST = 5;
  public static final int IFA_CACHEINFO = 6;
  public static final int IFA_MULTICAST = 7;
  public static final int IFA_FLAGS = 8;
  public static final int IFA_RT_PRIORITY = 9;
  public static final int IFA_TARGET_NETNSID = 10;
  public static final int IFA_PROTO = 11;

  // Address flags (ifa_flags u8 holds the low 8 bits; IFA_FLAGS u32 holds all of them).
  public static final int IFA_F_SECONDARY = 0x01;
  public static final int IFA_F_NODAD = 0x02;
  public static final int IFA_F_OPTIMISTIC = 0x04;
  public static final int IFA_F_DADFAILED = 0x08;
  public static final int IFA_F_HOMEADDRESS = 0x10;
  public static final int IFA_F_DEPRECATED = 0x20;
  public static final int IFA_F_TENTATIVE = 0x40;
  public static final int IFA_F_PERMANENT = 0x80;
  public static final int IFA_F_MANAGETEMPADDR = 0x100;
  public static final int IFA_F_NOPREFIXROUTE = 0x200;
  public static final int IFA_F_MCAUTOJOIN = 0x400;
  public static final int IFA_F_STABLE_PRIVACY = 0x800;

  // Address protocols set by the kernel (IFAPROT_*); userspace picks any other u8.
  public static final int IFAPROT_UNSPEC = 0;
  public static final int IFAPROT_KERNEL_LO = 1;
  public static final int IFAPROT_KERNEL_RA = 2;
  public static final int IFAPROT_KERNEL_LL = 3;

  /** A lifetime of "forever" in {@code ifa_cacheinfo} (INFINITY_LIFE_TIME). */
  public static final long INFINITY_LIFE_TIME = 0xFFFFFFFFL;

  // Route scopes (ifa_scope).
  public static final int RT_SCOPE_UNIVERSE = 0;
  public static final int RT_SCOPE_SITE = 200;
  public static final int RT_SCOPE_LINK = 253;
  public static final int RT_SCOPE_HOST = 254;

  // Link attributes (enum IFLA_*).
  public static final int IFLA_ADDRESS = 1;
  public static final int IFLA_BROADCAST = 2;
  public static final int IFLA_IFNAME = 3;
  public static final int IFLA_MTU = 4;
  public static final int IFLA_LINK = 5;
  public static final int IFLA_MASTER = 10;
  public static final int IFLA_TXQLEN = 13;
  public static final int IFLA_OPERSTATE = 16;
  public static final int IFLA_LINKMODE = 17;
  public static final int IFLA_LINKINFO = 18;
  public static final int IFLA_IFALIAS = 20;
  public static final int IFLA_AF_SPEC = 26;
  public static final int IFLA_EXT_MASK = 29;
  public static final int IFLA_CARRIER = 33;

  // Nested in IFLA_LINKINFO.
  public static final int IFLA_INFO_KIND = 1;
  public static final int IFLA_INFO_DATA = 2;

  // Nested in IFLA_INFO_DATA for kind "macvlan".
  public static final int IFLA_MACVLAN_MODE = 1;
  public static final int IFLA_MACVLAN_FLAGS = 2;

  // Macvlan modes.
  public static final int MACVLAN_MODE_PRIVATE = 1;
  public static final int MACVLAN_MODE_VEPA = 2;
  public static final int MACVLAN_MODE_BRIDGE = 4;
  public static final int MACVLAN_MODE_PASSTHRU = 8;
  public static final int MACVLAN_MODE_SOURCE = 16;

  /** Nested in IFLA_AF_SPEC/AF_INET: the IPv4 devconf, see {@code IPV4_DEVCONF_*}. */
  public static final int IFLA_INET_CONF = 1;

  /** Ext-mask bit that leaves the (large) statistics out of link replies. */
  public static final int RTEXT_FILTER_SKIP_STATS = 1 << 3;

  /** Ifreq name buffer size; names and IPv4 labels hold at most IFNAMSIZ - 1 = 15 bytes. */
  public static final int IFNAMSIZ = 16;

  // Interface flags (net_device_flags, include/uapi/linux/if.h).
  public static final int IFF_UP = 0x1;
  public static final int IFF_BROADCAST = 0x2;
  public static final int IFF_LOOPBACK = 0x8;
  public static final int IFF_POINTOPOINT = 0x10;
  public static final int IFF_RUNNING = 0x40;
  public static final int IFF_NOARP = 0x80;
  public static final int IFF_PROMISC = 0x100;
  public static final int IFF_MULTICAST = 0x1000;
  public static final int IFF_LOWER_UP = 0x10000;
  public static final int IFF_DORMANT = 0x20000;

  // Neighbour attributes (enum NDA_*).
  public static final int NDA_DST = 1;
  public static final int NDA_LLADDR = 2;
  public static final int NDA_CACHEINFO = 3;
  public static final int NDA_PROBES = 4;

  // Neighbour states (NUD_*), a bit mask in ndm_state.
  public static final int NUD_NONE = 0x00;
  public static final int NUD_INCOMPLETE = 0x01;
  public static final int NUD_REACHABLE = 0x02;
  public static final int NUD_STALE = 0x04;
  public static final int NUD_DELAY = 0x08;
  public static final int NUD_PROBE = 0x10;
  public static final int NUD_FAILED = 0x20;
  public static final int NUD_NOARP = 0x40;
  public static final int NUD_PERMANENT = 0x80;
}
