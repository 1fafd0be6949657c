package io.raftvip.netio.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftvip.netio.MacAddress;
import io.raftvip.netio.NoSuchInterface;
import io.raftvip.netio.announce.AfPacketAnnouncer;
import io.raftvip.netio.announce.Announcement;
import io.raftvip.netio.announce.AnnouncementBlocked;
import io.raftvip.netio.announce.AnnouncerListener;
import io.raftvip.netio.announce.frames.ArpFrame;
import io.raftvip.netio.announce.frames.NeighborAdvertisementFrame;
import io.raftvip.testlan.Capture;
import io.raftvip.testlan.Frame;
import io.raftvip.testlan.Host;
import io.raftvip.testlan.TestLan;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fence on the real kernel, in a test LAN (node A + client). Times are System.nanoTime
 * (CLOCK_MONOTONIC, shared by every process on the host). Prints the measured figures.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NftablesFenceTest {
  private static final long MS = 1_000_000L;

  /** How late after its deadline the gate may still answer (brief: 10 ms). */
  private static final long LATE_MAX_NANOS = 10 * MS;

  /**
   * The last answer must come this close before the deadline: answers flowed until the end. Loose
   * on purpose: it catches a gate that closes far too early (a 300 ms lease closing at 150 ms),
   * while a prober thread stalled for tens of ms on a loaded 2-core box must not fail the test;
   * early is the safe side.
   */
  private static final long EARLY_MAX_NANOS = 100 * MS;

  private static final long PROBE_PERIOD_MS = 2;

  private static TestLan lan;
  private static Host a;
  private static Host client;
  private static final List<Double> lastAnswerVsDeadlineMs =
      Collections.synchronizedList(new ArrayList<>());
  private static final List<String> figures = Collections.synchronizedList(new ArrayList<>());

  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @TempDir Path tmp;

  @BeforeAll
  static void startLan() {
    lan = TestLan.builder().name("fence").nodes(1).client(true).start();
    a = lan.node(1);
    client = lan.client();
  }

  @AfterAll
  static void stopLan() {
    try {
      List<Double> sorted = new ArrayList<>(lastAnswerVsDeadlineMs);
      Collections.sort(sorted);
      if (!sorted.isEmpty()) {
        System.out.printf(
            Locale.ROOT,
            "FENCE PRECISION (last answer - deadline, ms; ARP and UDP, all variants): n=%d"
                + " min=%.2f median=%.2f max=%.2f%n",
            sorted.size(),
            sorted.get(0),
            sorted.get(sorted.size() / 2),
            sorted.get(sorted.size() - 1));
      }
      figures.forEach(System.out::println);
    } finally {
      if (lan != null) {
        lan.close();
      }
    }
  }

  @AfterEach
  void closeResources() throws Exception {
    Collections.reverse(cleanup);
    for (AutoCloseable c : cleanup) {
      c.close();
    }
    cleanup.clear();
  }

  private static InetAddress ip(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private NftablesFence openFence() {
    NftablesFence fence = a.inNetns(() -> NftablesFence.builder().open());
    cleanup.add(fence);
    return fence;
  }

  private void addVip(String cidr) {
    a.execOrThrow("ip", "addr", "add", cidr, "dev", "eth0");
    String[] parts = cidr.split(" ")[0].split("/");
    cleanup.add(() -> a.exec("ip", "addr", "del", parts[0] + "/" + parts[1], "dev", "eth0"));
  }

  private void startResponder(InetAddress vip, long maxRunMs) {
    UdpEchoResponder r = a.inNetns(() -> UdpEchoResponder.open(vip, GateProber.UDP_PORT, maxRunMs));
    cleanup.add(r);
  }

  private GateProber startProber(Inet4Address vip, long maxRunMs) {
    GateProber p =
        client.inNetns(
            () -> GateProber.open("eth0", MacAddress.of(client.mac()), client.ipv4Address(), vip));
    cleanup.add(p);
    p.start(PROBE_PERIOD_MS, maxRunMs);
    return p;
  }

  private static String tables(Host h) {
    return h.execOrThrow("nft", "list", "tables").stdout();
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) {
      TimeUnit.NANOSECONDS.sleep(Math.min(left, 50 * MS));
    }
  }

  /** Checks one arming: answers flowed before the deadline and stopped within 10 ms of it. */
  private static void assertGateClosedAt(
      String variant, GateProber.Answers answers, long openedAt, long deadline) {
    for (List<Long> kind : List.of(answers.arp(), answers.udp())) {
      String name = kind == answers.arp() ? "ARP" : "UDP";
      assertThat(answers.countIn(kind, openedAt, deadline))
          .as("%s %s answers while the lease was live", variant, name)
          .isGreaterThanOrEqualTo(10);
      long last = answers.last(kind).orElseThrow();
      double lateMs = (last - deadline) / 1e6;
      lastAnswerVsDeadlineMs.add(lateMs);
      figures.add(
          String.format(
              Locale.ROOT,
              "fence %s %s: last answer %.2f ms after deadline, %d answers while open",
              variant,
              name,
              lateMs,
              answers.countIn(kind, openedAt, deadline)));
      assertThat(last - deadline)
          .as("%s %s: last answer %.2f ms after the deadline", variant, name, lateMs)
          .isLessThanOrEqualTo(LATE_MAX_NANOS);
      assertThat(deadline - last)
          .as("%s %s: answers flowed until shortly before the deadline", variant, name)
          .isLessThanOrEqualTo(EARLY_MAX_NANOS);
    }
  }

  @Test
  void opensInTheNodesNamespaceKeepsForeignTablesAndRemovesOnlyItsOwn() {
    a.execOrThrow(
        List.of("nft", "-f", "-"),
        "add table inet foreign_fw\n"
            + "add chain inet foreign_fw input { type filter hook input priority 0; policy accept; }\n"
            + "add rule inet foreign_fw input counter\n",
        Duration.ofSeconds(10));
    cleanup.add(() -> a.exec("nft", "delete", "table", "inet", "foreign_fw"));

    NftablesFence fence = a.inNetns(() -> NftablesFence.builder().open());
    // Called from the test thread, which lives in the root namespace: the fence thread still acts
    // on node A's namespace.
    fence.manage(ip("198.18.0.40"), "eth0");
    assertThat(tables(a))
        .contains("table arp raftvip_fence")
        .contains("table inet raftvip_fence")
        .contains("table netdev raftvip_fence")
        .contains("table inet foreign_fw");
    assertThat(tables(client)).doesNotContain("raftvip_fence");
    assertThat(fence.describe()).contains("chain egress_eth0").contains("198.18.0.40");

    fence.close();
    fence.close(); // idempotent
    assertThat(tables(a)).doesNotContain("raftvip_fence").contains("table inet foreign_fw");
    assertThat(a.execOrThrow("nft", "list", "chain", "inet", "foreign_fw", "input").stdout())
        .contains("counter packets");
    assertThatThrownBy(() -> fence.renew(ip("198.18.0.40"), System.nanoTime()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void typedErrorsForAMissingInterfaceAndAnUnmanagedVip() {
    NftablesFence fence = openFence();
    assertThatThrownBy(() -> fence.manage(ip("198.18.0.41"), "nosuch0"))
        .isInstanceOf(NoSuchInterface.class)
        .hasMessageContaining("nosuch0");
    assertThatThrownBy(() -> fence.renew(ip("198.18.0.41"), System.nanoTime() + 100 * MS))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not managed");
    assertThat(fence.managed()).isEmpty();
  }

  @Test
  void renewalMovesTheKernelExpiryOnThisKernelAndCostsWellUnderAMillisecond() throws Exception {
    NftablesFence fence = openFence();
    List<InetAddress> vips = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      InetAddress vip = ip("198.18.0." + (60 + i));
      fence.manage(vip, "eth0");
      vips.add(vip);
    }
    InetAddress v0 = vips.get(0);
    InetAddress v1 = vips.get(1);

    fence.renew(v0, System.nanoTime() + 5_000 * MS);
    Thread.sleep(500);
    long before = fence.leasesRemainingMs().get(v0);
    assertThat(before).isBetween(4_000L, 4_550L);
    // Same 5 s lease as the first grant: a plain re-add would not move the expiry.
    FenceRenewal again = fence.renew(v0, System.nanoTime() + 5_000 * MS);
    assertThat(again.grantedMsByVip().get(v0)).isBetween(4_700L, 5_000L);
    long after = fence.leasesRemainingMs().get(v0);
    assertThat(after - before).as("expiry moved by the refresh batch").isGreaterThan(250L);
    assertThat(after).isLessThanOrEqualTo(again.grantedMsByVip().get(v0));
    figures.add(
        String.format(
            Locale.ROOT,
            "refresh on kernel %s: expires %d ms before, %d ms after renewing",
            System.getProperty("os.version"),
            before,
            after));

    // An element that already expired: the batch must not fail, and a lease must appear again.
    fence.renew(v1, System.nanoTime() + 20 * MS);
    Thread.sleep(60);
    assertThat(fence.leasesRemainingMs()).doesNotContainKey(v1);
    fence.renew(v1, System.nanoTime() + 1_000 * MS);
    assertThat(fence.leasesRemainingMs().get(v1)).isBetween(900L, 1_000L);

    // A deadline in the past closes the gate at once and never extends it.
    FenceRenewal late = fence.renew(v0, System.nanoTime() - 1);
    assertThat(late.closed()).containsExactly(v0);
    assertThat(late.grantedMsByVip()).isEmpty();
    assertThat(fence.leasesRemainingMs()).doesNotContainKey(v0);

    // Cost.
    int rounds = 300;
    long[] single = new long[rounds];
    long[] singleApply = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      long t = System.nanoTime();
      FenceRenewal r = fence.renew(v0, t + 1_000 * MS);
      single[i] = System.nanoTime() - t;
      singleApply[i] = r.applyNanos();
    }
    long[] batch = new long[100];
    long[] batchApply = new long[100];
    for (int i = 0; i < batch.length; i++) {
      Map<InetAddress, Long> deadlines = new LinkedHashMap<>();
      long t = System.nanoTime();
      for (InetAddress v : vips) {
        deadlines.put(v, t + 1_000 * MS);
      }
      FenceRenewal r = fence.renewAll(deadlines);
      batch[i] = System.nanoTime() - t;
      batchApply[i] = r.applyNanos();
      assertThat(r.grantedMsByVip()).hasSize(16);
    }
    String commands =
        new NftCommands("raftvip_fence")
            .apply(new LeasePlan(Map.of(v0, 1_000L), java.util.Set.of()));
    long[] forked = new long[10];
    for (int i = 0; i < forked.length; i++) {
      long t = System.nanoTime();
      a.execOrThrow(List.of("nft", "-f", "-"), commands, Duration.ofSeconds(10));
      forked[i] = System.nanoTime() - t;
    }
    figures.add(stats("renew 1 VIP, caller latency", single));
    figures.add(stats("renew 1 VIP, raw netlink batch (clock read to commit)", singleApply));
    figures.add(stats("renewAll 16 VIPs, caller latency", batch));
    figures.add(stats("renewAll 16 VIPs, raw netlink batch (clock read to commit)", batchApply));
    figures.add(stats("same 1-VIP batch via `ip netns exec .. nft -f -` (fork+exec)", forked));
    // Figures only: performance is asserted by nobody here (benchmarks/ NetioBenchmark measures
    // it).
  }

  private static String stats(String what, long[] nanos) {
    long[] s = nanos.clone();
    java.util.Arrays.sort(s);
    return String.format(
        Locale.ROOT,
        "%s: n=%d min=%.3f median=%.3f p99=%.3f max=%.3f ms",
        what,
        s.length,
        s[0] / 1e6,
        s[s.length / 2] / 1e6,
        s[Math.min(s.length - 1, (int) (s.length * 0.99))] / 1e6,
        s[s.length - 1] / 1e6);
  }

  @Test
  void rawLeaseBatchWritesTheElementsAndReportsKernelErrorsTyped() {
    NftCommands rawtest = new NftCommands("rawtest");
    a.execOrThrow(List.of("nft", "-f", "-"), rawtest.createRuleset(), Duration.ofSeconds(10));
    try {
      NftNetlinkSocket socket = a.inNetns(() -> NftNetlinkSocket.open(1_000));
      cleanup.add(socket);
      InetAddress v4 = ip("198.18.0.70");
      InetAddress v6 = ip("2001:db8::70");
      LeasePlan plan = new LeasePlan(Map.of(v4, 5_000L, v6, 6_000L), java.util.Set.of());

      // Every element message of a batch against a missing table fails with ENOENT; nothing is
      // applied, the first failing message is named, the batch is given as nft text.
      assertThatThrownBy(
              () -> socket.commit("nosuch", plan, "renew fence lease", "2 VIPs", () -> "BATCH"))
          .isInstanceOfSatisfying(
              NftablesCommandFailed.class,
              e -> {
                assertThat(e.errno()).isEqualTo(2);
                assertThat(e.nftError())
                    .startsWith("kernel rejected add element arp nosuch lease4 (1 element)");
                assertThat(e.commands()).contains("BATCH");
                assertThat(e.getMessage()).startsWith("renew fence lease 2 VIPs: ");
              });

      // The same socket then commits to the real sets (answers of the failed batch are gone).
      socket.commit("rawtest", plan, "renew fence lease", "2 VIPs", () -> "BATCH");
      for (String family : List.of("arp", "inet", "netdev")) {
        String lease4 = a.execOrThrow("nft", "list", "set", family, "rawtest", "lease4").stdout();
        assertThat(lease4).contains("198.18.0.70 timeout 5s expires");
      }
      for (String family : List.of("inet", "netdev")) {
        String lease6 = a.execOrThrow("nft", "list", "set", family, "rawtest", "lease6").stdout();
        assertThat(lease6).contains("2001:db8::70 timeout 6s expires");
      }
      assertThat(a.execOrThrow("nft", "list", "set", "arp", "rawtest", "lease4").stdout())
          .doesNotContain("2001:db8");

      // Closing one present and one absent element: the placeholder add keeps the batch valid.
      InetAddress absent = ip("198.18.0.71");
      socket.commit(
          "rawtest",
          new LeasePlan(Map.of(), java.util.Set.of(v4, absent)),
          "close fence gate",
          "2 VIPs",
          () -> "BATCH");
      for (String family : List.of("arp", "inet", "netdev")) {
        String lease4 = a.execOrThrow("nft", "list", "set", family, "rawtest", "lease4").stdout();
        assertThat(lease4).doesNotContain("198.18.0.70").doesNotContain("198.18.0.71");
      }
      assertThat(a.execOrThrow("nft", "list", "set", "inet", "rawtest", "lease6").stdout())
          .contains("2001:db8::70 timeout 6s expires");
    } finally {
      a.execOrThrow(List.of("nft", "-f", "-"), rawtest.teardown(), Duration.ofSeconds(10));
    }
  }

  @Test
  void aSlowRenewalIsWrittenAgainWithTheShorterRemainder() {
    // Every clock read is 10 ms later than the last: each batch looks slower than the 2 ms slack
    // plus the expected write time, which is capped at 20 ms / 4 after the first write. (With 3 ms,
    // one real write slower than ~2.3 ms on a loaded host raised the estimate enough that the
    // second write was accepted: 2 attempts instead of 3.)
    java.util.concurrent.atomic.AtomicLong skew = new java.util.concurrent.atomic.AtomicLong();
    java.util.function.LongSupplier slowClock = () -> System.nanoTime() + skew.addAndGet(10 * MS);
    NftablesFence fence = a.inNetns(() -> NftablesFence.builder().nanoClock(slowClock).open());
    cleanup.add(fence);
    InetAddress vip = ip("198.18.0.42");
    fence.manage(vip, "eth0");
    long deadline = slowClock.getAsLong() + 1_000 * MS;
    FenceRenewal r = fence.renew(vip, deadline);
    assertThat(r.attempts()).isEqualTo(NftablesFence.RENEW_ATTEMPTS_MAX);
    // Three plans, each read later on the skewed clock: the last grant is the shortest.
    assertThat(r.grantedMsByVip().get(vip)).isBetween(900L, 1_000L - 3 * 10);
    assertThat(fence.leasesRemainingMs().get(vip)).isLessThanOrEqualTo(r.grantedMsByVip().get(vip));
  }

  @Test
  void gateClosesWithinTenMillisecondsOfTheDeadline() throws Exception {
    Inet4Address vip = (Inet4Address) ip("198.18.0.50");
    addVip("198.18.0.50/32");
    startResponder(vip, 20_000);
    NftablesFence fence = openFence();
    fence.manage(vip, "eth0");
    for (int trial = 0; trial < 5; trial++) {
      GateProber prober = startProber(vip, 2_000);
      Thread.sleep(80);
      long openedAt = System.nanoTime();
      long deadline = openedAt + 300 * MS;
      fence.renew(vip, deadline);
      sleepUntil(deadline + 150 * MS);
      GateProber.Answers answers = prober.stop();
      prober.close();
      assertThat(
              answers.countIn(answers.arp(), 0, openedAt)
                  + answers.countIn(answers.udp(), 0, openedAt))
          .as("no answers while managed without a lease")
          .isZero();
      assertGateClosedAt("in-process #" + trial, answers, openedAt, deadline);
    }
  }

  /** Starts FenceArmMain in node A, waits for "ARMED <deadline>", returns the deadline. */
  private long armInChild(Process child, Path log) throws Exception {
    long until = System.nanoTime() + 30_000 * MS;
    while (System.nanoTime() - until < 0) {
      if (Files.exists(log)) {
        for (String line : Files.readAllLines(log)) {
          if (line.startsWith("ARMED ")) {
            figures.add("child " + line);
            return Long.parseLong(line.substring(6).trim().split(" ")[0]);
          }
        }
      }
      if (!child.isAlive()) {
        throw new AssertionError("fence child exited early:\n" + Files.readString(log));
      }
      Thread.sleep(2);
    }
    throw new AssertionError("fence child did not arm within 30 s:\n" + read(log));
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "(no log)";
    }
  }

  @Test
  void gateClosesOnTimeAfterTheArmingProcessIsKilled() throws Exception {
    Inet4Address vip = (Inet4Address) ip("198.18.0.51");
    addVip("198.18.0.51/32");
    startResponder(vip, 40_000);
    Path log = tmp.resolve("arm-kill.log");
    Process child =
        a.startJava(
            FenceArmMain.class, List.of("-Xmx64m"), List.of("198.18.0.51", "eth0", "600"), log);
    cleanup.add(child::destroyForcibly);
    long deadline = armInChild(child, log);
    Host.signal(child, "KILL");
    long killedAt = System.nanoTime();
    long openedAt = System.nanoTime();
    GateProber prober = startProber(vip, 3_000);
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(deadline - killedAt).as("killed well before the deadline").isGreaterThan(150 * MS);
    sleepUntil(deadline + 150 * MS);
    GateProber.Answers answers = prober.stop();
    assertGateClosedAt("after SIGKILL", answers, openedAt, deadline);

    // The dead process left its tables: the VIP stays fenced, and a new fence adopts them.
    assertThat(tables(a)).contains("table arp raftvip_fence");
    NftablesFence adopted = openFence();
    assertThat(adopted.describe()).contains("198.18.0.51");
    adopted.close();
    assertThat(tables(a)).doesNotContain("raftvip_fence");
  }

  @Test
  void gateClosesOnTimeWhileTheArmingProcessIsStopped() throws Exception {
    Inet4Address vip = (Inet4Address) ip("198.18.0.52");
    addVip("198.18.0.52/32");
    startResponder(vip, 40_000);
    Path log = tmp.resolve("arm-stop.log");
    Process child =
        a.startJava(
            FenceArmMain.class, List.of("-Xmx64m"), List.of("198.18.0.52", "eth0", "600"), log);
    cleanup.add(child::destroyForcibly);
    long deadline = armInChild(child, log);
    Host.signal(child, "STOP");
    long stoppedAt = System.nanoTime();
    cleanup.add(
        () -> {
          if (child.isAlive()) {
            Host.signal(child, "CONT");
          }
        });
    long openedAt = System.nanoTime();
    GateProber prober = startProber(vip, 3_000);
    assertThat(deadline - stoppedAt).as("stopped well before the deadline").isGreaterThan(150 * MS);
    sleepUntil(deadline + 150 * MS);
    GateProber.Answers answers = prober.stop();
    assertThat(child.isAlive()).isTrue();
    assertGateClosedAt("while SIGSTOPped", answers, openedAt, deadline);

    // Resume and shut down cleanly: the child's shutdown hook removes its tables.
    Host.signal(child, "CONT");
    Host.signal(child, "TERM");
    assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(read(log)).contains("CLOSED");
    assertThat(tables(a)).doesNotContain("raftvip_fence");
  }

  @Test
  void renewalsKeepTheGateOpenWithoutGapsAndItClosesAtTheLastDeadline() throws Exception {
    Inet4Address vip = (Inet4Address) ip("198.18.0.53");
    addVip("198.18.0.53/32");
    startResponder(vip, 20_000);
    NftablesFence fence = openFence();
    fence.manage(vip, "eth0");
    GateProber prober = startProber(vip, 3_000);
    long firstAt = System.nanoTime();
    long deadline = 0;
    for (int i = 0; i < 10; i++) {
      long now = System.nanoTime();
      deadline = now + 300 * MS;
      fence.renew(vip, deadline);
      sleepUntil(firstAt + (i + 1) * 100 * MS);
    }
    long lastRenewDeadline = deadline;
    sleepUntil(lastRenewDeadline + 150 * MS);
    GateProber.Answers answers = prober.stop();
    // Skip the first 30 ms: the client first has to learn the VIP's MAC for UDP.
    long from = firstAt + 30 * MS;
    long arpGap = answers.maxGapNanos(answers.arp(), from, lastRenewDeadline - 5 * MS);
    long udpGap = answers.maxGapNanos(answers.udp(), from, lastRenewDeadline - 5 * MS);
    figures.add(
        String.format(
            Locale.ROOT,
            "renew every 100 ms with 300 ms leases for 1 s: largest answer gap ARP %.2f ms, UDP %.2f"
                + " ms",
            arpGap / 1e6,
            udpGap / 1e6));
    // A renewal that failed to extend the deadline closes the gate for the rest of the second
    // (>= 700 ms gap). Below one lease (300 ms) leaves room for the prober or the renewing thread
    // being descheduled on a loaded box (57 ms seen at load 15, 204 ms at load 8 with six JVMs
    // busy) without hiding a real lapse. The precise figures are NetioBenchmark's.
    assertThat(arpGap).as("largest ARP gap while renewing").isLessThan(300 * MS);
    assertThat(udpGap).as("largest UDP gap while renewing").isLessThan(300 * MS);
    assertGateClosedAt("after renewals", answers, firstAt, lastRenewDeadline);
  }

  @Test
  void closeShutsTheGateAtOnce() throws Exception {
    Inet4Address vip = (Inet4Address) ip("198.18.0.54");
    addVip("198.18.0.54/32");
    startResponder(vip, 20_000);
    NftablesFence fence = openFence();
    fence.manage(vip, "eth0");
    fence.renew(vip, System.nanoTime() + 5_000 * MS);
    long openedAt = System.nanoTime();
    GateProber prober = startProber(vip, 2_000);
    Thread.sleep(150);
    long closing = System.nanoTime();
    fence.close(vip);
    long closed = System.nanoTime();
    Thread.sleep(150);
    GateProber.Answers answers = prober.stop();
    for (List<Long> kind : List.of(answers.arp(), answers.udp())) {
      assertThat(answers.countIn(kind, openedAt, closing)).isGreaterThanOrEqualTo(10);
      long last = answers.last(kind).orElseThrow();
      assertThat(last - closed).as("answer after close() returned").isLessThanOrEqualTo(5 * MS);
    }
    figures.add(
        String.format(
            Locale.ROOT,
            "close(vip): call %.3f ms; last ARP answer %.2f ms, last UDP answer %.2f ms after it"
                + " returned",
            (closed - closing) / 1e6,
            (answers.last(answers.arp()).orElseThrow() - closed) / 1e6,
            (answers.last(answers.udp()).orElseThrow() - closed) / 1e6));
  }

  @Test
  void egressChainDropsUserSpaceAnnouncementsOfAFencedVip() throws Exception {
    InetAddress v4 = ip("198.18.0.55");
    InetAddress v6 = ip("2001:db8::55");
    addVip("198.18.0.55/32");
    a.execOrThrow("ip", "addr", "add", "2001:db8::55/128", "dev", "eth0", "nodad");
    cleanup.add(() -> a.exec("ip", "addr", "del", "2001:db8::55/128", "dev", "eth0"));
    NftablesFence fence = openFence();
    fence.manage(v4, "eth0");
    fence.manage(v6, "eth0");
    AfPacketAnnouncer announcer = a.inNetns(() -> AfPacketAnnouncer.open(AnnouncerListener.NONE));
    cleanup.add(announcer);
    MacAddress mac = MacAddress.of(a.mac());
    try (Capture capture = lan.capture("arp or icmp6")) {
      assertThatThrownBy(() -> announcer.sendOnce(Announcement.of(v4, "eth0")))
          .isInstanceOf(AnnouncementBlocked.class)
          .hasMessageContaining("198.18.0.55")
          .satisfies(e -> assertThat(((AnnouncementBlocked) e).errno()).isEqualTo(105));
      assertThatThrownBy(() -> announcer.sendOnce(Announcement.of(v6, "eth0")))
          .isInstanceOf(AnnouncementBlocked.class);
      fence.renewAllRemaining(Map.of(v4, 5_000L, v6, 5_000L));
      announcer.sendOnce(Announcement.of(v4, "eth0"));
      announcer.sendOnce(Announcement.of(v6, "eth0"));
      List<Frame> frames = capture.stop();
      long arp =
          frames.stream()
              .map(f -> ArpFrame.decode(f.bytes(), f.bytes().length))
              .flatMap(Optional::stream)
              .filter(f -> f.senderIp().equals(v4) && f.senderMac().equals(mac))
              .count();
      long na =
          frames.stream()
              .map(f -> NeighborAdvertisementFrame.decode(f.bytes(), f.bytes().length))
              .flatMap(Optional::stream)
              .filter(f -> f.target().equals(v6) && f.ethSource().equals(mac))
              .count();
      assertThat(arp).as("only the two G-ARPs sent after the lease was granted").isEqualTo(2);
      assertThat(na).as("only the NA sent after the lease was granted").isEqualTo(1);
    }
  }

  @Test
  void ipv6NeighbourDiscoveryAndTrafficAreGated() {
    InetAddress vip = ip("2001:db8::56");
    a.execOrThrow("ip", "addr", "add", "2001:db8::56/128", "dev", "eth0", "nodad");
    cleanup.add(() -> a.exec("ip", "addr", "del", "2001:db8::56/128", "dev", "eth0"));
    NftablesFence fence = openFence();
    fence.manage(vip, "eth0");
    assertThat(client.exec("ping", "-6", "-c", "1", "-W", "1", "2001:db8::56").ok())
        .as("fenced: no NA, no echo")
        .isFalse();
    String ruleset = fence.describe();
    assertThat(ruleset)
        .containsPattern(
            "icmpv6 type \\{ nd-neighbor-solicit, nd-neighbor-advert \\} ip6 saddr @vips6 ip6"
                + " saddr != @lease6 counter packets [1-9]");
    fence.renew(vip, System.nanoTime() + 5_000 * MS);
    assertThat(client.exec("ping", "-6", "-c", "1", "-W", "2", "2001:db8::56").ok())
        .as("leased")
        .isTrue();
    fence.close(vip);
    assertThat(client.exec("ping", "-6", "-c", "1", "-W", "1", "2001:db8::56").ok())
        .as("closed again, client still has the neighbour entry")
        .isFalse();
  }
}
