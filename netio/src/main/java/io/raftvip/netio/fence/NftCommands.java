package io.raftvip.netio.fence;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The nft command text of the fence, and parsers for the bits of {@code list} output it reads back.
 * Pure: builds strings, touches nothing.
 *
 * <p>Three tables named {@code table} (default {@value #DEFAULT_TABLE}), one per family, each with
 * {@code vips4}/{@code vips6} (VIPs under management) and {@code lease4}/{@code lease6} (flags
 * timeout: VIPs whose lease is live). Every rule drops only traffic whose VIP is in {@code vips}
 * and not in {@code lease}; the chains' policy is accept, so other rulesets are never overridden:
 *
 * <ul>
 *   <li>{@code arp} output: ARP requests and replies whose sender IP is the VIP (kernel replies,
 *       the kernel's own G-ARPs and requests that would re-poison caches);
 *   <li>{@code inet} input/output: IP traffic to and from the VIP, and first, for its own counter,
 *       IPv6 neighbour solicitations and advertisements sourced from the VIP (nft 1.0.6 has no
 *       {@code icmpv6 taddr}; Linux sources an NA for a local target from that target, ndisc.c
 *       {@code ndisc_send_na});
 *   <li>{@code netdev} egress, one chain per VIP interface: the same by ARP sender IP and IP source
 *       on the wire, which is the only hook that also sees frames user space sends through
 *       AF_PACKET (the announcer's). The egress hook needs kernel 5.16+.
 * </ul>
 *
 * <p>Lease elements are always written with an explicit timeout (the sets have no default, so an
 * element without one would be a lease that never ends). A refresh is the batch {@code add; delete;
 * add}: a plain re-add of an existing element does not move its expiry (never on 6.1; on kernels
 * with the 2024 timeout-update support only when the timeout differs, so a renewal that happens to
 * carry the same value would silently not refresh), and {@code delete} alone fails with ENOENT for
 * an element that already expired. The leading {@code add} makes the {@code delete} always find an
 * element, so the batch never fails and always leaves a fresh element (measured on 6.18: no gaps,
 * expiry moves; see the fence tests).
 */
final class NftCommands {
  static final String DEFAULT_TABLE = "raftvip_fence";

  /** Chain name prefix for the per-interface netdev egress chains. */
  static final String EGRESS_PREFIX = "egress_";

  private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,31}");

  /**
   * Interface names we can put into a chain name and a quoted device string without escaping. Linux
   * allows more (anything but '/', ':' and whitespace, 15 bytes); raftvip's own names and every
   * common NIC name fit.
   */
  private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,14}");

  private static final Pattern ELEMENT_WITH_EXPIRY =
      Pattern.compile("([0-9A-Fa-f.:]+) timeout ([0-9dhms]+) expires ([0-9dhms]+)");
  private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|d|h|m|s)");
  private static final Pattern EGRESS_CHAIN =
      Pattern.compile("chain " + EGRESS_PREFIX + "([A-Za-z0-9_.\\-]+) \\{");

  private final String table;

  NftCommands(String table) {
    this.table = checkTableName(table);
  }

  static String checkTableName(String table) {
    if (table == null || !TABLE_NAME.matcher(table).matches()) {
      throw new IllegalArgumentException(
          "table name must match " + TABLE_NAME.pattern() + ", got \"" + table + "\"");
    }
    return table;
  }

  static String checkIfname(String ifname) {
    if (ifname == null || !IFNAME.matcher(ifname).matches()) {
      throw new IllegalArgumentException(
          "interface name must match " + IFNAME.pattern() + ", got \"" + ifname + "\"");
    }
    return ifname;
  }

  /** Rejects addresses that cannot be a VIP: wildcard, loopback, link-local, multicast. */
  static InetAddress checkVip(InetAddress vip) {
    if (vip == null) {
      throw new IllegalArgumentException("vip must not be null");
    }
    if (vip.isAnyLocalAddress()
        || vip.isLoopbackAddress()
        || vip.isLinkLocalAddress()
        || vip.isMulticastAddress()) {
      throw new IllegalArgumentException(
          "not a usable VIP (wildcard, loopback, link-local or multicast): "
              + vip.getHostAddress());
    }
    if (vip instanceof Inet6Address v6 && v6.getScopeId() != 0) {
      throw new IllegalArgumentException("a VIP has no scope id: " + vip.getHostAddress());
    }
    return vip;
  }

  String table() {
    return table;
  }

  /**
   * Creates the tables, sets and the arp/inet chains, or brings an existing set of ours (left by a
   * previous run that was killed) back to exactly these rules. Set elements are kept: a VIP fenced
   * by a previous incarnation stays fenced, and a lease it granted ends when it was meant to.
   * Per-interface netdev chains are added by {@link #ensureInterface}.
   */
  String createRuleset() {
    StringBuilder sb = new StringBuilder(2048);
    String arp = "arp " + table;
    line(sb, "add table " + arp);
    line(sb, "add set " + arp + " vips4 { type ipv4_addr; }");
    line(sb, "add set " + arp + " lease4 { type ipv4_addr; flags timeout; }");
    line(sb, "add chain " + arp + " output { type filter hook output priority 0; policy accept; }");
    line(sb, "flush chain " + arp + " output");
    line(
        sb, "add rule " + arp + " output arp saddr ip @vips4 arp saddr ip != @lease4 counter drop");

    String inet = "inet " + table;
    line(sb, "add table " + inet);
    addFamilySets(sb, inet);
    // Priority -300 (raw): before conntrack, so fenced packets create no connection state. A drop
    // is final whatever other chains do, so the priority only decides who pays for the packet.
    line(
        sb,
        "add chain " + inet + " input { type filter hook input priority -300; policy accept; }");
    line(
        sb,
        "add chain " + inet + " output { type filter hook output priority -300; policy accept; }");
    line(sb, "flush chain " + inet + " input");
    line(sb, "flush chain " + inet + " output");
    line(sb, "add rule " + inet + " input ip daddr @vips4 ip daddr != @lease4 counter drop");
    line(sb, "add rule " + inet + " input ip6 daddr @vips6 ip6 daddr != @lease6 counter drop");
    line(
        sb,
        "add rule "
            + inet
            + " output icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert }"
            + " ip6 saddr @vips6 ip6 saddr != @lease6 counter drop");
    line(sb, "add rule " + inet + " output ip saddr @vips4 ip saddr != @lease4 counter drop");
    line(sb, "add rule " + inet + " output ip6 saddr @vips6 ip6 saddr != @lease6 counter drop");

    String netdev = "netdev " + table;
    line(sb, "add table " + netdev);
    addFamilySets(sb, netdev);
    return sb.toString();
  }

  private static void addFamilySets(StringBuilder sb, String familyTable) {
    line(sb, "add set " + familyTable + " vips4 { type ipv4_addr; }");
    line(sb, "add set " + familyTable + " lease4 { type ipv4_addr; flags timeout; }");
    line(sb, "add set " + familyTable + " vips6 { type ipv6_addr; }");
    line(sb, "add set " + familyTable + " lease6 { type ipv6_addr; flags timeout; }");
  }

  /** The egress chain of {@code ifname} with its rules (idempotent: flushes and re-adds them). */
  String ensureInterface(String ifname) {
    checkIfname(ifname);
    String chain = "netdev " + table + " " + EGRESS_PREFIX + ifname;
    StringBuilder sb = new StringBuilder(512);
    line(
        sb,
        "add chain "
            + chain
            + " { type filter hook egress device \""
            + ifname
            + "\" priority 0; policy accept; }");
    line(sb, "flush chain " + chain);
    line(sb, "add rule " + chain + " arp saddr ip @vips4 arp saddr ip != @lease4 counter drop");
    line(sb, "add rule " + chain + " ip saddr @vips4 ip saddr != @lease4 counter drop");
    line(sb, "add rule " + chain + " ip6 saddr @vips6 ip6 saddr != @lease6 counter drop");
    return sb.toString();
  }

  /** Deletes the egress chain of {@code ifname}; only valid while it exists. */
  String deleteInterface(String ifname) {
    checkIfname(ifname);
    return "delete chain netdev " + table + " " + EGRESS_PREFIX + ifname + "\n";
  }

  /** Lists the netdev table (to learn which egress chains exist). */
  String listNetdevTable() {
    return "list table netdev " + table + "\n";
  }

  /** Puts {@code vip} under management: from now on it is fenced unless it holds a lease. */
  String manage(InetAddress vip) {
    StringBuilder sb = new StringBuilder(256);
    for (String t : tablesFor(vip)) {
      line(sb, "add element " + t + " vips" + suffix(vip) + " { " + text(vip) + " }");
    }
    return sb.toString();
  }

  /**
   * One atomic batch: refresh every granted lease to its timeout and delete the lease of every
   * closed VIP. Empty string when the plan is empty. The fence writes this batch as raw netlink
   * ({@link NftElementBatch}, message for message the same); the text is what its errors show and
   * what release and the benchmarks run through nft.
   */
  String apply(LeasePlan plan) {
    StringBuilder sb = new StringBuilder(512);
    for (int family : new int[] {4, 6}) {
      Map<InetAddress, Long> grants = new LinkedHashMap<>();
      plan.grantMsByVip()
          .forEach(
              (vip, ms) -> {
                if (familyOf(vip) == family) {
                  grants.put(vip, ms);
                }
              });
      List<InetAddress> closed =
          plan.closed().stream().filter(v -> familyOf(v) == family).collect(Collectors.toList());
      if (grants.isEmpty() && closed.isEmpty()) {
        continue;
      }
      for (String t : tablesForFamily(family)) {
        String set = t + " lease" + family;
        if (!grants.isEmpty()) {
          String withTimeouts = elementsWithTimeouts(grants);
          String keys = elements(grants.keySet());
          line(sb, "add element " + set + " { " + withTimeouts + " }");
          line(sb, "delete element " + set + " { " + keys + " }");
          line(sb, "add element " + set + " { " + withTimeouts + " }");
        }
        if (!closed.isEmpty()) {
          // The add makes the delete find an element whether or not the lease was live. Its 1 ms
          // timeout never matters: the same atomic batch deletes the element.
          Map<InetAddress, Long> placeholders = new LinkedHashMap<>();
          closed.forEach(v -> placeholders.put(v, 1L));
          line(sb, "add element " + set + " { " + elementsWithTimeouts(placeholders) + " }");
          line(sb, "delete element " + set + " { " + elements(closed) + " }");
        }
      }
    }
    return sb.toString();
  }

  /** Closes the gates of {@code vips} at once (deletes their lease elements). */
  String close(Collection<InetAddress> vips) {
    return apply(new LeasePlan(Map.of(), new LinkedHashSet<>(vips)));
  }

  /** Stops managing {@code vip}: deletes its lease and its membership in {@code vips}. */
  String release(InetAddress vip) {
    StringBuilder sb = new StringBuilder(close(List.of(vip)));
    for (String t : tablesFor(vip)) {
      String set = t + " vips" + suffix(vip);
      line(sb, "add element " + set + " { " + text(vip) + " }");
      line(sb, "delete element " + set + " { " + text(vip) + " }");
    }
    return sb.toString();
  }

  /** Removes our three tables and nothing else; never fails for a table already gone. */
  String teardown() {
    StringBuilder sb = new StringBuilder(256);
    for (String family : new String[] {"arp", "inet", "netdev"}) {
      line(sb, "add table " + family + " " + table);
      line(sb, "delete table " + family + " " + table);
    }
    return sb.toString();
  }

  /**
   * Commands listing the lease sets that carry every VIP (the inet table has both families). Run
   * each on its own: nft 1.0.6 builds its cache only for the last list command of a buffer.
   */
  List<String> listLeases() {
    return List.of("list set inet " + table + " lease4\n", "list set inet " + table + " lease6\n");
  }

  /** Commands listing our three tables (diagnostics); run each on its own, as above. */
  List<String> listTables() {
    return List.of(
        "list table arp " + table + "\n",
        "list table inet " + table + "\n",
        "list table netdev " + table + "\n");
  }

  /** Remaining milliseconds of every live lease element in {@code listOutput}. */
  static Map<InetAddress, Long> parseLeases(String listOutput) {
    Map<InetAddress, Long> result = new LinkedHashMap<>();
    Matcher m = ELEMENT_WITH_EXPIRY.matcher(listOutput);
    while (m.find()) {
      result.put(parseAddress(m.group(1)), parseDurationMs(m.group(3)));
    }
    return result;
  }

  /** Interface names of the egress chains in a {@code list table netdev} output. */
  static Set<String> parseEgressInterfaces(String listOutput) {
    Set<String> result = new LinkedHashSet<>();
    Matcher m = EGRESS_CHAIN.matcher(listOutput);
    while (m.find()) {
      result.add(m.group(1));
    }
    return result;
  }

  /** nft's duration text ("2s816ms", "1m", "984ms", "1d2h") in milliseconds. */
  static long parseDurationMs(String text) {
    Matcher m = DURATION_PART.matcher(text);
    long total = 0;
    int consumed = 0;
    while (m.find()) {
      if (m.start() != consumed) {
        break;
      }
      long n = Long.parseLong(m.group(1));
      total +=
          switch (m.group(2)) {
            case "d" -> n * 86_400_000L;
            case "h" -> n * 3_600_000L;
            case "m" -> n * 60_000L;
            case "s" -> n * 1_000L;
            default -> n;
          };
      consumed = m.end();
    }
    if (consumed != text.length() || text.isEmpty()) {
      throw new IllegalArgumentException("not an nft duration: \"" + text + "\"");
    }
    return total;
  }

  private static InetAddress parseAddress(String literal) {
    try {
      // A numeric literal (digits, dots, hex, colons) never triggers a name lookup.
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an address in nft output: " + literal, e);
    }
  }

  private List<String> tablesFor(InetAddress vip) {
    return tablesForFamily(familyOf(vip));
  }

  private List<String> tablesForFamily(int family) {
    List<String> tables = new ArrayList<>(3);
    if (family == 4) {
      tables.add("arp " + table);
    }
    tables.add("inet " + table);
    tables.add("netdev " + table);
    return tables;
  }

  static int familyOf(InetAddress vip) {
    if (vip instanceof Inet4Address) {
      return 4;
    }
    if (vip instanceof Inet6Address) {
      return 6;
    }
    throw new IllegalArgumentException("neither IPv4 nor IPv6: " + vip);
  }

  private static String suffix(InetAddress vip) {
    return Integer.toString(familyOf(vip));
  }

  /** The numeric text of an address; IPv6 in Java's full form, which nft accepts. */
  static String text(InetAddress vip) {
    return vip.getHostAddress();
  }

  private static String elements(Collection<InetAddress> vips) {
    return vips.stream().map(NftCommands::text).collect(Collectors.joining(", "));
  }

  private static String elementsWithTimeouts(Map<InetAddress, Long> msByVip) {
    return msByVip.entrySet().stream()
        .map(e -> text(e.getKey()) + " timeout " + e.getValue() + "ms")
        .collect(Collectors.joining(", "));
  }

  private static void line(StringBuilder sb, String command) {
    sb.append(command).append('\n');
  }
}
