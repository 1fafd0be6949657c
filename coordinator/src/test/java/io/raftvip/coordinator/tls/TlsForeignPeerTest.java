package io.raftvip.coordinator.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.coordinator.api.RaftVipNode;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.NodeInfo;
import io.raftvip.coordinator.core.NodeStatus;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.coordinator.core.lease.TimingSettings;
import io.raftvip.coordinator.reconcile.InMemoryDataPlane;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member whose certificate another CA signed cannot take part: n1 and n2 (certificates from the
 * cluster CA) form a quorum and serve a VIP, while n3, configured as the third voter with a foreign
 * certificate (and trusting the cluster CA itself), is refused on Raft and on the lease service: it
 * never learns a leader, never applies an entry and never becomes a node of the replicated state.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TlsForeignPeerTest {

  static final TimingSettings TIMING =
      TimingSettings.defaults().toBuilder().leaseDurationMs(1_000).renewIntervalMs(200).build();

  /** Without TLS a third member joins within about a second of the others; give it far more. */
  static final long OBSERVE_MS = 8_000;

  @TempDir Path dir;

  @Test
  void aPeerWithAForeignCertificateNeverJoinsWhileTheOthersFormAQuorum() throws Exception {
    TestPki.Ca ca = TestPki.ca(dir, "cluster-ca");
    TestPki.Ca foreign = TestPki.ca(dir, "foreign-ca");
    Map<NodeId, TlsSettings> tls = new LinkedHashMap<>();
    tls.put(NodeId.of("n1"), ca.issue("n1", "IP:127.0.0.1").settings(ca.cert()));
    tls.put(NodeId.of("n2"), ca.issue("n2", "IP:127.0.0.1").settings(ca.cert()));
    // Same SAN, same trust, wrong issuer.
    tls.put(NodeId.of("n3"), foreign.issue("n3", "IP:127.0.0.1").settings(ca.cert()));
    List<RaftVipNode.Member> members = new ArrayList<>();
    for (NodeId id : tls.keySet()) {
      members.add(new RaftVipNode.Member(id, "127.0.0.1", freePort(), freePort()));
    }
    UUID group = UUID.randomUUID();
    Map<NodeId, RaftVipNode> nodes = new LinkedHashMap<>();
    try {
      for (RaftVipNode.Member m : members) {
        RaftVipNode.Builder b =
            RaftVipNode.builder()
                .nodeId(m.id())
                .storageDir(Files.createDirectories(dir.resolve(m.id().value())))
                .groupId(group)
                .dataPlane(InMemoryDataPlane.onSystemClock())
                .timing(TIMING)
                .closeTimeout(Duration.ZERO)
                .tls(tls.get(m.id()));
        members.forEach(b::member);
        nodes.put(m.id(), b.start());
      }
      RaftVipNode n1 = nodes.get(NodeId.of("n1"));
      RaftVipNode n3 = nodes.get(NodeId.of("n3"));
      await(
          () -> active(n1, "n1") && active(n1, "n2"),
          60_000,
          "n1 and n2 to form a quorum over TLS");
      n1.submit(new Command.CreateVip(VipSpec.of("web", "198.18.0.220/32")), Duration.ofSeconds(10))
          .get(15, TimeUnit.SECONDS);
      await(
          () ->
              n1.state()
                  .vip(VipName.of("web"))
                  .flatMap(v -> v.assignment().currentOwner())
                  .isPresent(),
          30_000,
          "the VIP to get an owner");

      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(OBSERVE_MS);
      while (System.nanoTime() < end) {
        assertThat(n1.state().node(NodeId.of("n3"))).as("n3 in the state").isEmpty();
        assertThat(n3.leaderId()).as("n3's leader").isEmpty();
        assertThat(n3.appliedIndex()).as("n3's applied index").isLessThanOrEqualTo(0);
        Thread.sleep(100);
      }
      assertThat(
              n1.state()
                  .vip(VipName.of("web"))
                  .flatMap(v -> v.assignment().currentOwner())
                  .orElseThrow())
          .isIn(NodeId.of("n1"), NodeId.of("n2"));
      assertThat(n3.state().vips()).isEmpty();
    } finally {
      List<Thread> closers = new ArrayList<>();
      for (RaftVipNode n : nodes.values()) {
        Thread t = new Thread(n::close, "close-" + n.id());
        t.start();
        closers.add(t);
      }
      for (Thread t : closers) {
        t.join(15_000);
      }
    }
  }

  private static boolean active(RaftVipNode view, String id) {
    return view.state()
        .node(NodeId.of(id))
        .map(NodeInfo::status)
        .map(s -> s == NodeStatus.ACTIVE)
        .orElse(false);
  }

  private static int freePort() throws IOException {
    return io.raftvip.testlan.FreePorts.next();
  }

  private static void await(BooleanSupplier cond, long timeoutMs, String what)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (System.nanoTime() < end) {
      if (cond.getAsBoolean()) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what);
  }
}
