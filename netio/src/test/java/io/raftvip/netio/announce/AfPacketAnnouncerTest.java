package io.raftvip.netio.announce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftvip.netio.MacAddress;
import io.raftvip.netio.NoSuchInterface;
import io.raftvip.netio.announce.frames.ArpFrame;
import io.raftvip.netio.announce.frames.NeighborAdvertisementFrame;
import io.raftvip.testlan.Capture;
import io.raftvip.testlan.Frame;
import io.raftvip.testlan.Host;
import io.raftvip.testlan.TestLan;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The announcer on the real kernel, in a test LAN of two nodes and a client. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AfPacketAnnouncerTest {
  private static TestLan lan;
  private static Host n1;
  private static Host n2;
  private static Host client;
  private static AfPacketAnnouncer announcer1;
  private static AfPacketAnnouncer announcer2;
  private static final List<String> figures = Collections.synchronizedList(new ArrayList<>());

  private final List<Runnable> cleanup = new ArrayList<>();

  @BeforeAll
  static void startLan() {
    lan = TestLan.builder().name("announce").nodes(2).client(true).start();
    n1 = lan.node(1);
    n2 = lan.node(2);
    client = lan.client();
    announcer1 = n1.inNetns(() -> AfPacketAnnouncer.open(AnnouncerListener.NONE));
    announcer2 = n2.inNetns(() -> AfPacketAnnouncer.open(AnnouncerListener.NONE));
  }

  @AfterAll
  static void stopLan() {
    try {
      figures.forEach(System.out::println);
      if (announcer1 != null) {
        announcer1.close();
      }
      if (announcer2 != null) {
        announcer2.close();
      }
    } finally {
      if (lan != null) {
        lan.close();
      }
    }
  }

  @AfterEach
  void runCleanup() {
    Collections.reverse(cleanup);
    cleanup.forEach(Runnable::run);
    cleanup.clear();
  }

  private static InetAddress ip(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private void addAddress(Host h, String cidr, String... extra) {
    List<String> cmd = new ArrayList<>(List.of("ip", "addr", "add", cidr, "dev", "eth0"));
    cmd.addAll(List.of(extra));
    h.execOrThrow(cmd.toArray(new String[0]));
    cleanup.add(() -> h.exec("ip", "addr", "del", cidr, "dev", "eth0"));
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  private static List<byte[]> framesFrom(List<Frame> frames, byte[] sourceMac) {
    List<byte[]> out = new ArrayList<>();
    for (Frame f : frames) {
      if (java.util.Arrays.equals(f.sourceMac(), sourceMac)) {
        out.add(f.bytes());
      }
    }
    return out;
  }

  @Test
  void framesOnTheWireAreByteForByteWhatWasBuilt() throws Exception {
    Inet4Address v4 = (Inet4Address) ip("198.18.0.50");
    Inet6Address v6 = (Inet6Address) ip("2001:db8::50");
    MacAddress mac = MacAddress.of(n1.mac());
    MacAddress vmac = MacAddress.parse("00:00:5e:00:01:07");
    List<Frame> frames;
    try (Capture capture = lan.capture("arp or icmp6")) {
      announcer1.sendOnce(Announcement.of(v4, "eth0"));
      announcer1.sendOnce(Announcement.of(v6, "eth0"));
      announcer1.sendOnce(
          Announcement.of(v4, "eth0").withSourceMac(vmac).withArpForms(Set.of(ArpForm.REPLY)));
      frames = capture.stop();
    }
    List<String> fromNode = framesFrom(frames, n1.mac()).stream().map(b -> hex(b)).toList();
    assertThat(fromNode)
        .containsSubsequence(
            hex(ArpFrame.gratuitousRequest(mac, v4).encode()),
            hex(ArpFrame.gratuitousReply(mac, v4).encode()),
            hex(NeighborAdvertisementFrame.unsolicited(mac, v6, false).encode()));
    List<byte[]> fromVmac = framesFrom(frames, vmac.bytes());
    assertThat(fromVmac).hasSize(1);
    ArpFrame parsed = ArpFrame.decode(fromVmac.get(0), fromVmac.get(0).length).orElseThrow();
    assertThat(parsed.ethSource()).isEqualTo(vmac);
    assertThat(parsed.senderMac()).isEqualTo(vmac);
    assertThat(parsed.targetMac()).isEqualTo(vmac);
    assertThat(parsed.operation()).isEqualTo(ArpFrame.REPLY);
    assertThat(parsed.senderIp()).isEqualTo(v4);
    assertThat(parsed.targetIp()).isEqualTo(v4);
    assertThat(fromVmac.get(0)).hasSize(60);
  }

  @Test
  void ourNeighbourAdvertisementEqualsTheOneTheKernelSends() throws Exception {
    Inet6Address v6 = (Inet6Address) ip("2001:db8::51");
    addAddress(n1, "2001:db8::51/128", "nodad");
    MacAddress original = MacAddress.of(n1.mac());
    MacAddress changed = MacAddress.parse("02:00:00:00:00:1b");
    n1.execOrThrow("sysctl", "-qw", "net.ipv6.conf.eth0.ndisc_notify=1");
    cleanup.add(() -> n1.exec("sysctl", "-qw", "net.ipv6.conf.eth0.ndisc_notify=0"));
    List<Frame> frames;
    try (Capture capture = lan.capture("icmp6")) {
      // ndisc_notify: on a MAC change the kernel sends an unsolicited NA per address.
      n1.execOrThrow("ip", "link", "set", "eth0", "address", changed.toString());
      cleanup.add(() -> n1.exec("ip", "link", "set", "eth0", "address", original.toString()));
      frames = capture.stop();
    }
    byte[] kernel =
        frames.stream()
            .map(Frame::bytes)
            .filter(
                b ->
                    NeighborAdvertisementFrame.decode(b, b.length)
                        .map(na -> na.target().equals(v6))
                        .orElse(false))
            .findFirst()
            .orElseThrow(() -> new AssertionError("kernel sent no NA for " + v6));
    assertThat(hex(kernel))
        .isEqualTo(hex(NeighborAdvertisementFrame.unsolicited(changed, v6, false).encode()));
  }

  private static String neighbour(String address) {
    return client.execOrThrow("ip", "neigh", "show", address, "dev", "eth0").stdout().trim();
  }

  /** Polls the client's entry until it names {@code mac}; returns ms taken, or -1 after 2 s. */
  private static long awaitNeighbour(String address, String mac) throws InterruptedException {
    long start = System.nanoTime();
    while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2)) {
      if (neighbour(address).contains("lladdr " + mac)) {
        return (System.nanoTime() - start) / 1_000_000;
      }
      Thread.sleep(10);
    }
    return -1;
  }

  private void moveAndAnnounce(String vip, String prefix, Announcement announcement, String label)
      throws Exception {
    String cidr = vip + "/" + prefix;
    String[] extra = vip.contains(":") ? new String[] {"nodad"} : new String[0];
    addAddress(n1, cidr, extra);
    String ping = vip.contains(":") ? "-6" : "-4";
    client.execOrThrow("ping", ping, "-c", "1", "-W", "2", vip);
    assertThat(neighbour(vip)).contains("lladdr " + n1.macString());

    n1.execOrThrow("ip", "addr", "del", cidr, "dev", "eth0");
    addAddress(n2, cidr, extra);
    // Nothing told the client yet: its entry still points at node 1.
    assertThat(neighbour(vip)).contains("lladdr " + n1.macString());

    announcer2.sendOnce(announcement);
    long tookMs = awaitNeighbour(vip, n2.macString());
    assertThat(tookMs)
        .as("%s moved the client's entry to node 2: %s", label, neighbour(vip))
        .isGreaterThanOrEqualTo(0);
    figures.add(String.format(Locale.ROOT, "%s: client entry moved after <= %d ms", label, tookMs));
    client.exec("ip", "neigh", "del", vip, "dev", "eth0");
  }

  @Test
  void clientArpEntryFollowsAGratuitousRequestAndAGratuitousReply() throws Exception {
    assertThat(client.execOrThrow("sysctl", "-n", "net.ipv4.conf.eth0.arp_accept").stdout().trim())
        .as("premise: the client does not accept unsolicited ARP for new entries")
        .isEqualTo("0");
    moveAndAnnounce(
        "198.18.0.52",
        "32",
        Announcement.of(ip("198.18.0.52"), "eth0").withArpForms(Set.of(ArpForm.REQUEST)),
        "G-ARP request");
    moveAndAnnounce(
        "198.18.0.53",
        "32",
        Announcement.of(ip("198.18.0.53"), "eth0").withArpForms(Set.of(ArpForm.REPLY)),
        "G-ARP reply (THA=SHA)");
  }

  @Test
  void clientIpv6EntryFollowsAnUnsolicitedNeighbourAdvertisement() throws Exception {
    moveAndAnnounce(
        "2001:db8::52", "128", Announcement.of(ip("2001:db8::52"), "eth0"), "unsolicited NA");
  }

  @Test
  void burstsRefreshesAndTheOwnershipCheck() throws Exception {
    InetAddress v4 = ip("198.18.0.54");
    InetAddress v6 = ip("2001:db8::54");
    MacAddress mac = MacAddress.of(n1.mac());
    List<Frame> frames;
    AnnounceReport burst;
    AnnounceReport stopped;
    long refreshStoppedAtMicros;
    try (Capture capture = lan.capture("arp or icmp6")) {
      burst =
          announcer1
              .announce(Announcement.of(v4, "eth0").withBurst(3, 30))
              .get(5, TimeUnit.SECONDS);
      AtomicInteger checks = new AtomicInteger();
      stopped =
          announcer1
              .announce(
                  Announcement.of(ip("198.18.0.55"), "eth0")
                      .withBurst(5, 10)
                      .withOwnershipCheck(() -> checks.incrementAndGet() <= 2))
              .get(5, TimeUnit.SECONDS);
      announcer1.startRefresh(Announcement.of(v6, "eth0"), 100);
      assertThat(announcer1.refreshing()).contains(v6);
      Thread.sleep(350);
      assertThat(announcer1.stopRefresh(v6)).isTrue();
      refreshStoppedAtMicros = System.currentTimeMillis() * 1000;
      Thread.sleep(300);
      frames = capture.stop();
    }
    assertThat(burst).isEqualTo(new AnnounceReport(v4, 3, false));
    assertThat(stopped.roundsSent()).isEqualTo(2);
    assertThat(stopped.ownershipLost()).isTrue();

    List<Frame> garps =
        frames.stream()
            .filter(
                f ->
                    ArpFrame.decode(f.bytes(), f.bytes().length)
                        .map(a -> a.senderIp().equals(v4) && a.senderMac().equals(mac))
                        .orElse(false))
            .toList();
    assertThat(garps).as("3 rounds of request + reply").hasSize(6);
    long spanMicros = garps.get(5).epochMicros() - garps.get(0).epochMicros();
    assertThat(spanMicros).as("rounds 30 ms apart").isBetween(55_000L, 500_000L);

    List<Frame> nas =
        frames.stream()
            .filter(
                f ->
                    NeighborAdvertisementFrame.decode(f.bytes(), f.bytes().length)
                        .map(na -> na.target().equals(v6))
                        .orElse(false))
            .toList();
    assertThat(nas.size()).as("refresh every 100 ms for 350 ms").isBetween(2, 4);
    assertThat(nas.get(nas.size() - 1).epochMicros())
        .as("nothing after stopRefresh")
        .isLessThan(refreshStoppedAtMicros + 20_000);
  }

  @Test
  void probeFindsTheOwnerAndNoConflictOnAFreeAddress() throws Exception {
    addAddress(n1, "198.18.0.56/32");
    ProbeResult taken =
        announcer2
            .probe(ArpProbe.of((Inet4Address) ip("198.18.0.56"), "eth0"))
            .get(5, TimeUnit.SECONDS);
    assertThat(taken).isInstanceOf(ProbeResult.ConflictDetected.class);
    ProbeResult.ConflictDetected c = (ProbeResult.ConflictDetected) taken;
    assertThat(c.conflictingMac()).isEqualTo(MacAddress.of(n1.mac()));
    assertThat(c.arpOperation()).isEqualTo(ArpFrame.REPLY);
    assertThat(c.simultaneousProbe()).isFalse();
    figures.add("ARP probe: conflict with the owner detected after " + c.afterMs() + " ms");

    long start = System.nanoTime();
    ProbeResult free =
        announcer2
            .probe(ArpProbe.of((Inet4Address) ip("198.18.0.57"), "eth0").withTiming(3, 20, 100))
            .get(5, TimeUnit.SECONDS);
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(free).isInstanceOf(ProbeResult.NoConflict.class);
    assertThat(((ProbeResult.NoConflict) free).probesSent()).isEqualTo(3);
    assertThat(tookMs).isBetween(140L, 2_000L);
  }

  @Test
  void sendErrorsAreTyped() {
    assertThatThrownBy(() -> announcer1.sendOnce(Announcement.of(ip("198.18.0.58"), "nosuch0")))
        .isInstanceOf(NoSuchInterface.class)
        .hasMessageContaining("nosuch0");
    lan.linkDown(n1);
    try {
      assertThatThrownBy(() -> announcer1.sendOnce(Announcement.of(ip("198.18.0.58"), "eth0")))
          .isInstanceOf(AnnouncementFailed.class)
          .hasMessageContaining("198.18.0.58 on eth0")
          .satisfies(e -> assertThat(((AnnouncementFailed) e).errno()).isEqualTo(100));
    } finally {
      lan.linkUp(n1);
    }
  }
}
