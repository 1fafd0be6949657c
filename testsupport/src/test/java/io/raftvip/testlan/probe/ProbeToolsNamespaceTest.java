package io.raftvip.testlan.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.testlan.Host;
import io.raftvip.testlan.Netns;
import io.raftvip.testlan.TestLan;
import io.raftvip.testlan.probe.ProbeEvent.Kind;
import io.raftvip.testlan.probe.Timeline.Overlap;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe tools on a real namespace LAN, without any fence: a VIP configured on one node, then on
 * two. The instrument must see one answerer, then overlap in directed and ARP rounds, while the
 * client's own neighbour entry never moves.
 */
@Netns
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProbeToolsNamespaceTest {
  static final String VIP = "198.18.0.200";

  @TempDir Path dir;

  @Test
  void seesOneAnswererThenTwoInTheSameRound() throws Exception {
    Path logFile = dir.resolve("probe.log");
    List<Thread> threads = new ArrayList<>();
    List<AutoCloseable> open = new ArrayList<>();
    try (TestLan lan = TestLan.builder().name("probe").nodes(2).ipv6(false).start()) {
      Host n1 = lan.node(1);
      Host n2 = lan.node(2);
      for (Host n : lan.nodes()) {
        VipResponder r = n.inNetns(() -> VipResponder.open(n.name(), ProbeWire.DEFAULT_PORT));
        open.add(r);
        threads.add(start("responder-" + n.name(), () -> r.serve(30_000, 1_000_000)));
      }
      n1.execOrThrow("ip", "addr", "add", VIP + "/32", "dev", "eth0");

      OutputStream out = Files.newOutputStream(logFile);
      ProbeLogWriter writer = new ProbeLogWriter(out, true);
      VipProber.Options options = VipProber.Options.forLan(lan, VIP).withDurationMs(20_000);
      VipProber prober = lan.client().inNetns(() -> VipProber.open(options, writer));
      open.add(prober);
      Thread run = start("prober", prober::run);

      sleepMs(300); // let the client resolve the VIP
      long aFrom = nowMicros();
      sleepMs(500);
      long aTo = nowMicros();
      n2.execOrThrow("ip", "addr", "add", VIP + "/32", "dev", "eth0");
      long bFrom = nowMicros();
      sleepMs(500);
      long bTo = nowMicros();

      prober.stop("test-done");
      assertThat(prober.awaitFinished(5_000)).isTrue();
      run.join(5_000);
      writer.close();
      String neighbour = lan.client().execOrThrow("ip", "neigh", "show", VIP).stdout();

      ProbeLog log = ProbeLog.read(logFile);
      Timeline t = log.timeline();
      assertThat(log.stop().orElseThrow().noteValue("reason")).hasValue("test-done");

      // Phase A: only n1 holds the VIP.
      assertThat(t.count(Kind.UDP_REPLY, aFrom, aTo)).isGreaterThan(20);
      assertThat(t.firstReply(Kind.UDP_REPLY, "n1", aFrom, aTo)).isPresent();
      assertThat(t.firstReply(Kind.DIRECTED_REPLY, "n1", aFrom, aTo)).isPresent();
      assertThat(t.firstReply(Kind.DIRECTED_REPLY, "n2", aFrom, aTo)).isEmpty();
      assertThat(t.firstReply(Kind.ARP_REPLY, n1.macString(), aFrom, aTo)).isPresent();
      assertThat(t.directedOverlap(aFrom, aTo).none()).isTrue();
      assertThat(t.arpOverlap(aFrom, aTo).none()).isTrue();
      // No timing bound on gaps here: a loaded CI box stalls the prober for 100s of ms at times;
      // the reply count above shows it kept probing.

      // Phase B: both hold it, as keepalived's nodes do in a split brain.
      Overlap directed = t.directedOverlap(bFrom, bTo);
      Overlap arp = t.arpOverlap(bFrom, bTo);
      assertThat(directed.roundsWithSeveral()).isGreaterThan(10);
      assertThat(directed.windows().get(0).answerers()).containsExactlyInAnyOrder("n1", "n2");
      assertThat(arp.roundsWithSeveral()).isGreaterThan(10);
      assertThat(arp.windows().get(0).answerers()).containsExactlyInAnyOrder("n1", "n2");
      assertThat(log.events()).anyMatch(e -> e.isReply() && e.kernelClock());

      // The spare identity's ARP never moved the client's own entry away from n1.
      assertThat(neighbour).contains(n1.macString()).doesNotContain(n2.macString());
    } finally {
      for (AutoCloseable c : open) {
        c.close();
      }
      for (Thread th : threads) {
        th.join(5_000);
      }
    }
  }

  private static Thread start(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void sleepMs(long ms) throws InterruptedException {
    Thread.sleep(ms);
  }

  private static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000L;
  }
}
