package io.raftvip.coordinator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.coordinator.core.lease.OwnerEffect;
import io.raftvip.netio.MacvlanSpec;
import io.raftvip.netio.Netlink;
import io.raftvip.netio.VirtualMac;
import io.raftvip.testlan.Capture;
import io.raftvip.testlan.Frame;
import io.raftvip.testlan.Host;
import io.raftvip.testlan.TestLan;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A VIP with a virtual MAC over the real kernel: served on raftvip's macvlan, answered and
 * announced with 00:00:5e:00:01:vrid, gated by the fence, and removed without touching anyone
 * else's links or addresses; raftvip-created macvlans left by an earlier process are removed at
 * start.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VmacNamespaceTest {

  static final int VRID = 7;
  static final VipSpec VIP = VipSpec.of("web", "198.18.0.51/24").withVrid(VRID);
  static final byte[] VIP_BYTES = {(byte) 198, 18, 0, 51};
  static final byte[] VMAC = {0x00, 0x00, 0x5e, 0x00, 0x01, VRID};
  static final String VMAC_TEXT = "00:00:5e:00:01:07";
  static final long LEASE_MS = 30_000;
  static final Duration IDLE = Duration.ofSeconds(10);

  @Test
  void servesOnTheVirtualMacIsFencedAndRemovesOnlyWhatItCreated() throws Exception {
    try (TestLan lan = TestLan.builder().name("vmac").nodes(1).client(true).start()) {
      Host node = lan.node(1);
      Host client = lan.client();
      String vmac = KernelDataPlane.vmacName(VRID, false, "eth0");
      // Someone else's macvlan and address: raftvip must never remove them.
      node.execOrThrow(
          "ip", "link", "add", "link", "eth0", "name", "fmv0", "type", "macvlan", "mode",
          "private");
      node.execOrThrow("ip", "link", "set", "fmv0", "up");
      // Linux answers ARP for any local address on any interface (arp_ignore=0, the default), so
      // without this the foreign macvlan answers for the VIP with its own MAC (measured). raftvip
      // only configures the parent and its own macvlan; other links on the LAN are the operator's.
      node.execOrThrow("sysctl", "-w", "net.ipv4.conf.fmv0.arp_ignore=1");
      node.execOrThrow("ip", "addr", "add", "198.18.0.60/24", "dev", "eth0");
      // A macvlan an earlier raftvip process created and left behind.
      try (Netlink nl = node.inNetns(Netlink::open)) {
        nl.macvlans().create(MacvlanSpec.builder("rv4-9-0000", "eth0", VirtualMac.ipv4(9)).build());
      }
      assertThat(links(node)).contains("rv4-9-0000");

      KernelDataPlane plane = node.inNetns(() -> KernelDataPlane.open("eth0"));
      plane.announceRefreshMs(300);
      Reconciler reconciler = Reconciler.builder(plane).start();
      try {
        assertThat(reconciler.awaitIdle(IDLE)).isTrue();
        assertThat(links(node))
            .as("start-up removed the raftvip macvlan left behind, and only that")
            .doesNotContain("rv4-9-0000")
            .contains("fmv0");

        List<Frame> frames;
        long afterBurstMicros;
        try (Capture cap = lan.capture("arp")) {
          long deadline = plane.nowMs() + LEASE_MS;
          reconciler.submit(
              List.of(
                  new OwnerEffect.ArmFence(VIP, 3, deadline),
                  new OwnerEffect.AddAddress(VIP, 3, 40),
                  new OwnerEffect.Announce(VIP, 3)));
          assertThat(reconciler.awaitIdle(IDLE)).isTrue();
          client.execOrThrow("ip", "neigh", "flush", "dev", "eth0");
          assertThat(client.exec("ping", "-c", "1", "-W", "2", "198.18.0.51").ok())
              .as("the client reaches the VIP")
              .isTrue();
          // The burst is 3 rounds 100 ms apart; refreshes follow every 300 ms.
          Thread.sleep(400);
          afterBurstMicros = System.currentTimeMillis() * 1000;
          Thread.sleep(1_000);
          frames = cap.stop();
        }
        assertThat(client.execOrThrow("ip", "neigh", "show", "198.18.0.51").stdout())
            .as("the client's ARP for the VIP resolved to the virtual MAC")
            .contains(VMAC_TEXT);
        assertThat(frames.stream().anyMatch(f -> isGarp(f, VMAC)))
            .as("a gratuitous ARP with the virtual MAC as Ethernet source and sender")
            .isTrue();
        assertThat(
                frames.stream()
                    .filter(f -> f.epochMicros() >= afterBurstMicros && isGarp(f, VMAC))
                    .count())
            .as("periodic refresh rounds after the burst (every 300 ms)")
            .isGreaterThanOrEqualTo(2);
        assertThat(frames.stream().filter(f -> isArpFromVip(f) && !senderIs(f, VMAC)).toList())
            .as("nothing but the macvlan answered or announced the VIP (the parent stayed quiet)")
            .isEmpty();
        assertThat(node.execOrThrow("ip", "-o", "addr", "show", "dev", vmac).stdout())
            .contains("198.18.0.51/24");
        assertThat(node.execOrThrow("ip", "-o", "link", "show", "dev", vmac).stdout())
            .contains(VMAC_TEXT)
            .contains("raftvip:");
        assertThat(sysctl(node, "net.ipv4.conf.eth0.arp_ignore")).isEqualTo("1");
        assertThat(sysctl(node, "net.ipv4.conf." + vmac + ".arp_ignore")).isEqualTo("1");

        // Fence closed: traffic to the VIP through the macvlan is dropped, and ARP goes unanswered.
        reconciler.submit(List.of(new OwnerEffect.CloseFence(VIP)));
        assertThat(reconciler.awaitIdle(IDLE)).isTrue();
        assertThat(client.exec("ping", "-c", "1", "-W", "1", "198.18.0.51").ok())
            .as("fenced: the cached virtual MAC gets the packet, the fence drops it")
            .isFalse();
        try (Capture cap = lan.capture("arp")) {
          client.execOrThrow("ip", "neigh", "flush", "dev", "eth0");
          assertThat(client.exec("ping", "-c", "1", "-W", "1", "198.18.0.51").ok()).isFalse();
          frames = cap.stop();
        }
        assertThat(frames.stream().noneMatch(VmacNamespaceTest::isArpFromVip))
            .as("fenced: nobody answers ARP for the VIP")
            .isTrue();

        // Armed again: served again (the gate, not something else, was closed).
        reconciler.submit(List.of(new OwnerEffect.ArmFence(VIP, 3, plane.nowMs() + LEASE_MS)));
        assertThat(reconciler.awaitIdle(IDLE)).isTrue();
        assertThat(client.exec("ping", "-c", "1", "-W", "2", "198.18.0.51").ok()).isTrue();

        // Stop: fence, address, then macvlan; foreign things survive.
        reconciler.submit(
            List.of(new OwnerEffect.CloseFence(VIP), new OwnerEffect.RemoveAddress(VIP)));
        assertThat(reconciler.awaitIdle(IDLE)).isTrue();
        assertThat(links(node)).doesNotContain(vmac).contains("fmv0");
        assertThat(node.execOrThrow("ip", "-o", "addr").stdout())
            .doesNotContain("198.18.0.51")
            .contains("198.18.0.60/24");
      } finally {
        reconciler.close();
        plane.close();
      }
      assertThat(links(node)).contains("fmv0").doesNotContain(vmac);
      assertThat(node.execOrThrow("ip", "-o", "addr").stdout()).contains("198.18.0.60/24");
    }
  }

  @Test
  void servesAnIpv6VipOnTheIpv6VirtualMac() throws Exception {
    VipSpec v6 = VipSpec.of("web6", "2001:db8::51/64").withVrid(VRID);
    byte[] vmac6 = {0x00, 0x00, 0x5e, 0x00, 0x02, VRID};
    byte[] vip6 = java.net.InetAddress.getByName("2001:db8::51").getAddress();
    try (TestLan lan = TestLan.builder().name("vmac6").nodes(1).client(true).start()) {
      Host node = lan.node(1);
      Host client = lan.client();
      String vmac = KernelDataPlane.vmacName(VRID, true, "eth0");
      KernelDataPlane plane = node.inNetns(() -> KernelDataPlane.open("eth0"));
      Reconciler reconciler = Reconciler.builder(plane).start();
      try {
        List<Frame> frames;
        try (Capture cap = lan.capture("icmp6")) {
          reconciler.submit(
              List.of(
                  new OwnerEffect.ArmFence(v6, 2, plane.nowMs() + LEASE_MS),
                  new OwnerEffect.AddAddress(v6, 2, 40),
                  new OwnerEffect.Announce(v6, 2)));
          assertThat(reconciler.awaitIdle(IDLE)).isTrue();
          assertThat(client.exec("ping", "-6", "-c", "1", "-W", "2", "2001:db8::51").ok())
              .as("the client reaches the IPv6 VIP")
              .isTrue();
          Thread.sleep(300);
          frames = cap.stop();
        }
        assertThat(client.execOrThrow("ip", "-6", "neigh", "show", "2001:db8::51").stdout())
            .contains("00:00:5e:00:02:07");
        assertThat(
                frames.stream()
                    .anyMatch(
                        f -> {
                          byte[] b = f.bytes();
                          return b.length >= 78
                              && regionEquals(b, 6, vmac6)
                              && (b[20] & 0xff) == 58
                              && (b[54] & 0xff) == 136
                              && regionEquals(b, 62, vip6);
                        }))
            .as("a neighbour advertisement for the VIP from the IPv6 virtual MAC")
            .isTrue();
        assertThat(node.execOrThrow("ip", "-o", "addr", "show", "dev", vmac).stdout())
            .contains("2001:db8::51/64");

        reconciler.submit(
            List.of(new OwnerEffect.CloseFence(v6), new OwnerEffect.RemoveAddress(v6)));
        assertThat(reconciler.awaitIdle(IDLE)).isTrue();
        assertThat(links(node)).doesNotContain(vmac);
      } finally {
        reconciler.close();
        plane.close();
      }
    }
  }

  static String links(Host h) {
    return h.execOrThrow("ip", "-o", "link", "show").stdout();
  }

  static String sysctl(Host h, String key) {
    return h.execOrThrow("sysctl", "-n", key).stdout().trim();
  }

  /**
   * A gratuitous ARP (sender IP = target IP = VIP) sent from {@code mac} with sender {@code mac}.
   */
  static boolean isGarp(Frame f, byte[] mac) {
    byte[] b = f.bytes();
    return isArpFromVip(f)
        && senderIs(f, mac)
        && regionEquals(b, 6, mac)
        && regionEquals(b, 38, VIP_BYTES);
  }

  /** An ARP frame whose sender protocol address is the VIP. */
  static boolean isArpFromVip(Frame f) {
    byte[] b = f.bytes();
    return b.length >= 42
        && (b[12] & 0xff) == 0x08
        && (b[13] & 0xff) == 0x06
        && regionEquals(b, 28, VIP_BYTES);
  }

  /** The ARP sender hardware address is {@code mac}. */
  static boolean senderIs(Frame f, byte[] mac) {
    return regionEquals(f.bytes(), 22, mac);
  }

  static boolean regionEquals(byte[] b, int offset, byte[] expected) {
    if (b.length < offset + expected.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if (b[offset + i] != expected[i]) {
        return false;
      }
    }
    return true;
  }
}
