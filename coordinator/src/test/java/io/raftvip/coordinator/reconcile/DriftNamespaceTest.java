package io.raftvip.coordinator.reconcile;

import static io.raftvip.coordinator.reconcile.VmacNamespaceTest.VMAC;
import static io.raftvip.coordinator.reconcile.VmacNamespaceTest.isGarp;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.coordinator.core.lease.OwnerEffect;
import io.raftvip.netio.NoSuchInterface;
import io.raftvip.netio.NotOwnedByRaftvip;
import io.raftvip.testlan.Capture;
import io.raftvip.testlan.Frame;
import io.raftvip.testlan.Host;
import io.raftvip.testlan.TestLan;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Drift repair over the real kernel: an address deleted by someone is re-added, a link that comes
 * back is announced again, a deleted interface is reported and the VIP stopped cleanly, and a
 * foreign address equal to the VIP is reported and left alone.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DriftNamespaceTest {

  private static final VipSpec WEB = VmacNamespaceTest.VIP;
  private static final VipSpec DB = VipSpec.of("db", "198.18.0.52/32").withInterface("vip0");
  private static final long LEASE_MS = 60_000;
  private static final Duration IDLE = Duration.ofSeconds(10);
  private static final long REPAIR_WAIT_MS = 3_000;

  private record Failure(VipName vip, String effect, RuntimeException error) {}

  @Test
  void repairsAndReportsDrift() throws Exception {
    try (TestLan lan = TestLan.builder().name("drift").nodes(1).client(true).start()) {
      Host node = lan.node(1);
      Host client = lan.client();
      String vmac = KernelDataPlane.vmacName(VmacNamespaceTest.VRID, false, "eth0");
      // A second interface for the VIP whose interface gets deleted (a veth pair inside the node;
      // the kernel here has no dummy driver).
      node.execOrThrow("ip", "link", "add", "vip0", "type", "veth", "peer", "name", "vip0p");
      node.execOrThrow("ip", "link", "set", "vip0p", "up");
      node.execOrThrow("ip", "link", "set", "vip0", "up");

      List<Failure> failures = new CopyOnWriteArrayList<>();
      List<Drift> drifts = new CopyOnWriteArrayList<>();
      List<VipName> stopped = new CopyOnWriteArrayList<>();
      KernelDataPlane plane = node.inNetns(() -> KernelDataPlane.open("eth0"));
      // No periodic refresh: every G-ARP after the link flap comes from the drift repair.
      plane.announceRefreshMs(0);
      Reconciler reconciler =
          Reconciler.builder(plane)
              .listener(
                  new Reconciler.Listener() {
                    @Override
                    public void onEffectFailed(OwnerEffect effect, RuntimeException error) {
                      failures.add(
                          new Failure(effect.vip(), effect.getClass().getSimpleName(), error));
                    }

                    @Override
                    public void onDrift(Drift drift) {
                      drifts.add(drift);
                    }

                    @Override
                    public void onStopped(VipName vip) {
                      stopped.add(vip);
                    }
                  })
              .start();
      try {
        long deadline = plane.nowMs() + LEASE_MS;
        reconciler.submit(
            List.of(
                new OwnerEffect.ArmFence(WEB, 5, deadline),
                new OwnerEffect.AddAddress(WEB, 5, 70),
                new OwnerEffect.Announce(WEB, 5),
                new OwnerEffect.ArmFence(DB, 6, deadline),
                new OwnerEffect.AddAddress(DB, 6, 70)));
        assertThat(reconciler.awaitIdle(IDLE)).isTrue();
        assertThat(addresses(node, vmac)).contains("198.18.0.51/24");
        assertThat(addresses(node, "vip0")).contains("198.18.0.52/32");
        assertThat(failures).isEmpty();

        // 1. Someone deletes the VIP: re-added, with a lifetime no longer than it had left.
        node.execOrThrow("ip", "addr", "del", "198.18.0.51/24", "dev", vmac);
        assertThat(waitFor(() -> addresses(node, vmac).contains("198.18.0.51/24")))
            .as("re-added within " + REPAIR_WAIT_MS + " ms")
            .isTrue();
        assertThat(drifts)
            .anyMatch(d -> d instanceof Drift.AddressRemoved && d.vip().equals(WEB.name()));
        // Never longer than it had left (70 s when added); a loaded box may take seconds between
        // the add and this read, so only the upper bound is exact.
        assertThat(addresses(node, vmac)).containsPattern("valid_lft (5[0-9]|6[0-9]|70)sec");
        assertThat(client.exec("ping", "-c", "1", "-W", "2", "198.18.0.51").ok()).isTrue();

        // 2. Link down and up: a new G-ARP from the virtual MAC after the link is back.
        List<Frame> frames;
        long upMicros;
        try (Capture cap = lan.capture("arp")) {
          lan.linkDown(node);
          Thread.sleep(300);
          upMicros = System.currentTimeMillis() * 1000;
          lan.linkUp(node);
          waitFor(() -> drifts.stream().anyMatch(d -> d instanceof Drift.LinkReturned));
          Thread.sleep(500);
          frames = cap.stop();
        }
        assertThat(frames.stream().filter(f -> f.epochMicros() >= upMicros && isGarp(f, VMAC)))
            .as("re-announced from the virtual MAC after the link came back")
            .isNotEmpty();

        // 3. A foreign, untagged address equal to the VIP: reported, never removed.
        node.execOrThrow("ip", "addr", "add", "198.18.0.51/32", "dev", "eth0");
        assertThat(
                waitFor(
                    () ->
                        failures.stream()
                            .anyMatch(
                                f ->
                                    f.vip().equals(WEB.name())
                                        && f.error() instanceof NotOwnedByRaftvip)))
            .as("the foreign address is reported as an effect failure")
            .isTrue();
        assertThat(addresses(node, "eth0")).contains("198.18.0.51/32");

        // 4. The VIP's interface is deleted: effect failure, fence closed, VIP stopped.
        node.execOrThrow("ip", "link", "del", "vip0");
        assertThat(
                waitFor(
                    () ->
                        failures.stream()
                            .anyMatch(
                                f ->
                                    f.vip().equals(DB.name())
                                        && f.error() instanceof NoSuchInterface)))
            .as("the deleted interface is reported as an effect failure")
            .isTrue();
        assertThat(waitFor(() -> stopped.contains(DB.name()))).isTrue();
        assertThat(reconciler.armed(DB.name(), 6)).as("its fence is closed").isFalse();
        assertThat(reconciler.armed(WEB.name(), 5)).as("the other VIP is untouched").isTrue();

        // Stop the VMAC VIP: the foreign copy on eth0 survives.
        reconciler.submit(
            List.of(new OwnerEffect.CloseFence(WEB), new OwnerEffect.RemoveAddress(WEB)));
        assertThat(reconciler.awaitIdle(IDLE)).isTrue();
        assertThat(VmacNamespaceTest.links(node)).doesNotContain(vmac);
        assertThat(addresses(node, "eth0")).contains("198.18.0.51/32");
      } finally {
        reconciler.close();
        plane.close();
      }
      assertThat(addresses(node, "eth0")).contains("198.18.0.51/32");
    }
  }

  private static String addresses(Host h, String ifname) {
    return h.exec("ip", "-o", "addr", "show", "dev", ifname).stdout();
  }

  private static boolean waitFor(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + REPAIR_WAIT_MS * 1_000_000L;
    while (System.nanoTime() - end < 0) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(20);
    }
    return condition.getAsBoolean();
  }
}
