package io.raftvip.netio.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.netio.AddressSpec;
import io.raftvip.netio.MacAddress;
import io.raftvip.netio.MacvlanSpec;
import io.raftvip.netio.Neighbour;
import io.raftvip.netio.Netlink;
import io.raftvip.netio.NudState;
import io.raftvip.netio.VirtualMac;
import io.raftvip.netio.VmacSysctls;
import io.raftvip.netio.announce.AfPacketAnnouncer;
import io.raftvip.netio.announce.Announcement;
import io.raftvip.netio.announce.AnnouncerListener;
import io.raftvip.netio.announce.ArpForm;
import io.raftvip.netio.announce.RawFrameSender;
import io.raftvip.netio.announce.frames.ArpFrame;
import io.raftvip.netio.announce.frames.NeighborAdvertisementFrame;
import io.raftvip.netio.fence.UdpEchoResponder;
import io.raftvip.testlan.Host;
import io.raftvip.testlan.Netns;
import io.raftvip.testlan.TestLan;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The experiments behind docs/vip-and-mac.md: what a Linux client and a Linux bridge (the "switch")
 * do when a VIP moves with or without its MAC, with or without an announcement. One test per claim
 * of the document; each prints one line starting with {@code [vip-and-mac]} with what it measured.
 * Every test builds its own {@link TestLan} (a bridge {@code br0} in a switch namespace, nodes and
 * a client), so no kernel state leaks from one claim into the next.
 *
 * <p>Where a claim depends on neighbour timers, the test shortens them in the client's namespace
 * (and says so in its output) so that it finishes in seconds; the document gives the bound for the
 * kernel defaults, computed from the default values the test reads first.
 */
@Netns
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class VipAndMacExperimentsTest {
  private static final String VIP4 = "198.18.0.200";
  private static final String VIP6 = "2001:db8::200";
  private static final int ECHO_PORT = 7007;
  private static final long ECHO_MAX_RUN_MS = 25_000;
  private static final long PROBE_STEP_MS = 20;
  private static final long NEIGHBOUR_POLL_MS = 5;
  private static final int VRID = 1;
  private static final String VMAC_IF = "vip1";
  private static final long SWITCH_COMMAND_TIMEOUT_S = 10;

  /** Client timers used where a claim waits for neighbour re-resolution (kernel default first). */
  private static final List<String> SHORT_CLIENT_TIMERS =
      List.of(
          "net.ipv4.neigh.eth0.base_reachable_time_ms=1000", // 30000
          "net.ipv4.neigh.eth0.delay_first_probe_time=1", // 5 s
          "net.ipv4.neigh.eth0.retrans_time_ms=250"); // 1000

  private TestLan lan;
  private Host n1;
  private Host n2;
  private Host client;
  private Netlink nl1;
  private Netlink nl2;
  private Netlink clientNl;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void stop() {
    Collections.reverse(toClose);
    for (AutoCloseable c : toClose) {
      try {
        c.close();
      } catch (Exception e) {
        // Best effort: the namespaces go away below anyway.
      }
    }
    toClose.clear();
    if (lan != null) {
      lan.close();
    }
  }

  // ---------------------------------------------------------------- claim a

  @Test
  void ipMovedWithoutAnnouncementLeavesTheClientOnTheDeadMacUntilReResolution() throws Exception {
    start("vm-silent", false);
    String defaults = neighbourTimers(client);
    shortenClientTimers();
    InetAddress vip = ip(VIP4);
    nl1.addresses().add("eth0", AddressSpec.of(VIP4 + "/32"));
    echo(n1, vip);
    UdpProbe probe = probe(vip);
    assertThat(probe.firstReplyMs(2_000)).as("baseline: node 1 answers").isGreaterThanOrEqualTo(0);
    assertThat(macOf(neighbour(vip))).isEqualTo(mac(n1));

    // Node 1 dies (its switch port loses carrier); node 2 configures the VIP and says nothing.
    long t0 = System.nanoTime();
    lan.cutLink(n1);
    nl2.addresses().add("eth0", AddressSpec.of(VIP4 + "/32"));
    echo(n2, vip);
    String right = describe(neighbour(vip));
    assertThat(macOf(neighbour(vip))).isEqualTo(mac(n1));

    Recovery r = probeUntilReply(probe, vip, t0, 15_000);
    assertThat(r.firstReplyMs).as("recovered by re-resolution: %s", r.transitions).isPositive();
    assertThat(macOf(neighbour(vip))).isEqualTo(mac(n2));
    assertThat(r.transitions.get(0)).contains(mac(n1).toString());
    assertThat(r.lastMsOnDeadMac).isPositive();
    result(
        "a",
        "IP moved silently (timers shortened: %s; defaults: %s): right after the move the"
            + " client's entry was '%s'; no answer for %d ms; entry on the dead MAC until %d ms;"
            + " states: %s",
        String.join(" ", SHORT_CLIENT_TIMERS),
        defaults,
        right,
        r.firstReplyMs,
        r.lastMsOnDeadMac,
        r.transitions);
  }

  // ---------------------------------------------------------------- claim b

  @Test
  void gratuitousArpRequestAndReplyEachUpdateAnExistingEntryAtOnceWithArpAcceptZero()
      throws Exception {
    start("vm-garp", false);
    assertThat(sysctl(client, "net.ipv4.conf.eth0.arp_accept")).isEqualTo("0");
    assertThat(sysctl(client, "net.ipv4.conf.all.arp_accept")).isEqualTo("0");
    InetAddress vip = ip(VIP4);
    AfPacketAnnouncer a1 = announcer(n1);
    AfPacketAnnouncer a2 = announcer(n2);
    nl1.addresses().add("eth0", AddressSpec.of(VIP4 + "/32"));
    UdpProbe probe = probe(vip);
    echo(n1, vip);
    assertThat(probe.firstReplyMs(2_000)).isGreaterThanOrEqualTo(0);
    String before = describe(neighbour(vip));
    assertThat(macOf(neighbour(vip))).isEqualTo(mac(n1));

    // Planned move to node 2, announced with the request form only.
    nl1.addresses().delete("eth0", VIP4 + "/32");
    nl2.addresses().add("eth0", AddressSpec.of(VIP4 + "/32"));
    assertThat(macOf(neighbour(vip))).as("nothing told the client yet").isEqualTo(mac(n1));
    long t = System.nanoTime();
    a2.sendOnce(once(vip, "eth0", ArpForm.REQUEST));
    long requestMs = awaitMac(vip, mac(n2), t, 1_000);
    String afterRequest = describe(neighbour(vip));
    assertThat(requestMs).as("G-ARP request moved the entry: %s", afterRequest).isNotNegative();

    // And back to node 1, announced with the reply form (THA = SHA) only.
    nl2.addresses().delete("eth0", VIP4 + "/32");
    nl1.addresses().add("eth0", AddressSpec.of(VIP4 + "/32"));
    t = System.nanoTime();
    a1.sendOnce(once(vip, "eth0", ArpForm.REPLY));
    long replyMs = awaitMac(vip, mac(n1), t, 1_000);
    String afterReply = describe(neighbour(vip));
    assertThat(replyMs).as("G-ARP reply moved the entry: %s", afterReply).isNotNegative();
    assertThat(neighbour(vip).orElseThrow().states()).contains(NudState.STALE);
    result(
        "b1",
        "arp_accept=0, existing entry '%s': G-ARP request -> '%s' after %d ms;"
            + " G-ARP reply -> '%s' after %d ms",
        before,
        afterRequest,
        requestMs,
        afterReply,
        replyMs);
  }

  @Test
  void gratuitousArpCreatesNoEntryWithArpAcceptZeroButDoesWithArpAcceptOne() throws Exception {
    start("vm-accept", false);
    InetAddress vip = ip("198.18.0.201");
    AfPacketAnnouncer a2 = announcer(n2);
    nl2.addresses().add("eth0", AddressSpec.of("198.18.0.201/32"));
    assertThat(neighbour(vip)).isEmpty();

    a2.sendOnce(Announcement.of(vip, "eth0").withBurst(1, 1)); // request + reply form
    Thread.sleep(300);
    Optional<Neighbour> withZero = neighbour(vip);
    assertThat(withZero).as("arp_accept=0 creates nothing").isEmpty();

    client.execOrThrow("sysctl", "-qw", "net.ipv4.conf.eth0.arp_accept=1");
    long t = System.nanoTime();
    a2.sendOnce(Announcement.of(vip, "eth0").withBurst(1, 1));
    long createdMs = awaitMac(vip, mac(n2), t, 1_000);
    String created = describe(neighbour(vip));
    assertThat(createdMs).as("arp_accept=1 creates the entry").isNotNegative();
    assertThat(neighbour(vip).orElseThrow().states()).contains(NudState.STALE);
    result(
        "b2",
        "no entry: G-ARP with arp_accept=0 -> %s after 300 ms; with arp_accept=1 -> '%s' after"
            + " %d ms",
        describe(withZero),
        created,
        createdMs);
  }

  // ---------------------------------------------------------------- claim c

  @Test
  void withinLocktimeASecondArpReplyIsIgnoredButAGratuitousArpIsNot() throws Exception {
    start("vm-lock", false);
    String locktime = sysctl(client, "net.ipv4.neigh.eth0.locktime");
    long locktimeMs = Long.parseLong(locktime) * 10; // USER_HZ (1/100 s) in procfs
    InetAddress vip = ip(VIP4);
    Inet4Address clientIp = (Inet4Address) ip(client.ipv4());
    MacAddress clientMac = MacAddress.of(client.mac());
    MacAddress macA = MacAddress.parse("02:00:00:00:00:aa");
    MacAddress macB = MacAddress.parse("02:00:00:00:00:bb");
    MacAddress macC = MacAddress.parse("02:00:00:00:00:cc");
    MacAddress macD = MacAddress.parse("02:00:00:00:00:dd");
    nl1.addresses().add("eth0", AddressSpec.of(VIP4 + "/32"));
    echo(n1, vip);
    assertThat(probe(vip).firstReplyMs(2_000)).isGreaterThanOrEqualTo(0);
    Thread.sleep(locktimeMs + 200);
    RawFrameSender raw = n2.inNetns(RawFrameSender::open);
    toClose.add(raw);

    // Plain (non-gratuitous) unicast ARP replies "VIP is at A", then "VIP is at B" 50 ms later.
    raw.send("eth0", arpReply(macA, vip, clientMac, clientIp));
    long tA = System.nanoTime();
    assertThat(awaitMac(vip, macA, tA, 1_000)).as("first reply after locktime").isNotNegative();
    sleepUntil(tA, 50);
    raw.send("eth0", arpReply(macB, vip, clientMac, clientIp));
    Thread.sleep(100);
    String within = describe(neighbour(vip));
    assertThat(macOf(neighbour(vip))).as("B within locktime is ignored").isEqualTo(macA);
    sleepUntil(tA, locktimeMs + 200);
    raw.send("eth0", arpReply(macB, vip, clientMac, clientIp));
    long bLateMs = awaitMac(vip, macB, System.nanoTime(), 1_000);
    String after = describe(neighbour(vip));
    assertThat(bLateMs).as("B after locktime wins").isNotNegative();

    // Gratuitous ARP from C, then from D 50 ms later: both inside locktime of each other.
    AfPacketAnnouncer a2 = announcer(n2);
    a2.sendOnce(once(vip, "eth0", ArpForm.REQUEST).withSourceMac(macC));
    long tC = System.nanoTime();
    long cMs = awaitMac(vip, macC, tC, 1_000);
    sleepUntil(tC, 50);
    a2.sendOnce(once(vip, "eth0", ArpForm.REQUEST).withSourceMac(macD));
    long dMs = awaitMac(vip, macD, System.nanoTime(), 1_000);
    String garps = describe(neighbour(vip));
    assertThat(cMs).isNotNegative();
    assertThat(dMs).as("a G-ARP overrides even inside locktime").isNotNegative();
    result(
        "c",
        "locktime=%s (%d ms): ARP reply A then B 50 ms later -> '%s' (B ignored); B again %d ms"
            + " after A -> '%s'; G-ARP C then D 50 ms later -> '%s' (D won after %d ms)",
        locktime,
        locktimeMs,
        within,
        locktimeMs + 200,
        after,
        garps,
        dMs);
  }

  // ---------------------------------------------------------------- claim d

  @Test
  void unsolicitedNaMovesAnExistingEntryOnlyWithTheOverrideFlag() throws Exception {
    start("vm-na", true);
    Inet6Address vip = (Inet6Address) ip(VIP6);
    nl1.addresses().add("eth0", AddressSpec.of(VIP6 + "/128"));
    echo(n1, vip);
    assertThat(probe(vip).firstReplyMs(2_000)).isGreaterThanOrEqualTo(0);
    String before = describe(neighbour(vip));
    assertThat(macOf(neighbour(vip))).isEqualTo(mac(n1));

    nl1.addresses().delete("eth0", VIP6 + "/128");
    nl2.addresses().add("eth0", AddressSpec.of(VIP6 + "/128"));
    RawFrameSender raw = n2.inNetns(RawFrameSender::open);
    toClose.add(raw);
    MacAddress m2 = mac(n2);
    byte[] noOverride =
        new NeighborAdvertisementFrame(
                MacAddress.IPV6_ALL_NODES,
                m2,
                vip,
                NeighborAdvertisementFrame.ALL_NODES,
                255,
                false,
                false,
                false,
                vip,
                m2)
            .encode();
    raw.send("eth0", noOverride);
    Thread.sleep(200);
    Neighbour first = neighbour(vip).orElseThrow();
    raw.send("eth0", noOverride);
    Thread.sleep(200);
    Neighbour second = neighbour(vip).orElseThrow();
    assertThat(first.mac()).as("O=0 keeps the MAC").contains(mac(n1));
    assertThat(second.mac()).contains(mac(n1));

    AfPacketAnnouncer a2 = announcer(n2);
    long t = System.nanoTime();
    a2.sendOnce(Announcement.of(vip, "eth0").withBurst(1, 1)); // O=1
    long overrideMs = awaitMac(vip, m2, t, 1_000);
    String after = describe(neighbour(vip));
    assertThat(overrideMs).as("O=1 moves the entry").isNotNegative();

    // No entry at all: an unsolicited NA creates none unless accept_untracked_na is set.
    Inet6Address other = (Inet6Address) ip("2001:db8::201");
    nl2.addresses().add("eth0", AddressSpec.of("2001:db8::201/128"));
    a2.sendOnce(Announcement.of(other, "eth0").withBurst(1, 1));
    Thread.sleep(300);
    Optional<Neighbour> untracked = neighbour(other);
    assertThat(untracked).isEmpty();
    // accept_untracked_na=1 on a host: still nothing (the kernel applies it only when forwarding).
    client.execOrThrow("sysctl", "-qw", "net.ipv6.conf.eth0.accept_untracked_na=1");
    a2.sendOnce(Announcement.of(other, "eth0").withBurst(1, 1));
    Thread.sleep(300);
    Optional<Neighbour> untrackedHost = neighbour(other);
    assertThat(untrackedHost).as("accept_untracked_na=1, forwarding=0").isEmpty();
    client.execOrThrow("sysctl", "-qw", "net.ipv6.conf.eth0.forwarding=1");
    a2.sendOnce(Announcement.of(other, "eth0").withBurst(1, 1));
    long createdMs = awaitMac(other, m2, System.nanoTime(), 1_000);
    assertThat(createdMs).as("accept_untracked_na=1 on a router creates it").isNotNegative();
    result(
        "d",
        "entry '%s'; NA O=0 from the new owner -> '%s', again -> '%s'; NA O=1 -> '%s' after %d ms;"
            + " no entry + NA: accept_untracked_na=0 -> %s; =1 with forwarding=0 -> %s;"
            + " =1 with forwarding=1 -> '%s'",
        before,
        first,
        second,
        after,
        overrideMs,
        describe(untracked),
        describe(untrackedHost),
        describe(neighbour(other)));
  }

  // ---------------------------------------------------------------- claim e

  @Test
  void virtualMacMoveLeavesTheClientAloneButTheSwitchFollowsOnlyAFrameFromTheNewPort()
      throws Exception {
    start("vm-vmac", false); // no IPv6: a fresh macvlan would send MLD/DAD frames on its own
    InetAddress vip = ip(VIP4);
    MacAddress vmac = VirtualMac.ipv4(VRID);
    serveOnVmac(n1, nl1, vip);
    UdpProbe probe = probe(vip);
    assertThat(probe.firstReplyMs(2_000)).isGreaterThanOrEqualTo(0);
    assertThat(macOf(neighbour(vip))).isEqualTo(vmac);
    assertThat(fdbPort(vmac)).isEqualTo(n1.switchPort());

    // Node 1 hangs with its port up (modelled: its VMAC interface disappears, nothing is sent).
    nl1.macvlans().delete(VMAC_IF);
    serveOnVmac(n2, nl2, vip);
    String fdbBefore = fdbPort(vmac);
    int repliesWithoutFrame = probe.replies(2_000);
    String entryWithoutFrame = describe(neighbour(vip));
    assertThat(fdbBefore)
        .as("the bridge still sends the VMAC to node 1")
        .isEqualTo(n1.switchPort());
    assertThat(repliesWithoutFrame).as("the client's traffic goes to the dead port").isZero();
    assertThat(fdbPort(vmac)).isEqualTo(n1.switchPort());

    AfPacketAnnouncer a2 = announcer(n2);
    long t = System.nanoTime();
    a2.sendOnce(once(vip, VMAC_IF, ArpForm.REQUEST));
    long replyMs = probe.firstReplyMs(2_000);
    long tookMs = (System.nanoTime() - t) / 1_000_000;
    assertThat(replyMs).as("one frame from the new port moved the switch").isNotNegative();
    assertThat(fdbPort(vmac)).isEqualTo(n2.switchPort());
    assertThat(macOf(neighbour(vip))).as("the client never changed its entry").isEqualTo(vmac);
    result(
        "e1",
        "VMAC %s moved, old port up: fdb -> %s, client entry '%s', %d replies in 2000 ms; after"
            + " one G-ARP from the VMAC: fdb -> %s, first reply %d ms after it, client entry MAC"
            + " unchanged (%s)",
        vmac,
        fdbBefore,
        entryWithoutFrame,
        repliesWithoutFrame,
        fdbPort(vmac),
        tookMs,
        macOf(neighbour(vip)));
  }

  @Test
  void virtualMacBehindAPortThatLostCarrierIsFloodedToTheNewOwnerWithoutAnyFrame()
      throws Exception {
    start("vm-vflood", false);
    InetAddress vip = ip(VIP4);
    MacAddress vmac = VirtualMac.ipv4(VRID);
    serveOnVmac(n1, nl1, vip);
    UdpProbe probe = probe(vip);
    assertThat(probe.firstReplyMs(2_000)).isGreaterThanOrEqualTo(0);
    assertThat(fdbPort(vmac)).isEqualTo(n1.switchPort());

    long t = System.nanoTime();
    lan.cutLink(n1); // carrier loss: the bridge flushes what it learned on that port
    String fdbAfterCut = fdbPort(vmac);
    serveOnVmac(n2, nl2, vip); // silent: no IPv6, arp_notify=0
    long replyMs = probe.firstReplyMs(2_000);
    long tookMs = (System.nanoTime() - t) / 1_000_000;
    assertThat(fdbAfterCut).isEqualTo("none");
    assertThat(replyMs).as("flooded to the new owner").isNotNegative();
    assertThat(macOf(neighbour(vip))).isEqualTo(vmac);
    result(
        "e2",
        "VMAC, old port lost carrier: fdb entry %s after the cut, node 2 answered %d ms after the"
            + " cut without sending a frame first (unknown unicast is flooded); fdb now -> %s",
        fdbAfterCut,
        tookMs,
        fdbPort(vmac));
  }

  // ---------------------------------------------------------------- claim f

  @Test
  void lockedSwitchPortsRejectAMovedVirtualMacButNotGratuitousArpFromTheOwnMac() throws Exception {
    start("vm-portsec", false);
    InetAddress vip = ip(VIP4);
    MacAddress vmac = VirtualMac.ipv4(VRID);
    serveOnVmac(n1, nl1, vip);
    UdpProbe probe = probe(vip);
    assertThat(probe.firstReplyMs(2_000)).isGreaterThanOrEqualTo(0);
    // Port security: each node port accepts only the MACs registered on it.
    sw("bridge", "fdb", "replace", mac(n1).toString(), "dev", n1.switchPort(), "master", "static");
    sw("bridge", "fdb", "replace", vmac.toString(), "dev", n1.switchPort(), "master", "static");
    sw("bridge", "fdb", "replace", mac(n2).toString(), "dev", n2.switchPort(), "master", "static");
    sw("bridge", "link", "set", "dev", n1.switchPort(), "locked", "on");
    sw("bridge", "link", "set", "dev", n2.switchPort(), "locked", "on");
    assertThat(sw("bridge", "-d", "link", "show", "dev", n2.switchPort())).contains("locked on");
    assertThat(probe.firstReplyMs(2_000)).as("still fine before the move").isNotNegative();

    nl1.macvlans().delete(VMAC_IF);
    UdpEchoResponder onVmac = serveOnVmac(n2, nl2, vip);
    AfPacketAnnouncer a2 = announcer(n2);
    a2.announce(Announcement.of(vip, VMAC_IF).withBurst(3, 50)).get(2, TimeUnit.SECONDS);
    int vmacReplies = probe.replies(2_000);
    String fdbVmac = fdbPort(vmac);
    assertThat(vmacReplies).as("moved VMAC on a locked port").isZero();
    assertThat(fdbVmac).isEqualTo(n1.switchPort());

    // Same move with the node's own MAC: the VIP on eth0 and a G-ARP from it.
    nl2.macvlans().delete(VMAC_IF);
    onVmac.close(); // its socket still holds VIP:port
    nl2.addresses().add("eth0", AddressSpec.of(VIP4 + "/32"));
    echo(n2, vip);
    long t = System.nanoTime();
    a2.sendOnce(Announcement.of(vip, "eth0").withBurst(1, 1));
    long entryMs = awaitMac(vip, mac(n2), t, 1_000);
    long replyMs = probe.firstReplyMs(2_000);
    long tookMs = (System.nanoTime() - t) / 1_000_000;
    assertThat(entryMs).isNotNegative();
    assertThat(replyMs).isNotNegative();
    result(
        "f",
        "locked ports + static fdb: VMAC moved with a 3-round G-ARP burst -> %d replies in 2000 ms,"
            + " fdb VMAC still -> %s; own-MAC G-ARP -> client entry moved after %d ms, first reply"
            + " after %d ms",
        vmacReplies,
        fdbVmac,
        entryMs,
        tookMs);
  }

  // ---------------------------------------------------------------- claim g

  @Test
  void droppedGratuitousArpLeavesTheClientOnTheOldMacUntilReResolution() throws Exception {
    start("vm-cloud", false);
    shortenClientTimers();
    InetAddress vip = ip(VIP4);
    nl1.addresses().add("eth0", AddressSpec.of(VIP4 + "/32"));
    echo(n1, vip);
    UdpProbe probe = probe(vip);
    assertThat(probe.firstReplyMs(2_000)).isGreaterThanOrEqualTo(0);
    // The "cloud" drops gratuitous ARP for the VIP coming from node 2's port.
    String rules =
        String.join(
            "\n",
            "table bridge garpdrop {",
            "  chain forward_arp {",
            "    type filter hook forward priority 0; policy accept;",
            // One line: a newline would end the rule.
            "    iifname \""
                + n2.switchPort()
                + "\" ether type arp arp saddr ip "
                + VIP4
                + " arp daddr ip "
                + VIP4
                + " counter drop",
            "  }",
            "}",
            "");
    swStdin(rules, "nft", "-f", "-");

    long t0 = System.nanoTime();
    lan.cutLink(n1);
    nl2.addresses().add("eth0", AddressSpec.of(VIP4 + "/32"));
    echo(n2, vip);
    AfPacketAnnouncer a2 = announcer(n2);
    a2.announce(Announcement.of(vip, "eth0").withBurst(3, 50)).get(2, TimeUnit.SECONDS);
    String counter = sw("nft", "list", "chain", "bridge", "garpdrop", "forward_arp");
    assertThat(counter).contains("counter packets 6 ");
    assertThat(macOf(neighbour(vip))).as("the G-ARPs never arrived").isEqualTo(mac(n1));

    Recovery r = probeUntilReply(probe, vip, t0, 15_000);
    assertThat(r.firstReplyMs).as("recovered by re-resolution: %s", r.transitions).isPositive();
    assertThat(macOf(neighbour(vip))).isEqualTo(mac(n2));
    result(
        "g",
        "G-ARP dropped on the new owner's port (6/6 frames dropped; timers shortened as in a):"
            + " no answer for %d ms after the crash; entry on the dead MAC until %d ms; states: %s",
        r.firstReplyMs,
        r.lastMsOnDeadMac,
        r.transitions);
  }

  // ---------------------------------------------------------------- fixtures

  private void start(String name, boolean ipv6) {
    lan = TestLan.builder().name(name).nodes(2).client(true).ipv6(ipv6).start();
    n1 = lan.node(1);
    n2 = lan.node(2);
    client = lan.client();
    nl1 = n1.inNetns(Netlink::open);
    toClose.add(nl1);
    nl2 = n2.inNetns(Netlink::open);
    toClose.add(nl2);
    clientNl = client.inNetns(Netlink::open);
    toClose.add(clientNl);
  }

  private void shortenClientTimers() {
    List<String> cmd = new ArrayList<>(List.of("sysctl", "-qw"));
    cmd.addAll(SHORT_CLIENT_TIMERS);
    client.execOrThrow(cmd.toArray(new String[0]));
  }

  private static String neighbourTimers(Host h) {
    return String.format(
        Locale.ROOT,
        "base_reachable_time_ms=%s delay_first_probe_time=%s retrans_time_ms=%s"
            + " ucast_solicit=%s mcast_solicit=%s",
        sysctl(h, "net.ipv4.neigh.eth0.base_reachable_time_ms"),
        sysctl(h, "net.ipv4.neigh.eth0.delay_first_probe_time"),
        sysctl(h, "net.ipv4.neigh.eth0.retrans_time_ms"),
        sysctl(h, "net.ipv4.neigh.eth0.ucast_solicit"),
        sysctl(h, "net.ipv4.neigh.eth0.mcast_solicit"));
  }

  /** A raftvip-style VMAC: macvlan (private mode) created down, configured, VIP added, up. */
  private UdpEchoResponder serveOnVmac(Host h, Netlink nl, InetAddress vip) {
    nl.macvlans().create(MacvlanSpec.builder(VMAC_IF, "eth0", VirtualMac.ipv4(VRID)).build());
    VmacSysctls.apply(nl, VMAC_IF, "eth0");
    nl.addresses().add(VMAC_IF, AddressSpec.of(VIP4 + "/32"));
    nl.macvlans().setUp(VMAC_IF);
    return echo(h, vip);
  }

  private AfPacketAnnouncer announcer(Host h) {
    AfPacketAnnouncer a = h.inNetns(() -> AfPacketAnnouncer.open(AnnouncerListener.NONE));
    toClose.add(a);
    return a;
  }

  private static Announcement once(InetAddress vip, String ifname, ArpForm form) {
    return Announcement.of(vip, ifname).withArpForms(Set.of(form)).withBurst(1, 1);
  }

  private UdpEchoResponder echo(Host h, InetAddress vip) {
    UdpEchoResponder r = h.inNetns(() -> UdpEchoResponder.open(vip, ECHO_PORT, ECHO_MAX_RUN_MS));
    toClose.add(r);
    return r;
  }

  private UdpProbe probe(InetAddress vip) throws IOException {
    DatagramSocket s = client.inNetns(DatagramSocket::new);
    s.setSoTimeout((int) PROBE_STEP_MS);
    UdpProbe p = new UdpProbe(s, new InetSocketAddress(vip, ECHO_PORT));
    toClose.add(p);
    return p;
  }

  private Optional<Neighbour> neighbour(InetAddress address) {
    return clientNl.neighbours().get("eth0", address);
  }

  private static MacAddress macOf(Optional<Neighbour> n) {
    return n.flatMap(Neighbour::mac).orElse(MacAddress.ZERO);
  }

  private static String describe(Optional<Neighbour> n) {
    return n.map(x -> x.mac().map(MacAddress::toString).orElse("no lladdr") + " " + x.stateName())
        .orElse("no entry");
  }

  /** Polls the client's entry until it names {@code mac}; ms since {@code fromNanos}, or -1. */
  private long awaitMac(InetAddress address, MacAddress mac, long fromNanos, long maxMs)
      throws InterruptedException {
    long deadline = fromNanos + TimeUnit.MILLISECONDS.toNanos(maxMs);
    while (System.nanoTime() < deadline) {
      if (macOf(neighbour(address)).equals(mac)) {
        return (System.nanoTime() - fromNanos) / 1_000_000;
      }
      Thread.sleep(NEIGHBOUR_POLL_MS);
    }
    return -1;
  }

  private record Recovery(long firstReplyMs, long lastMsOnDeadMac, List<String> transitions) {}

  /**
   * Probes every {@value #PROBE_STEP_MS} ms until the first reply (at most {@code maxMs}) and
   * records the client's neighbour entry each time it changes, in ms since {@code t0Nanos}.
   */
  private Recovery probeUntilReply(UdpProbe probe, InetAddress vip, long t0Nanos, long maxMs)
      throws IOException {
    List<String> transitions = new ArrayList<>();
    String last = "";
    MacAddress dead = mac(n1);
    long lastOnDead = -1;
    long deadline = t0Nanos + TimeUnit.MILLISECONDS.toNanos(maxMs);
    while (System.nanoTime() < deadline) {
      long nowMs = (System.nanoTime() - t0Nanos) / 1_000_000;
      Optional<Neighbour> n = neighbour(vip);
      String d = describe(n);
      if (!d.equals(last)) {
        transitions.add(nowMs + " ms " + d);
        last = d;
      }
      if (macOf(n).equals(dead)) {
        lastOnDead = nowMs;
      }
      if (probe.sendAndAwait()) {
        long replyMs = (System.nanoTime() - t0Nanos) / 1_000_000;
        transitions.add(replyMs + " ms reply; " + describe(neighbour(vip)));
        return new Recovery(replyMs, lastOnDead, transitions);
      }
    }
    return new Recovery(-1, lastOnDead, transitions);
  }

  /** ARP op 2 "vip is at {@code mac}" unicast to the client: not gratuitous (TPA != SPA). */
  private static byte[] arpReply(
      MacAddress mac, InetAddress vip, MacAddress clientMac, Inet4Address clientIp) {
    return new ArpFrame(
            clientMac, mac, ArpFrame.REPLY, mac, (Inet4Address) vip, clientMac, clientIp)
        .encode();
  }

  /** The switch port the bridge forwards {@code mac} to, or "none". */
  private String fdbPort(MacAddress mac) {
    for (String line : sw("bridge", "fdb", "show", "br", TestLan.BRIDGE).split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 3 && f[0].equalsIgnoreCase(mac.toString()) && f[1].equals("dev")) {
        return f[2];
      }
    }
    return "none";
  }

  private String sw(String... command) {
    return swStdin(null, command);
  }

  /** Runs {@code command} inside the switch namespace (never in the root namespace). */
  private String swStdin(String stdin, String... command) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", lan.switchNetns()));
    cmd.addAll(List.of(command));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      if (stdin != null) {
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(SWITCH_COMMAND_TIMEOUT_S, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out in the switch namespace: " + cmd);
      }
      String text = new String(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new AssertionError(cmd + " failed (" + p.exitValue() + "): " + text);
      }
      return text;
    } catch (IOException e) {
      throw new AssertionError(cmd + " could not run", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: " + cmd, e);
    }
  }

  private static String sysctl(Host h, String key) {
    return h.execOrThrow("sysctl", "-n", key).stdout().strip();
  }

  private static MacAddress mac(Host h) {
    return MacAddress.of(h.mac());
  }

  private static InetAddress ip(String text) throws UnknownHostException {
    return InetAddress.getByName(text);
  }

  private static void sleepUntil(long fromNanos, long ms) throws InterruptedException {
    long left = fromNanos + TimeUnit.MILLISECONDS.toNanos(ms) - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  private static void result(String claim, String format, Object... args) {
    System.out.println(
        "[vip-and-mac] claim "
            + claim
            + " (kernel "
            + System.getProperty("os.version")
            + "): "
            + String.format(Locale.ROOT, format, args));
  }

  /** UDP datagrams from the client to the VIP's echo port; counts what comes back. */
  private static final class UdpProbe implements AutoCloseable {
    private final DatagramSocket socket;
    private final InetSocketAddress target;
    private final byte[] buffer = new byte[64];

    UdpProbe(DatagramSocket socket, InetSocketAddress target) {
      this.socket = socket;
      this.target = target;
    }

    /** Sends one datagram and waits one step for any reply. */
    boolean sendAndAwait() throws IOException {
      byte[] payload = "probe".getBytes(StandardCharsets.US_ASCII);
      socket.send(new DatagramPacket(payload, payload.length, target));
      try {
        socket.receive(new DatagramPacket(buffer, buffer.length));
        return true;
      } catch (SocketTimeoutException e) {
        return false;
      }
    }

    /** ms until the first reply (one datagram per step), or -1 after {@code maxMs}. */
    long firstReplyMs(long maxMs) throws IOException {
      long start = System.nanoTime();
      long deadline = start + TimeUnit.MILLISECONDS.toNanos(maxMs);
      while (System.nanoTime() < deadline) {
        if (sendAndAwait()) {
          return (System.nanoTime() - start) / 1_000_000;
        }
      }
      return -1;
    }

    /** Replies received while probing for {@code durationMs}. */
    int replies(long durationMs) throws IOException {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(durationMs);
      int n = 0;
      while (System.nanoTime() < deadline) {
        if (sendAndAwait()) {
          n++;
        }
      }
      return n;
    }

    @Override
    public void close() {
      socket.close();
    }
  }
}
