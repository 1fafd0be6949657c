package io.raftvip.netio.nl;

/**
 * Netlink core constants (include/uapi/linux/netlink.h): message header layout, control message
 * types, header flags, socket options and the extended-ACK TLVs of {@code struct nlmsgerr}.
 */
public final class Nlmsg {
  private Nlmsg() {}

  /** {@code sizeof(struct nlmsghdr)}: u32 len, u16 type, u16 flags, u32 seq, u32 pid. */
  public static final int HEADER_BYTES = 16;

  /** Netlink aligns every message and attribute to 4 bytes (NLMSG_ALIGNTO, NLA_ALIGNTO). */
  public static final int ALIGN_BYTES = 4;

  /** {@code NETLINK_ROUTE}: the rtnetlink protocol of an AF_NETLINK socket. */
  public static final int NETLINK_ROUTE = 0;

  // Control message types.
  public static final int NLMSG_NOOP = 1;
  public static final int NLMSG_ERROR = 2;
  public static final int NLMSG_DONE = 3;
  public static final int NLMSG_OVERRUN = 4;

  // Header flags (nlmsg_flags).
  public static final int NLM_F_REQUEST = 0x01;
  public static final int NLM_F_MULTI = 0x02;
  public static final int NLM_F_ACK = 0x04;
  public static final int NLM_F_ECHO = 0x08;
  public static final int NLM_F_DUMP_INTR = 0x10;
  public static final int NLM_F_DUMP_FILTERED = 0x20;
  // Modifiers for GET requests.
  public static final int NLM_F_ROOT = 0x100;
  public static final int NLM_F_MATCH = 0x200;
  public static final int NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
  // Modifiers for NEW requests.
  public static final int NLM_F_REPLACE = 0x100;
  public static final int NLM_F_EXCL = 0x200;
  public static final int NLM_F_CREATE = 0x400;

  // Flags on an NLMSG_ERROR message.
  /** The original request's payload was left out of the error (NETLINK_CAP_ACK). */
  public static final int NLM_F_CAPPED = 0x100;

  /** Extended-ACK TLVs follow the (possibly capped) original request in the error. */
  public static final int NLM_F_ACK_TLVS = 0x200;

  // enum nlmsgerr_attrs
  public static final int NLMSGERR_ATTR_MSG = 1;
  public static final int NLMSGERR_ATTR_OFFS = 2;
  public static final int NLMSGERR_ATTR_COOKIE = 3;
  public static final int NLMSGERR_ATTR_POLICY = 4;
  public static final int NLMSGERR_ATTR_MISS_TYPE = 5;
  public static final int NLMSGERR_ATTR_MISS_NEST = 6;

  // Socket options at level SOL_NETLINK.
  public static final int SOL_NETLINK = 270;
  public static final int NETLINK_ADD_MEMBERSHIP = 1;
  public static final int NETLINK_DROP_MEMBERSHIP = 2;
  public static final int NETLINK_NO_ENOBUFS = 5;
  public static final int NETLINK_CAP_ACK = 10;
  public static final int NETLINK_EXT_ACK = 11;
  public static final int NETLINK_GET_STRICT_CHK = 12;

  /** Attribute type bit marking a nested attribute (NLA_F_NESTED). */
  public static final int NLA_F_NESTED = 0x8000;

  /** Attribute type bit marking network byte order payload (NLA_F_NET_BYTEORDER). */
  public static final int NLA_F_NET_BYTEORDER = 0x4000;

  /** Mask that strips both flag bits from an attribute type (NLA_TYPE_MASK). */
  public static final int NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

  /** Rounds {@code length} up to the next multiple of 4 (NLMSG_ALIGN / NLA_ALIGN). */
  public static int align(int length) {
    return (length + ALIGN_BYTES - 1) & ~(ALIGN_BYTES - 1);
  }
}
