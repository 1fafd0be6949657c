package io.raftvip.coordinator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.coordinator.core.lease.OwnerEffect;
import io.raftvip.testlan.Capture;
import io.raftvip.testlan.Frame;
import io.raftvip.testlan.Host;
import io.raftvip.testlan.TestLan;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The reconciler over the real kernel: fence, address and announcement in a test namespace. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KernelDataPlaneNamespaceTest {

  private static final VipSpec VIP = VipSpec.of("web", "198.18.0.50/24");
  private static final long LEASE_MS = 1_500;

  @Test
  void armsAddsAnnouncesAndGoesSilentWhenTheFenceExpires() throws Exception {
    try (TestLan lan = TestLan.builder().name("recon").nodes(1).client(true).start()) {
      Host node = lan.node(1);
      Host client = lan.client();
      // Someone else's address on the same interface: raftvip must never touch it.
      node.execOrThrow("ip", "addr", "add", "198.18.0.60/24", "dev", "eth0");

      KernelDataPlane plane = node.inNetns(() -> KernelDataPlane.open("eth0"));
      Reconciler reconciler = Reconciler.builder(plane).start();
      try {
        assertThat(client.exec("ping", "-c", "1", "-W", "1", "198.18.0.50").ok())
            .as("nobody serves the VIP yet")
            .isFalse();

        long deadline;
        List<Frame> frames;
        try (Capture cap = lan.capture("arp")) {
          deadline = plane.nowMs() + LEASE_MS;
          reconciler.submit(
              List.of(
                  new OwnerEffect.ArmFence(VIP, 3, deadline),
                  new OwnerEffect.AddAddress(VIP, 3, 3),
                  new OwnerEffect.Announce(VIP, 3)));
          assertThat(reconciler.awaitIdle(Duration.ofSeconds(10))).isTrue();
          assertThat(client.exec("ping", "-c", "1", "-W", "1", "198.18.0.50").ok())
              .as("the owner answers while its fence is open")
              .isTrue();
          frames = cap.stop();
        }
        assertThat(
                frames.stream()
                    .anyMatch(f -> isArpFrom(f, node.mac(), new byte[] {(byte) 198, 18, 0, 50})))
            .as("a gratuitous ARP for the VIP from the node's MAC was on the wire")
            .isTrue();

        String addr = node.execOrThrow("ip", "-o", "addr", "show", "dev", "eth0").stdout();
        assertThat(addr).contains("198.18.0.50/24").contains("198.18.0.60/24");
        assertThat(addr.lines().filter(l -> l.contains("198.18.0.50/24")).findFirst().orElseThrow())
            .as("the backstop lifetime")
            .containsPattern("valid_lft [1-3]sec");

        long sleepMs = deadline - plane.nowMs() + 100;
        if (sleepMs > 0) {
          Thread.sleep(sleepMs);
        }
        assertThat(node.execOrThrow("ip", "-o", "addr", "show", "dev", "eth0").stdout())
            .as("the address is still configured (its lifetime outlasts the lease)")
            .contains("198.18.0.50/24");
        assertThat(client.exec("ping", "-c", "1", "-W", "1", "198.18.0.50").ok())
            .as("the kernel closed the fence at the deadline without the daemon doing anything")
            .isFalse();

        reconciler.submit(
            List.of(new OwnerEffect.CloseFence(VIP), new OwnerEffect.RemoveAddress(VIP)));
        assertThat(reconciler.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(node.execOrThrow("ip", "-o", "addr", "show", "dev", "eth0").stdout())
            .doesNotContain("198.18.0.50/24")
            .contains("198.18.0.60/24");
      } finally {
        reconciler.close();
        plane.close();
      }
      assertThat(node.execOrThrow("ip", "-o", "addr", "show", "dev", "eth0").stdout())
          .as("flush and close leave other addresses alone")
          .contains("198.18.0.60/24");
    }
  }

  /** An Ethernet ARP frame whose sender hardware and protocol addresses are these. */
  private static boolean isArpFrom(Frame f, byte[] mac, byte[] ip) {
    byte[] b = f.bytes();
    if (b.length < 42 || (b[12] & 0xff) != 0x08 || (b[13] & 0xff) != 0x06) {
      return false;
    }
    for (int i = 0; i < 6; i++) {
      if (b[22 + i] != mac[i]) {
        return false;
      }
    }
    for (int i = 0; i < 4; i++) {
      if (b[28 + i] != ip[i]) {
        return false;
      }
    }
    return true;
  }
}
