package io.raftvip.bench;

import io.raftvip.netio.AddressSpec;
import io.raftvip.netio.AddressTable;
import io.raftvip.netio.MacAddress;
import io.raftvip.netio.NetioException;
import io.raftvip.netio.Netlink;
import io.raftvip.netio.announce.AfPacketAnnouncer;
import io.raftvip.netio.announce.AnnounceReport;
import io.raftvip.netio.announce.Announcement;
import io.raftvip.netio.announce.AnnouncerListener;
import io.raftvip.netio.announce.ArpForm;
import io.raftvip.netio.fence.FenceRenewal;
import io.raftvip.netio.fence.GateProber;
import io.raftvip.netio.fence.NftablesFence;
import io.raftvip.netio.fence.UdpEchoResponder;
import io.raftvip.testlan.Capture;
import io.raftvip.testlan.Frame;
import io.raftvip.testlan.Host;
import io.raftvip.testlan.TestLan;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The data plane on the real kernel: each netio path against forking the equivalent tool in the
 * same run, the 1000-VIP announcement, and the precision of both fence layers. Builds its own
 * {@link TestLan} (2 nodes + client), removes it in {@code finally}; needs root.
 *
 * <p>Usage: {@code benchmarks/run.sh netio}. Prints progress, then Markdown tables for
 * docs/benchmarks.md. Bounded: fixed sample counts, a time budget per forking loop, a watchdog of
 * {@value #RUN_LIMIT_MS} ms for the whole run (it exits, and the fixture's shutdown hook removes
 * the namespaces).
 *
 * <p>Addresses stay inside 198.18.0.0/24 and 2001:db8::/64, as in every namespace test. A /24 holds
 * only 251 free IPv4 VIPs, so "1000 VIPs announced" is measured twice: 1000 G-ARPs for 250 IPv4
 * VIPs (4 each) and 1000 unsolicited NAs for 1000 distinct IPv6 VIPs.
 */
public final class NetioBenchmark {
  /** Hard limit for the whole run, LAN setup and teardown included. */
  public static final long RUN_LIMIT_MS = 300_000;

  private static final long MS = 1_000_000L;
  private static final String IF = "eth0";

  // Targets set for the data plane (docs/benchmarks.md): printed next to the figures.
  private static final double TARGET_RENEW_MS = 0.1;
  private static final double TARGET_ADDRESS_ADD_MS = 0.5;
  private static final double TARGET_THOUSAND_ANNOUNCED_MS = 200;

  // Sample counts: enough for a stable p99 on the fast paths; forks are ~100x slower.
  private static final int ADDRESS_WARMUP = 300;
  private static final int ADDRESS_SAMPLES = 1_000;
  private static final int RENEW_WARMUP = 300;
  private static final int RENEW_SAMPLES = 2_000;
  private static final int BATCH_VIPS = 100;
  private static final int BATCH_WARMUP = 30;
  private static final int BATCH_SAMPLES = 300;
  private static final int GARP_WARMUP = 300;
  private static final int GARP_SAMPLES = 2_000;
  private static final int FORK_WARMUP = 3;
  private static final int FORK_SAMPLES = 100;
  private static final int FORK_BATCH_SAMPLES = 50;

  /** A forking loop stops early after this long (arping under load can take 50+ ms a run). */
  private static final long FORK_BUDGET_MS = 12_000;

  private static final int THOUSAND = 1_000;
  private static final int IPV4_VIPS_IN_SUBNET = 250;
  private static final int THOUSAND_ROUNDS = 5;
  private static final int THOUSAND_ASYNC_ROUNDS = 3;

  /** NftablesFence.RENEW_ATTEMPTS_MAX (package-private there): writes per renewal at most. */
  private static final int RENEW_WRITES_MAX = 3;

  private static final int FENCE_TRIALS = 20;
  private static final long FENCE_LEASE_MS = 300;
  private static final long PROBE_PERIOD_MS = 2;
  private static final int LIFETIME_TRIALS = 10;
  private static final long LIFETIME_GONE_MAX_MS = 5_000;

  private final List<String[]> latencyRows = new ArrayList<>();
  private final List<String[]> scaleRows = new ArrayList<>();
  private final List<String[]> precisionRows = new ArrayList<>();
  private final List<String[]> targetRows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  private NetioBenchmark() {}

  public static void main(String[] args) throws Exception {
    Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String loadBefore = loadAverage();
    startWatchdog();
    NetioBenchmark bench = new NetioBenchmark();
    long t0 = System.nanoTime();
    try (TestLan lan = TestLan.builder().name("bench").nodes(2).client(true).start()) {
      log("LAN up: %s", lan);
      bench.addressAddDelete(lan.node(1));
      bench.fenceRenewal(lan.node(1));
      bench.gratuitousArp(lan, lan.node(1));
      bench.thousandVips(lan.node(1));
      bench.fencePrecision(lan.node(1), lan.client());
      bench.lifetimeBackstop(lan.node(2));
    }
    long tookSec = (System.nanoTime() - t0) / 1_000_000_000L;
    bench.print(started, loadBefore, loadAverage(), tookSec);
  }

  // ---------------------------------------------------------------- address add/delete

  private void addressAddDelete(Host node) throws Exception {
    log("address add/delete: rtnetlink (JNA) vs fork `ip addr add/del`");
    AddressSpec spec = AddressSpec.of("198.18.0.240/32");
    InetAddress vip = spec.address();
    long[] add = new long[ADDRESS_SAMPLES];
    long[] del = new long[ADDRESS_SAMPLES];
    long loop;
    try (Netlink nl = node.inNetns(Netlink::open)) {
      AddressTable table = nl.addresses();
      for (int i = 0; i < ADDRESS_WARMUP; i++) {
        table.add(IF, spec);
        table.delete(IF, vip, 32);
      }
      long start = System.nanoTime();
      for (int i = 0; i < ADDRESS_SAMPLES; i++) {
        long a = System.nanoTime();
        table.add(IF, spec);
        long b = System.nanoTime();
        table.delete(IF, vip, 32);
        long c = System.nanoTime();
        add[i] = b - a;
        del[i] = c - b;
      }
      loop = System.nanoTime() - start;
    }
    Latency jnaAdd = Latency.of(add, add.length, sumOf(add, add.length));
    Latency jnaDel = Latency.of(del, del.length, sumOf(del, del.length));
    double cyclesPerSec = ADDRESS_SAMPLES / (loop / 1e9);

    long[] forkAdd = new long[FORK_SAMPLES];
    long[] forkDel = new long[FORK_SAMPLES];
    long[] floor = new long[FORK_SAMPLES];
    int[] floorCount = new int[1];
    int forked =
        node.inNetns(
            Duration.ofSeconds(60),
            () -> {
              NamespaceFork fork = NamespaceFork.enter(node.netns());
              List<String> addCmd = List.of("ip", "addr", "add", "198.18.0.240/32", "dev", IF);
              List<String> delCmd = List.of("ip", "addr", "del", "198.18.0.240/32", "dev", IF);
              for (int i = 0; i < FORK_WARMUP; i++) {
                fork.runExpecting(addCmd, null, 0);
                fork.runExpecting(delCmd, null, 0);
              }
              long budgetEnd = System.nanoTime() + FORK_BUDGET_MS * MS;
              int n = 0;
              while (n < FORK_SAMPLES && System.nanoTime() - budgetEnd < 0) {
                long a = System.nanoTime();
                fork.runExpecting(addCmd, null, 0);
                long b = System.nanoTime();
                fork.runExpecting(delCmd, null, 0);
                long c = System.nanoTime();
                forkAdd[n] = b - a;
                forkDel[n] = c - b;
                n++;
              }
              floorCount[0] = forkLoop(fork, List.of("true"), null, floor, FORK_SAMPLES);
              return n;
            });
    Latency forkFloor = Latency.of(floor, floorCount[0], sumOf(floor, floorCount[0]));
    Latency ipAdd = Latency.of(forkAdd, forked, sumOf(forkAdd, forked));
    Latency ipDel = Latency.of(forkDel, forked, sumOf(forkDel, forked));
    log("  JNA add      %s", jnaAdd.summary());
    log("  JNA delete   %s", jnaDel.summary());
    log("  JNA add+delete cycles: %.0f/s", cyclesPerSec);
    log("  fork add     %s", ipAdd.summary());
    log("  fork delete  %s", ipDel.summary());
    log("  fork `true`  %s", forkFloor.summary());
    latencyRow("fork+exec floor", "fork `true` from the JVM (does nothing)", forkFloor, null);
    latencyRow("address add /32", "AddressTable.add (rtnetlink, JNA)", jnaAdd, null);
    latencyRow("address add /32", "fork `ip addr add`", ipAdd, jnaAdd);
    targetNote("address add /32", jnaAdd.p50Nanos(), jnaAdd.p99Nanos(), TARGET_ADDRESS_ADD_MS);
    latencyRow("address delete /32", "AddressTable.delete (rtnetlink, JNA)", jnaDel, null);
    latencyRow("address delete /32", "fork `ip addr del`", ipDel, jnaDel);
    notes.add(
        String.format(
            Locale.ROOT,
            "AddressTable.add sends 2 requests (RTM_GETLINK for the interface, RTM_NEWADDR);"
                + " delete sends 3 (GETLINK, a GETADDR dump for the ownership check, DELADDR);"
                + " add+delete cycles: %.0f/s.",
            cyclesPerSec));
  }

  // ---------------------------------------------------------------- fence renewal

  private void fenceRenewal(Host node) throws Exception {
    log("fence renewal: NftablesFence (libnftables, JNA) vs fork `nft -f -`");
    List<InetAddress> vips = new ArrayList<>();
    for (int i = 0; i < BATCH_VIPS; i++) {
      vips.add(ip("198.18.0." + (140 + i)));
    }
    InetAddress one = vips.get(0);
    long[] single = new long[RENEW_SAMPLES];
    long[] singleApply = new long[RENEW_SAMPLES];
    long[] batch = new long[BATCH_SAMPLES];
    long[] batchApply = new long[BATCH_SAMPLES];
    int[] singleAttempts = new int[RENEW_WRITES_MAX + 1];
    int[] batchAttempts = new int[RENEW_WRITES_MAX + 1];
    long singleLoop;
    long batchLoop;
    int forked;
    int forkedBatch;
    long[] forkSingle = new long[FORK_SAMPLES];
    long[] forkBatch = new long[FORK_BATCH_SAMPLES];
    try (NftablesFence fence = node.inNetns(() -> NftablesFence.builder().open())) {
      for (InetAddress v : vips) {
        fence.manage(v, IF);
      }
      for (int i = 0; i < RENEW_WARMUP; i++) {
        fence.renew(one, System.nanoTime() + 1_000 * MS);
      }
      long start = System.nanoTime();
      for (int i = 0; i < RENEW_SAMPLES; i++) {
        long t = System.nanoTime();
        FenceRenewal r = fence.renew(one, t + 1_000 * MS);
        single[i] = System.nanoTime() - t;
        singleApply[i] = r.applyNanos();
        singleAttempts[Math.min(r.attempts(), RENEW_WRITES_MAX)]++;
        requireGranted(r, 1);
      }
      singleLoop = System.nanoTime() - start;
      for (int i = 0; i < BATCH_WARMUP; i++) {
        fence.renewAll(deadlines(vips, System.nanoTime() + 1_000 * MS));
      }
      start = System.nanoTime();
      for (int i = 0; i < BATCH_SAMPLES; i++) {
        long t = System.nanoTime();
        FenceRenewal r = fence.renewAll(deadlines(vips, t + 1_000 * MS));
        batch[i] = System.nanoTime() - t;
        batchApply[i] = r.applyNanos();
        batchAttempts[Math.min(r.attempts(), RENEW_WRITES_MAX)]++;
        requireGranted(r, BATCH_VIPS);
      }
      batchLoop = System.nanoTime() - start;

      // The same batch text NftablesFence writes (NftCommands.apply, package-private there): for
      // each IPv4 table, add; delete; add of the lease elements, one atomic transaction.
      String singleText = renewalBatchText(List.of(one), 1_000);
      String batchText = renewalBatchText(vips, 1_000);
      int[] counts =
          node.inNetns(
              Duration.ofSeconds(60),
              () -> {
                NamespaceFork fork = NamespaceFork.enter(node.netns());
                List<String> nft = List.of("nft", "-f", "-");
                for (int i = 0; i < FORK_WARMUP; i++) {
                  fork.runExpecting(nft, singleText, 0);
                }
                int n1 = forkLoop(fork, nft, singleText, forkSingle, FORK_SAMPLES);
                int n2 = forkLoop(fork, nft, batchText, forkBatch, FORK_BATCH_SAMPLES);
                // Proof that the forked text acts on the fence's sets: a 30 s lease shows up.
                fork.runExpecting(nft, renewalBatchText(vips, 30_000), 0);
                return new int[] {n1, n2};
              });
      forked = counts[0];
      forkedBatch = counts[1];
      Long left = fence.leasesRemainingMs().get(vips.get(BATCH_VIPS - 1));
      if (left == null || left < 20_000) {
        throw new IllegalStateException(
            "a forked nft batch with 30 s leases left " + left + " ms in the fence's lease set");
      }
    }
    Latency caller = Latency.of(single, single.length, singleLoop);
    Latency apply = Latency.of(singleApply, singleApply.length, 0);
    Latency batchCaller = Latency.of(batch, batch.length, batchLoop);
    Latency batchLib = Latency.of(batchApply, batchApply.length, 0);
    Latency nft1 = Latency.of(forkSingle, forked, sumOf(forkSingle, forked));
    Latency nft100 = Latency.of(forkBatch, forkedBatch, sumOf(forkBatch, forkedBatch));
    log("  renew 1 VIP, caller            %s", caller.summary());
    log("  renew 1 VIP, libnftables call  %s", apply.summary());
    log("  renew 100 VIPs, caller         %s", batchCaller.summary());
    log("  renew 100 VIPs, libnftables    %s", batchLib.summary());
    log("  fork nft -f - (1 VIP)          %s", nft1.summary());
    log("  fork nft -f - (100 VIPs)       %s", nft100.summary());
    log(
        "  writes per renewal (1/2/3): 1 VIP %s, 100 VIPs %s",
        attemptsText(singleAttempts), attemptsText(batchAttempts));
    latencyRow(
        "fence renew, 1 VIP", "NftablesFence.renew (caller, incl. thread hand-off)", caller, null);
    latencyRow(
        "fence renew, 1 VIP", "  of which the last write, clock read to commit", apply, null);
    latencyRow("fence renew, 1 VIP", "fork `nft -f -`, same batch", nft1, caller);
    targetNote(
        "fence renew, 1 VIP (caller)", caller.p50Nanos(), caller.p99Nanos(), TARGET_RENEW_MS);
    targetNote(
        "fence renew, 1 VIP (last write, clock read to commit)",
        apply.p50Nanos(),
        apply.p99Nanos(),
        TARGET_RENEW_MS);
    latencyRow("fence renew, 100 VIPs", "NftablesFence.renewAll (caller)", batchCaller, null);
    latencyRow(
        "fence renew, 100 VIPs", "  of which the last write, clock read to commit", batchLib, null);
    latencyRow("fence renew, 100 VIPs", "fork `nft -f -`, same batch", nft100, batchCaller);
    notes.add(
        "NftablesFence writes a renewal again (at most 3 writes) when its clock read to kernel"
            + " commit took over 2 ms. Renewals by number of writes (1/2/3): 1 VIP "
            + attemptsText(singleAttempts)
            + "; 100 VIPs "
            + attemptsText(batchAttempts)
            + ". The caller latency includes every write; \"last write\" is"
            + " FenceRenewal.applyNanos.");
  }

  private static String attemptsText(int[] byAttempts) {
    return byAttempts[1] + "/" + byAttempts[2] + "/" + byAttempts[3];
  }

  private static int forkLoop(
      NamespaceFork fork, List<String> command, String stdin, long[] out, int max)
      throws IOException, InterruptedException {
    long budgetEnd = System.nanoTime() + FORK_BUDGET_MS * MS;
    int n = 0;
    while (n < max && System.nanoTime() - budgetEnd < 0) {
      long t = System.nanoTime();
      fork.runExpecting(command, stdin, 0);
      out[n++] = System.nanoTime() - t;
    }
    return n;
  }

  private static void requireGranted(FenceRenewal r, int expected) {
    if (r.grantedMsByVip().size() != expected) {
      throw new IllegalStateException(
          "renewal granted " + r.grantedMsByVip() + ", not " + expected);
    }
  }

  private static Map<InetAddress, Long> deadlines(List<InetAddress> vips, long deadlineNanos) {
    Map<InetAddress, Long> m = new LinkedHashMap<>();
    for (InetAddress v : vips) {
      m.put(v, deadlineNanos);
    }
    return m;
  }

  /** What NftCommands.apply writes for IPv4 grants with the default table name. */
  static String renewalBatchText(List<InetAddress> vips, long timeoutMs) {
    String withTimeouts =
        vips.stream()
            .map(v -> v.getHostAddress() + " timeout " + timeoutMs + "ms")
            .collect(Collectors.joining(", "));
    String keys = vips.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(", "));
    StringBuilder sb = new StringBuilder();
    for (String t : List.of("arp raftvip_fence", "inet raftvip_fence", "netdev raftvip_fence")) {
      String set = t + " lease4";
      sb.append("add element ").append(set).append(" { ").append(withTimeouts).append(" }\n");
      sb.append("delete element ").append(set).append(" { ").append(keys).append(" }\n");
      sb.append("add element ").append(set).append(" { ").append(withTimeouts).append(" }\n");
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- G-ARP

  private void gratuitousArp(TestLan lan, Host node) throws Exception {
    log("G-ARP: AfPacketAnnouncer.sendOnce vs fork `arping -U`");
    Inet4Address vip = (Inet4Address) ip("198.18.0.240");
    Announcement garp =
        Announcement.of(vip, IF).withArpForms(EnumSet.of(ArpForm.REQUEST)).withBurst(1, 1);
    List<String> arping =
        List.of(
            "arping",
            "-q",
            "-U",
            "-c",
            "1",
            "-w",
            "0",
            "-i",
            IF,
            "-S",
            vip.getHostAddress(),
            vip.getHostAddress());
    long[] jna = new long[GARP_SAMPLES];
    long[] forks = new long[FORK_SAMPLES];
    long loop;
    int forked;
    try (AfPacketAnnouncer announcer =
        node.inNetns(() -> AfPacketAnnouncer.open(AnnouncerListener.NONE))) {
      // Both paths must put a G-ARP for the VIP on the wire: check once on the switch.
      // Habets arping (Debian's "arping") exits 1 when no reply came, which -U never gets.
      int[] seen;
      try (Capture cap = lan.capture("arp")) {
        announcer.sendOnce(garp);
        node.inNetns(() -> NamespaceFork.enter(node.netns()).runExpecting(arping, null, 0, 1));
        Thread.sleep(200);
        seen = countGarps(cap.stop(), vip, node.mac());
      }
      if (seen[0] < 1 || seen[1] < 1) {
        throw new IllegalStateException(
            "expected a G-ARP from each path on the wire, saw "
                + seen[0]
                + " with THA zero (ours), "
                + seen[1]
                + " with THA broadcast (arping)");
      }
      for (int i = 0; i < GARP_WARMUP; i++) {
        announcer.sendOnce(garp);
      }
      long start = System.nanoTime();
      for (int i = 0; i < GARP_SAMPLES; i++) {
        long t = System.nanoTime();
        announcer.sendOnce(garp);
        jna[i] = System.nanoTime() - t;
      }
      loop = System.nanoTime() - start;
      forked =
          node.inNetns(
              Duration.ofSeconds(60),
              () -> {
                NamespaceFork fork = NamespaceFork.enter(node.netns());
                for (int i = 0; i < FORK_WARMUP; i++) {
                  fork.runExpecting(arping, null, 0, 1);
                }
                long budgetEnd = System.nanoTime() + FORK_BUDGET_MS * MS;
                int n = 0;
                while (n < FORK_SAMPLES && System.nanoTime() - budgetEnd < 0) {
                  long t = System.nanoTime();
                  fork.runExpecting(arping, null, 0, 1);
                  forks[n++] = System.nanoTime() - t;
                }
                return n;
              });
    }
    Latency send = Latency.of(jna, jna.length, loop);
    Latency fork = Latency.of(forks, forked, sumOf(forks, forked));
    log("  sendOnce     %s", send.summary());
    log("  fork arping  %s", fork.summary());
    latencyRow("G-ARP send, 1 frame", "AfPacketAnnouncer.sendOnce (AF_PACKET, JNA)", send, null);
    latencyRow(
        "G-ARP send, 1 frame", "fork `arping -q -U -c 1 -w 0 -i eth0 -S VIP VIP`", fork, send);
  }

  /** [G-ARPs for vip from mac with THA zero, with THA broadcast] among {@code frames}. */
  private static int[] countGarps(List<Frame> frames, Inet4Address vip, byte[] mac) {
    byte[] v = vip.getAddress();
    int zero = 0;
    int broadcast = 0;
    for (Frame f : frames) {
      byte[] b = f.bytes();
      if (b.length < 42
          || (b[12] & 0xff) != 0x08
          || b[13] != 0x06
          || b[21] != 1
          || !Arrays.equals(b, 6, 12, mac, 0, 6)
          || !Arrays.equals(b, 28, 32, v, 0, 4)
          || !Arrays.equals(b, 38, 42, v, 0, 4)) {
        continue;
      }
      if (Arrays.equals(b, 32, 38, MacAddress.ZERO.bytes(), 0, 6)) {
        zero++;
      } else if (Arrays.equals(b, 32, 38, MacAddress.BROADCAST.bytes(), 0, 6)) {
        broadcast++;
      }
    }
    return new int[] {zero, broadcast};
  }

  // ---------------------------------------------------------------- 1000 VIPs

  private void thousandVips(Host node) throws Exception {
    log("1000 VIPs: add addresses, announce each once");
    List<InetAddress> v6 = new ArrayList<>();
    for (int i = 0; i < THOUSAND; i++) {
      v6.add(ip("2001:db8::1:" + Integer.toHexString(i)));
    }
    List<InetAddress> v4 = new ArrayList<>();
    for (int host = 1; host < 255 && v4.size() < IPV4_VIPS_IN_SUBNET; host++) {
      if (host != 11 && host != 12 && host != 100) { // nodes and client
        v4.add(ip("198.18.0." + host));
      }
    }
    long[] garps = new long[THOUSAND_ROUNDS];
    long[] nas = new long[THOUSAND_ROUNDS];
    long[] bursts = new long[THOUSAND_ASYNC_ROUNDS];
    long addV6;
    long addV4;
    long delV6;
    long delV4;
    long[] txBefore = txCounters(node);
    int sendFailures = 0;
    try (Netlink nl = node.inNetns(Netlink::open);
        AfPacketAnnouncer announcer =
            node.inNetns(() -> AfPacketAnnouncer.open(AnnouncerListener.NONE))) {
      AddressTable table = nl.addresses();
      long t = System.nanoTime();
      for (InetAddress v : v6) {
        table.add(IF, AddressSpec.of(v, 128));
      }
      addV6 = System.nanoTime() - t;
      t = System.nanoTime();
      for (InetAddress v : v4) {
        table.add(IF, AddressSpec.of(v, 32));
      }
      addV4 = System.nanoTime() - t;

      List<Announcement> garpList = new ArrayList<>();
      for (int round = 0; round < THOUSAND / IPV4_VIPS_IN_SUBNET; round++) {
        for (InetAddress v : v4) {
          garpList.add(
              Announcement.of(v, IF).withArpForms(EnumSet.of(ArpForm.REQUEST)).withBurst(1, 1));
        }
      }
      List<Announcement> naList = new ArrayList<>();
      for (InetAddress v : v6) {
        naList.add(Announcement.of(v, IF).withBurst(1, 1));
      }
      sendFailures += sendAll(announcer, garpList); // warm-up, not timed
      sendFailures += sendAll(announcer, naList);
      for (int r = 0; r < THOUSAND_ROUNDS; r++) {
        t = System.nanoTime();
        sendFailures += sendAll(announcer, garpList);
        garps[r] = System.nanoTime() - t;
        pause(50); // let the LAN drain between rounds
        t = System.nanoTime();
        sendFailures += sendAll(announcer, naList);
        nas[r] = System.nanoTime() - t;
        pause(50);
      }
      for (int r = 0; r < THOUSAND_ASYNC_ROUNDS; r++) {
        t = System.nanoTime();
        List<CompletableFuture<AnnounceReport>> futures = new ArrayList<>(THOUSAND);
        for (Announcement a : naList) {
          futures.add(announcer.announce(a));
        }
        CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
            .get(10, TimeUnit.SECONDS);
        bursts[r] = System.nanoTime() - t;
        pause(50);
      }

      t = System.nanoTime();
      for (InetAddress v : v6) {
        table.delete(IF, v, 128);
      }
      delV6 = System.nanoTime() - t;
      t = System.nanoTime();
      for (InetAddress v : v4) {
        table.delete(IF, v, 32);
      }
      delV4 = System.nanoTime() - t;
    }
    long[] txAfter = txCounters(node);
    long framesExpected =
        (long) (THOUSAND_ROUNDS + 1) * 2 * THOUSAND + (long) THOUSAND_ASYNC_ROUNDS * THOUSAND;
    long sent = txAfter[0] - txBefore[0];
    long dropped = txAfter[1] - txBefore[1];
    Latency garp = Latency.of(garps, garps.length, 0);
    Latency na = Latency.of(nas, nas.length, 0);
    Latency async = Latency.of(bursts, bursts.length, 0);
    log("  1000 G-ARPs (250 VIPs x 4), sendOnce loop: %s", garp.summary());
    log("  1000 NAs (1000 IPv6 VIPs), sendOnce loop:  %s", na.summary());
    log("  1000 NAs via announce() bursts (async):    %s", async.summary());
    log(
        "  add 1000 IPv6 /128: %s ms; add 250 IPv4 /32: %s ms",
        Latency.ms(addV6), Latency.ms(addV4));
    log("  delete 1000 IPv6: %s ms; delete 250 IPv4: %s ms", Latency.ms(delV6), Latency.ms(delV4));
    log(
        "  eth0 tx packets +%d (announcements alone: %d), tx dropped +%d, send errors %d",
        sent, framesExpected, dropped, sendFailures);
    scaleRow(
        "announce 1000 VIPs: 1000 G-ARPs (250 IPv4 VIPs x 4), sendOnce loop",
        garp,
        TARGET_THOUSAND_ANNOUNCED_MS);
    scaleRow(
        "announce 1000 VIPs: 1000 unsolicited NAs (1000 IPv6 VIPs), sendOnce loop",
        na,
        TARGET_THOUSAND_ANNOUNCED_MS);
    scaleRow(
        "announce 1000 VIPs: 1000 NAs via announce() (count 1, until all futures done)",
        async,
        TARGET_THOUSAND_ANNOUNCED_MS);
    scaleRow("add 1000 IPv6 /128 addresses (AddressTable.add, sequential)", once(addV6), 0);
    scaleRow("add 250 IPv4 /32 addresses (AddressTable.add, sequential)", once(addV4), 0);
    scaleRow("delete 1000 IPv6 /128 addresses (AddressTable.delete)", once(delV6), 0);
    scaleRow("delete 250 IPv4 /32 addresses (AddressTable.delete)", once(delV4), 0);
    notes.add(
        String.format(
            Locale.ROOT,
            "1000-VIP phase: node eth0 tx packets +%d (the announcements alone are %d frames;"
                + " the rest is MLD/ND for the new IPv6 addresses), tx dropped +%d,"
                + " send errors %d.",
            sent,
            framesExpected,
            dropped,
            sendFailures));
  }

  private static int sendAll(AfPacketAnnouncer announcer, List<Announcement> list) {
    int failures = 0;
    for (Announcement a : list) {
      try {
        announcer.sendOnce(a);
      } catch (NetioException e) {
        failures++;
      }
    }
    return failures;
  }

  private static final Pattern TX_STATS =
      Pattern.compile(
          "TX:\\s+bytes\\s+packets\\s+errors\\s+dropped.*?\\n\\s*(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)");

  /** [tx packets, tx dropped] of eth0 in {@code node}. */
  private static long[] txCounters(Host node) {
    String out = node.execOrThrow("ip", "-s", "link", "show", IF).stdout();
    Matcher m = TX_STATS.matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("no TX statistics in `ip -s link show`: " + out);
    }
    return new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(4))};
  }

  // ---------------------------------------------------------------- fence precision

  private void fencePrecision(Host node, Host client) throws Exception {
    log(
        "fence precision: %d trials, %d ms lease, prober every %d ms",
        FENCE_TRIALS, FENCE_LEASE_MS, PROBE_PERIOD_MS);
    Inet4Address vip = (Inet4Address) ip("198.18.0.50");
    List<Long> arpLate = new ArrayList<>();
    List<Long> udpLate = new ArrayList<>();
    long minOpenAnswers = Long.MAX_VALUE;
    long answersWithoutLease = 0;
    long echoed = 0;
    try (Netlink nl = node.inNetns(Netlink::open)) {
      nl.addresses().add(IF, AddressSpec.of(vip, 32));
      try (NftablesFence fence = node.inNetns(() -> NftablesFence.builder().open());
          UdpEchoResponder echo =
              node.inNetns(() -> UdpEchoResponder.open(vip, GateProber.UDP_PORT, 60_000))) {
        fence.manage(vip, IF);
        for (int i = 0; i < FENCE_TRIALS; i++) {
          final int trial = i;
          GateProber.Answers answers;
          long openedAt;
          long deadline;
          try (GateProber prober =
              client.inNetns(
                  () ->
                      GateProber.open(
                          IF, MacAddress.of(client.mac()), client.ipv4Address(), vip))) {
            prober.start(PROBE_PERIOD_MS, 2_000);
            pause(80);
            openedAt = System.nanoTime();
            deadline = openedAt + FENCE_LEASE_MS * MS;
            fence.renew(vip, deadline);
            sleepUntil(deadline + 150 * MS);
            answers = prober.stop();
          }
          answersWithoutLease +=
              answers.countIn(answers.arp(), 0, openedAt)
                  + answers.countIn(answers.udp(), 0, openedAt);
          minOpenAnswers =
              Math.min(
                  minOpenAnswers,
                  Math.min(
                      answers.countIn(answers.arp(), openedAt, deadline),
                      answers.countIn(answers.udp(), openedAt, deadline)));
          arpLate.add(
              answers
                      .last(answers.arp())
                      .orElseThrow(
                          () -> new IllegalStateException("no ARP reply in trial " + trial))
                  - deadline);
          udpLate.add(
              answers
                      .last(answers.udp())
                      .orElseThrow(() -> new IllegalStateException("no UDP echo in trial " + trial))
                  - deadline);
        }
        echoed = echo.echoed();
      } finally {
        nl.addresses().delete(IF, vip, 32);
      }
    }
    log("  last ARP reply - deadline: %s", signedSummary(arpLate));
    log("  last UDP echo  - deadline: %s", signedSummary(udpLate));
    log(
        "  fewest answers of one kind while open: %d; answers before the lease: %d; echoed: %d",
        minOpenAnswers, answersWithoutLease, echoed);
    precisionRow(
        "nft fence, " + FENCE_LEASE_MS + " ms lease: last ARP reply seen by client − deadline",
        arpLate);
    precisionRow(
        "nft fence, " + FENCE_LEASE_MS + " ms lease: last UDP echo seen by client − deadline",
        udpLate);
    notes.add(
        "Fence precision: answers are kernel receive timestamps at the client (SIOCGSTAMPNS),"
            + " prober period "
            + PROBE_PERIOD_MS
            + " ms, so \"last answer\" is up to one period before the gate shut; negative ="
            + " before the deadline. Fewest answers of one kind in an open window: "
            + minOpenAnswers
            + "; answers while managed without a lease: "
            + answersWithoutLease
            + ".");
  }

  // ---------------------------------------------------------------- address lifetime backstop

  private void lifetimeBackstop(Host node) throws Exception {
    log("address lifetime backstop: valid_lft 1 s, %d trials", LIFETIME_TRIALS);
    InetAddress vip = ip("198.18.0.60");
    AddressSpec spec = AddressSpec.builder(vip, 32).lifetimeSec(1).build();
    List<Long> gone = new ArrayList<>();
    try (Netlink nl = node.inNetns(Netlink::open)) {
      AddressTable table = nl.addresses();
      for (int trial = 0; trial < LIFETIME_TRIALS; trial++) {
        long t0 = System.nanoTime();
        table.add(IF, spec);
        long limit = t0 + LIFETIME_GONE_MAX_MS * MS;
        while (table.find(IF, vip, 32).isPresent()) {
          if (System.nanoTime() - limit > 0) {
            table.delete(IF, vip, 32);
            throw new IllegalStateException(
                "address with valid_lft 1 still there after " + LIFETIME_GONE_MAX_MS + " ms");
          }
          LockSupport.parkNanos(MS);
        }
        gone.add(System.nanoTime() - t0);
      }
    }
    log("  add -> gone: %s", signedSummary(gone));
    precisionRow("address valid_lft 1 s: time from add until the kernel removed it", gone);
    notes.add(
        "Lifetime backstop: polled with an RTM_GETADDR dump every ~1 ms from the JVM; the"
            + " address was added through AddressTable right after t0; nothing else changed"
            + " addresses in that namespace meanwhile.");
  }

  // ---------------------------------------------------------------- output

  private void latencyRow(String op, String path, Latency l, Latency versus) {
    String ratio = versus == null ? "" : ratioText((double) l.p50Nanos() / versus.p50Nanos());
    latencyRows.add(
        new String[] {
          op,
          path,
          Integer.toString(l.n()),
          Latency.ms(l.minNanos()),
          Latency.ms(l.p50Nanos()),
          Latency.ms(l.p90Nanos()),
          Latency.ms(l.p99Nanos()),
          Latency.ms(l.maxNanos()),
          l.opsPerSec() > 0 ? String.format(Locale.ROOT, "%.0f", l.opsPerSec()) : "",
          ratio
        });
  }

  private static String ratioText(double forkOverNetio) {
    return String.format(Locale.ROOT, forkOverNetio < 10 ? "%.1fx" : "%.0fx", forkOverNetio);
  }

  private void targetNote(String what, long p50Nanos, long p99Nanos, double targetMs) {
    boolean p50Met = p50Nanos / 1e6 <= targetMs;
    boolean p99Met = p99Nanos / 1e6 <= targetMs;
    targetRows.add(
        new String[] {
          what,
          "≤ " + trim(targetMs) + " ms",
          Latency.ms(p50Nanos),
          Latency.ms(p99Nanos),
          p50Met && p99Met ? "met" : p50Met ? "met at p50, not at p99" : "**not met**"
        });
  }

  private void scaleRow(String what, Latency l, double targetMs) {
    String verdict = "";
    if (targetMs > 0) {
      verdict =
          l.maxNanos() / 1e6 <= targetMs
              ? "met (every run)"
              : l.p50Nanos() / 1e6 <= targetMs ? "met at median, not every run" : "**not met**";
      targetRows.add(
          new String[] {
            what,
            "≤ " + trim(targetMs) + " ms",
            Latency.ms(l.p50Nanos()),
            "max " + Latency.ms(l.maxNanos()),
            verdict
          });
    }
    scaleRows.add(
        new String[] {
          what,
          Integer.toString(l.n()),
          Latency.ms(l.minNanos()),
          Latency.ms(l.p50Nanos()),
          Latency.ms(l.maxNanos()),
          targetMs > 0 ? "≤ " + trim(targetMs) + " ms" : "",
          verdict
        });
  }

  private void precisionRow(String what, List<Long> nanos) {
    List<Long> s = new ArrayList<>(nanos);
    s.sort(null);
    precisionRows.add(
        new String[] {
          what,
          Integer.toString(s.size()),
          signedMs(s.get(0)),
          signedMs(median(s)),
          signedMs(s.get(s.size() - 1))
        });
  }

  private static long median(List<Long> sorted) {
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static String signedSummary(List<Long> nanos) {
    List<Long> s = new ArrayList<>(nanos);
    s.sort(null);
    return String.format(
        Locale.ROOT,
        "n=%d min=%s median=%s max=%s ms",
        s.size(),
        signedMs(s.get(0)),
        signedMs(median(s)),
        signedMs(s.get(s.size() - 1)));
  }

  private static String signedMs(long nanos) {
    return String.format(Locale.ROOT, "%+.1f", nanos / 1e6);
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  private static Latency once(long nanos) {
    return Latency.of(new long[] {nanos}, 1, 0);
  }

  private void print(Instant started, String loadBefore, String loadAfter, long tookSec) {
    System.out.println();
    System.out.println("## netio (data plane)");
    System.out.println();
    System.out.println("Machine: " + machine());
    System.out.println(
        "Date: "
            + started
            + " (UTC). Run took "
            + tookSec
            + " s. Load average before: "
            + loadBefore
            + "; after: "
            + loadAfter
            + ".");
    System.out.println("Command: `sudo benchmarks/run.sh netio`");
    System.out.println();
    System.out.println("### Per operation: netio vs forking the tool (same run, same namespace)");
    System.out.println();
    table(
        new String[] {
          "operation",
          "path",
          "n",
          "min ms",
          "p50 ms",
          "p90 ms",
          "p99 ms",
          "max ms",
          "ops/s",
          "fork vs netio"
        },
        latencyRows);
    System.out.println();
    System.out.println("### Scale: 1000 VIPs");
    System.out.println();
    table(
        new String[] {"measurement", "runs", "min ms", "median ms", "max ms", "target", "verdict"},
        scaleRows);
    System.out.println();
    System.out.println("### Precision (signed: negative = before the deadline)");
    System.out.println();
    table(new String[] {"measurement", "trials", "min ms", "median ms", "max ms"}, precisionRows);
    System.out.println();
    System.out.println("### Targets");
    System.out.println();
    table(new String[] {"what", "target", "p50 / median", "p99 / max", "verdict"}, targetRows);
    System.out.println();
    System.out.println("Notes:");
    for (String n : notes) {
      System.out.println("- " + n);
    }
  }

  private static void table(String[] header, List<String[]> rows) {
    System.out.println("| " + String.join(" | ", header) + " |");
    System.out.println("|" + " --- |".repeat(header.length));
    for (String[] r : rows) {
      System.out.println("| " + String.join(" | ", r) + " |");
    }
  }

  static String machine() {
    String cpu = "unknown CPU";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (IOException e) {
      // keep "unknown CPU"
    }
    return String.format(
        Locale.ROOT,
        "%d CPUs (nproc) %s; Linux %s; JDK %s (%s)",
        Runtime.getRuntime().availableProcessors(),
        cpu,
        System.getProperty("os.version"),
        System.getProperty("java.runtime.version"),
        System.getProperty("java.vm.name"));
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  // ---------------------------------------------------------------- utilities

  private static void startWatchdog() {
    Thread t =
        new Thread(
            () -> {
              try {
                Thread.sleep(RUN_LIMIT_MS);
              } catch (InterruptedException e) {
                return;
              }
              System.err.println(
                  "NetioBenchmark: still running after "
                      + RUN_LIMIT_MS
                      + " ms; exiting (the shutdown hook removes the namespaces)");
              System.exit(2);
            },
            "bench-watchdog");
    t.setDaemon(true);
    t.start();
  }

  private static long sumOf(long[] a, int n) {
    long s = 0;
    for (int i = 0; i < n; i++) {
      s += a[i];
    }
    return s;
  }

  private static void pause(long ms) throws InterruptedException {
    Thread.sleep(ms);
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) {
      TimeUnit.NANOSECONDS.sleep(Math.min(left, 50 * MS));
    }
  }

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an address literal: " + literal, e);
    }
  }

  private static void log(String format, Object... args) {
    System.out.println(String.format(Locale.ROOT, format, args));
  }
}
