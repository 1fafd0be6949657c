package io.raftvip.netio.fence;

import io.raftvip.netio.nl.NetlinkMessage;
import io.raftvip.netio.nl.Nlmsg;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The raw nf_tables netlink form of a {@link LeasePlan}: one nfnetlink batch ({@code
 * NFNL_MSG_BATCH_BEGIN}, set-element messages, {@code NFNL_MSG_BATCH_END}) that does exactly what
 * {@link NftCommands#apply} says in nft text, message for message: per family (IPv4 first) and per
 * table holding that family's lease set ({@code arp} for IPv4 only, {@code inet}, {@code netdev}),
 * {@code add; delete; add} for the granted VIPs and {@code add} (1 ms) {@code ; delete} for the
 * closed ones. Pure: builds bytes, touches nothing.
 *
 * <p>Why raw netlink for this one batch: through libnftables a renewal cost 0.3-0.45 ms p50, almost
 * all of it parsing and evaluating the text (docs/benchmarks.md); the kernel work is a few
 * microseconds. The ruleset itself is still created with libnftables (expressions would need
 * bytecode here).
 *
 * <p>Layout (include/uapi/linux/netfilter/nfnetlink.h, nf_tables.h), host byte order for netlink
 * headers and attribute headers, network order inside nfgenmsg's {@code res_id}, the timeout and
 * the key:
 *
 * <pre>
 * nlmsghdr{type = NFNL_SUBSYS_NFTABLES &lt;&lt; 8 | NFT_MSG_NEWSETELEM (DELSETELEM),
 *          flags = REQUEST|CREATE|ACK (REQUEST|ACK for delete)}
 * nfgenmsg{family = NFPROTO_ARP/INET/NETDEV, version 0, res_id 0}
 * NFTA_SET_ELEM_LIST_TABLE "table\0"  NFTA_SET_ELEM_LIST_SET "lease4\0"
 * NFTA_SET_ELEM_LIST_ELEMENTS (nested)
 *   NFTA_LIST_ELEM (nested)
 *     NFTA_SET_ELEM_TIMEOUT be64 ms        (adds only)
 *     NFTA_SET_ELEM_KEY (nested) { NFTA_DATA_VALUE = 4 or 16 address bytes }
 * </pre>
 *
 * The batch delimiters carry {@code nfgenmsg{AF_UNSPEC, 0, res_id = htons(NFNL_SUBSYS_NFTABLES)}}.
 * This is what nft 1.0.6 sends for the same commands ({@code nft --debug=mnl}, compared byte for
 * byte in NftElementBatchTest), except that nft asks for no ACKs and adds {@code
 * NFTA_SET_ELEM_LIST_SET_ID} to adds; we ask for an ACK per element message so that success is
 * confirmed, not inferred from silence. The kernel applies a batch atomically or not at all.
 */
final class NftElementBatch {
  // include/uapi/linux/netfilter/nfnetlink.h
  static final int NFNL_MSG_BATCH_BEGIN = 16;
  static final int NFNL_MSG_BATCH_END = 17;
  static final int NFNL_SUBSYS_NFTABLES = 10;
  static final int NFNETLINK_V0 = 0;

  // include/uapi/linux/netfilter/nf_tables.h
  static final int NFT_MSG_NEWSETELEM = 12;
  static final int NFT_MSG_DELSETELEM = 14;
  static final int NFTA_SET_ELEM_LIST_TABLE = 1;
  static final int NFTA_SET_ELEM_LIST_SET = 2;
  static final int NFTA_SET_ELEM_LIST_ELEMENTS = 3;
  static final int NFTA_LIST_ELEM = 1;
  static final int NFTA_SET_ELEM_KEY = 1;
  static final int NFTA_SET_ELEM_TIMEOUT = 4;
  static final int NFTA_DATA_VALUE = 1;

  // include/uapi/linux/netfilter.h
  static final int NFPROTO_UNSPEC = 0;
  static final int NFPROTO_INET = 1;
  static final int NFPROTO_ARP = 3;
  static final int NFPROTO_NETDEV = 5;

  static final int FLAGS_ADD = Nlmsg.NLM_F_REQUEST | Nlmsg.NLM_F_CREATE | Nlmsg.NLM_F_ACK;
  static final int FLAGS_DELETE = Nlmsg.NLM_F_REQUEST | Nlmsg.NLM_F_ACK;

  /** Timeout of the placeholder element that lets a close's delete always find one. */
  static final long PLACEHOLDER_TIMEOUT_MS = 1;

  /**
   * One element message of the batch, for matching its ACK and for error text.
   *
   * @param seq its sequence number
   * @param add true for NEWSETELEM, false for DELSETELEM
   * @param family NFPROTO_* of the table
   * @param set the set name, e.g. "lease4"
   * @param elements how many elements it carries
   */
  record Message(int seq, boolean add, int family, String set, int elements) {
    /** The nft command this message is the wire form of, e.g. "add element inet t lease4". */
    String describe(String table) {
      return (add ? "add" : "delete")
          + " element "
          + familyName(family)
          + " "
          + table
          + " "
          + set
          + " ("
          + elements
          + (elements == 1 ? " element)" : " elements)");
    }
  }

  /**
   * An encoded batch.
   *
   * @param bytes the whole batch, to be sent in one {@code send()} (nfnetlink needs the batch in
   *     one datagram)
   * @param beginSeq sequence number of BATCH_BEGIN; a failed commit is reported against it
   * @param messages the element messages, in order, with seq beginSeq+1...
   * @param endSeq sequence number of BATCH_END
   */
  record Encoded(byte[] bytes, int beginSeq, List<Message> messages, int endSeq) {
    /** Sequence numbers a batch with {@code messages} element messages takes. */
    int seqCount() {
      return messages.size() + 2;
    }
  }

  private NftElementBatch() {}

  /**
   * The batch for {@code plan} on the lease sets of {@code table}, numbered from {@code beginSeq}.
   * An empty plan gives a batch with no element messages (begin and end only).
   */
  static Encoded encode(String table, LeasePlan plan, int beginSeq) {
    NftCommands.checkTableName(table);
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    List<Message> messages = new ArrayList<>();
    int seq = beginSeq;
    out.writeBytes(delimiter(NFNL_MSG_BATCH_BEGIN, seq++));
    for (int family : new int[] {4, 6}) {
      Map<InetAddress, Long> grants = new LinkedHashMap<>();
      plan.grantMsByVip()
          .forEach(
              (vip, ms) -> {
                if (NftCommands.familyOf(vip) == family) {
                  grants.put(vip, ms);
                }
              });
      Map<InetAddress, Long> placeholders = new LinkedHashMap<>();
      for (InetAddress vip : plan.closed()) {
        if (NftCommands.familyOf(vip) == family) {
          placeholders.put(vip, PLACEHOLDER_TIMEOUT_MS);
        }
      }
      String set = "lease" + family;
      for (int nfproto : tableFamilies(family)) {
        if (!grants.isEmpty()) {
          // add (a no-op or timeout update if present) makes the delete always find an element;
          // the second add writes a fresh element whose expiry counts from this commit.
          out.writeBytes(add(table, nfproto, set, grants, seq));
          messages.add(new Message(seq++, true, nfproto, set, grants.size()));
          out.writeBytes(delete(table, nfproto, set, grants.keySet(), seq));
          messages.add(new Message(seq++, false, nfproto, set, grants.size()));
          out.writeBytes(add(table, nfproto, set, grants, seq));
          messages.add(new Message(seq++, true, nfproto, set, grants.size()));
        }
        if (!placeholders.isEmpty()) {
          out.writeBytes(add(table, nfproto, set, placeholders, seq));
          messages.add(new Message(seq++, true, nfproto, set, placeholders.size()));
          out.writeBytes(delete(table, nfproto, set, placeholders.keySet(), seq));
          messages.add(new Message(seq++, false, nfproto, set, placeholders.size()));
        }
      }
    }
    int endSeq = seq;
    out.writeBytes(delimiter(NFNL_MSG_BATCH_END, endSeq));
    return new Encoded(out.toByteArray(), beginSeq, List.copyOf(messages), endSeq);
  }

  /** BATCH_BEGIN or BATCH_END: header and nfgenmsg naming the nf_tables subsystem. */
  static byte[] delimiter(int type, int seq) {
    return NetlinkMessage.builder(type, Nlmsg.NLM_F_REQUEST)
        .struct(nfgenmsg(NFPROTO_UNSPEC, NFNL_SUBSYS_NFTABLES))
        .build()
        .withSeq(seq)
        .toBytes();
  }

  /** NEWSETELEM with a timeout on every element. */
  static byte[] add(
      String table, int nfproto, String set, Map<InetAddress, Long> msByVip, int seq) {
    NetlinkMessage.Builder b = header(NFT_MSG_NEWSETELEM, FLAGS_ADD, table, nfproto, set);
    int list = b.beginNested(NFTA_SET_ELEM_LIST_ELEMENTS);
    for (Map.Entry<InetAddress, Long> e : msByVip.entrySet()) {
      if (e.getValue() < 1) {
        throw new IllegalArgumentException(
            "an element timeout must be at least 1 ms, got " + e.getValue() + " for " + e.getKey());
      }
      int elem = b.beginNested(NFTA_LIST_ELEM);
      // Same order as libnftnl (timeout before key); the kernel does not care.
      b.attr(NFTA_SET_ELEM_TIMEOUT, be64(e.getValue()));
      key(b, e.getKey());
      b.endNested(elem);
    }
    b.endNested(list);
    return b.build().withSeq(seq).toBytes();
  }

  /** DELSETELEM of the given keys. */
  static byte[] delete(
      String table, int nfproto, String set, Collection<InetAddress> vips, int seq) {
    NetlinkMessage.Builder b = header(NFT_MSG_DELSETELEM, FLAGS_DELETE, table, nfproto, set);
    int list = b.beginNested(NFTA_SET_ELEM_LIST_ELEMENTS);
    for (InetAddress vip : vips) {
      int elem = b.beginNested(NFTA_LIST_ELEM);
      key(b, vip);
      b.endNested(elem);
    }
    b.endNested(list);
    return b.build().withSeq(seq).toBytes();
  }

  private static NetlinkMessage.Builder header(
      int msg, int flags, String table, int nfproto, String set) {
    return NetlinkMessage.builder(NFNL_SUBSYS_NFTABLES << 8 | msg, flags)
        .struct(nfgenmsg(nfproto, 0))
        .attrString(NFTA_SET_ELEM_LIST_TABLE, table)
        .attrString(NFTA_SET_ELEM_LIST_SET, set);
  }

  private static void key(NetlinkMessage.Builder b, InetAddress vip) {
    int key = b.beginNested(NFTA_SET_ELEM_KEY);
    // getAddress() is in network order, which is how ipv4_addr/ipv6_addr keys are stored.
    b.attr(NFTA_DATA_VALUE, vip.getAddress());
    b.endNested(key);
  }

  /** {@code struct nfgenmsg {u8 nfgen_family; u8 version; __be16 res_id;}}. */
  static byte[] nfgenmsg(int family, int resId) {
    return new byte[] {(byte) family, NFNETLINK_V0, (byte) (resId >>> 8), (byte) resId};
  }

  private static byte[] be64(long v) {
    return ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putLong(v).array();
  }

  /** nf_tables families of the tables that hold the lease set of IP {@code family} (4 or 6). */
  static int[] tableFamilies(int family) {
    return family == 4
        ? new int[] {NFPROTO_ARP, NFPROTO_INET, NFPROTO_NETDEV}
        : new int[] {NFPROTO_INET, NFPROTO_NETDEV};
  }

  static String familyName(int nfproto) {
    return switch (nfproto) {
      case NFPROTO_ARP -> "arp";
      case NFPROTO_INET -> "inet";
      case NFPROTO_NETDEV -> "netdev";
      default -> "family " + nfproto;
    };
  }
}
