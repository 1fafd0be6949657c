package io.raftvip.testlan.probe;

import io.raftvip.testlan.Host;
import io.raftvip.testlan.TestLan;
import io.raftvip.testlan.probe.ProbeEvent.Kind;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The client side of a failover measurement. From the client's namespace it
 *
 * <ul>
 *   <li>sends a UDP probe to the VIP every {@code udpIntervalMs} through the client's own stack and
 *       neighbour cache: what an application on the client experiences;
 *   <li>every {@code directedIntervalMs}, sends one round of directed probes: to each node's own
 *       MAC, a hand-built Ethernet+IPv4+UDP frame with the VIP as destination, so every node whose
 *       kernel would accept traffic for the VIP answers, whatever the client's neighbour cache
 *       says; two answers in one round are overlap;
 *   <li>every {@code arpIntervalMs}, broadcasts an ARP who-has for the VIP from a spare identity
 *       (another IP and MAC of the LAN, so the client's own neighbour entry is never rewritten) and
 *       records every MAC that answers; the round number rides in the spare MAC's last two bytes,
 *       which the reply echoes. It also records gratuitous ARPs for the VIP it sees.
 * </ul>
 *
 * Every send and every answer is one {@link ProbeEvent}. Answer times are kernel receive timestamps
 * when the kernel has them. The prober stops by itself after {@code durationMs} or {@code
 * eventsMax} events, or on {@link #stop}.
 *
 * <pre>
 * java ... io.raftvip.testlan.probe.VipProber --vip 198.18.0.200 --src-ip 198.18.0.100
 *     --node n1=02:00:00:00:00:0b --node n2=02:00:00:00:00:0c [--port 7777] [--src-port 7778]
 *     [--ifname eth0] [--spare-ip 198.18.0.250] [--spare-mac 02:00:00:00:00:fa]
 *     [--interval-ms 5] [--directed-interval-ms 10] [--arp-interval-ms 10]
 *     [--duration-ms 60000] [--max-events 2000000] [--out FILE]
 * </pre>
 *
 * Threads: {@link #run} sends on the calling thread; two named receiver threads read answers. All
 * three end when the run ends.
 */
public final class VipProber implements AutoCloseable {

  public static final long DURATION_MAX_MS = 3_600_000;
  public static final long EVENTS_MAX = 50_000_000;
  public static final String DEFAULT_SPARE_IP = "198.18.0.250";

  /**
   * Base of the spare identity's MAC: the last two bytes carry the ARP round number, which the
   * kernel's reply echoes as its target MAC, so every reply is matched to its round exactly however
   * late the prober gets to read it.
   */
  public static final String DEFAULT_SPARE_MAC = "02:00:00:fa:00:00";

  public static final int DEFAULT_SOURCE_PORT = 7778;

  /** Receivers look at the stop flag at least this often. */
  private static final int RECEIVE_POLL_MS = 50;

  /** The sender never sleeps longer than this, so stop() is noticed quickly. */
  private static final long PARK_MAX_NANOS = 20_000_000L;

  private static final int ETH_P_ARP = ProbeFrames.ETHER_TYPE_ARP;
  private static final int ETH_P_IP = ProbeFrames.ETHER_TYPE_IPV4;

  /**
   * A node to send directed probes to.
   *
   * @param node its id, as its responder reports it
   * @param mac its MAC, "02:00:00:00:00:0b"
   */
  public record Target(String node, String mac) {
    public Target {
      if (!ProbeWire.NODE_ID.matcher(node).matches()) {
        throw new IllegalArgumentException(
            "node id '" + node + "' must match " + ProbeWire.NODE_ID);
      }
      mac = ProbeFrames.formatMac(ProbeFrames.parseMac(mac));
    }
  }

  /** What to probe and how often; see the class comment for the matching arguments. */
  public record Options(
      String ifname,
      Inet4Address vip,
      int port,
      Inet4Address sourceIp,
      int sourcePort,
      Inet4Address spareIp,
      String spareMac,
      List<Target> targets,
      long udpIntervalMs,
      long directedIntervalMs,
      long arpIntervalMs,
      long durationMs,
      long eventsMax) {

    public Options {
      Objects.requireNonNull(ifname, "ifname");
      Objects.requireNonNull(vip, "vip");
      Objects.requireNonNull(sourceIp, "sourceIp");
      Objects.requireNonNull(spareIp, "spareIp");
      spareMac = ProbeFrames.formatMac(ProbeFrames.parseMac(spareMac));
      targets = List.copyOf(targets);
      if (spareIp.equals(sourceIp) || spareIp.equals(vip) || sourceIp.equals(vip)) {
        throw new IllegalArgumentException(
            "VIP, source and spare IP must differ: "
                + vip.getHostAddress()
                + ", "
                + sourceIp.getHostAddress()
                + ", "
                + spareIp.getHostAddress());
      }
      range("port", port, 1, 65535);
      range("source port", sourcePort, 1, 65535);
      range("udp interval ms", udpIntervalMs, 0, 60_000);
      range("directed interval ms", directedIntervalMs, 0, 60_000);
      range("arp interval ms", arpIntervalMs, 0, 60_000);
      range("duration ms", durationMs, 1, DURATION_MAX_MS);
      range("max events", eventsMax, 1, EVENTS_MAX);
      if (udpIntervalMs == 0 && directedIntervalMs == 0 && arpIntervalMs == 0) {
        throw new IllegalArgumentException("at least one kind of probe must have an interval");
      }
      if (directedIntervalMs > 0 && targets.isEmpty()) {
        throw new IllegalArgumentException("directed probes need at least one --node target");
      }
    }

    /**
     * Options for {@code lan}'s client probing {@code vip}, with every node as a directed target
     * and the defaults: UDP every 5 ms, directed and ARP rounds every 10 ms, 60 s, 2,000,000
     * events.
     */
    public static Options forLan(TestLan lan, String vip) {
      List<Target> targets = new ArrayList<>();
      for (Host n : lan.nodes()) {
        targets.add(new Target(n.name(), n.macString()));
      }
      return new Options(
          Host.IFNAME,
          ProbeFrames.parseIpv4(vip),
          ProbeWire.DEFAULT_PORT,
          ProbeFrames.parseIpv4(lan.client().ipv4()),
          DEFAULT_SOURCE_PORT,
          ProbeFrames.parseIpv4(DEFAULT_SPARE_IP),
          DEFAULT_SPARE_MAC,
          targets,
          5,
          10,
          10,
          60_000,
          2_000_000);
    }

    public Options withDurationMs(long ms) {
      return new Options(
          ifname,
          vip,
          port,
          sourceIp,
          sourcePort,
          spareIp,
          spareMac,
          targets,
          udpIntervalMs,
          directedIntervalMs,
          arpIntervalMs,
          ms,
          eventsMax);
    }

    public Options withEventsMax(long max) {
      return new Options(
          ifname,
          vip,
          port,
          sourceIp,
          sourcePort,
          spareIp,
          spareMac,
          targets,
          udpIntervalMs,
          directedIntervalMs,
          arpIntervalMs,
          durationMs,
          max);
    }

    public Options withIntervalsMs(long udpMs, long directedMs, long arpMs) {
      return new Options(
          ifname,
          vip,
          port,
          sourceIp,
          sourcePort,
          spareIp,
          spareMac,
          targets,
          udpMs,
          directedMs,
          arpMs,
          durationMs,
          eventsMax);
    }

    /** The command-line arguments that parse back to these options (without {@code --out}). */
    public List<String> toArgs() {
      List<String> a = new ArrayList<>();
      add(a, "ifname", ifname);
      add(a, "vip", vip.getHostAddress());
      add(a, "port", port);
      add(a, "src-ip", sourceIp.getHostAddress());
      add(a, "src-port", sourcePort);
      add(a, "spare-ip", spareIp.getHostAddress());
      add(a, "spare-mac", spareMac);
      for (Target t : targets) {
        add(a, "node", t.node() + "=" + t.mac());
      }
      add(a, "interval-ms", udpIntervalMs);
      add(a, "directed-interval-ms", directedIntervalMs);
      add(a, "arp-interval-ms", arpIntervalMs);
      add(a, "duration-ms", durationMs);
      add(a, "max-events", eventsMax);
      return List.copyOf(a);
    }

    static Options parse(Args args) {
      List<Target> targets = new ArrayList<>();
      for (String t : args.all("node")) {
        int eq = t.indexOf('=');
        if (eq < 1) {
          throw new IllegalArgumentException("--node must be ID=MAC, was '" + t + "'");
        }
        targets.add(new Target(t.substring(0, eq), t.substring(eq + 1)));
      }
      return new Options(
          args.string("ifname", Host.IFNAME),
          ProbeFrames.parseIpv4(args.required("vip")),
          (int) args.number("port", ProbeWire.DEFAULT_PORT, 1, 65535),
          ProbeFrames.parseIpv4(args.required("src-ip")),
          (int) args.number("src-port", DEFAULT_SOURCE_PORT, 1, 65535),
          ProbeFrames.parseIpv4(args.string("spare-ip", DEFAULT_SPARE_IP)),
          args.string("spare-mac", DEFAULT_SPARE_MAC),
          targets,
          args.number("interval-ms", 5, 0, 60_000),
          args.number("directed-interval-ms", 10, 0, 60_000),
          args.number("arp-interval-ms", 10, 0, 60_000),
          args.number("duration-ms", 60_000, 1, DURATION_MAX_MS),
          args.number("max-events", 2_000_000, 1, EVENTS_MAX));
    }

    private static void add(List<String> a, String key, Object value) {
      a.add("--" + key);
      a.add(String.valueOf(value));
    }

    private static void range(String what, long v, long min, long max) {
      if (v < min || v > max) {
        throw new IllegalArgumentException(what + " must be in " + min + ".." + max + ", was " + v);
      }
    }
  }

  private final Options options;
  private final Consumer<ProbeEvent> sink;
  private final RawSocket udp;
  private final RawSocket arpIn;
  private final RawSocket frameOut;
  private final int ifindex;
  private final byte[] clientMac;
  private final byte[] spareBase;
  private final Map<String, String> nodeByMac = new HashMap<>();
  private final AtomicLong events = new AtomicLong();
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile String stopReason;
  private volatile long arpRound = -1;
  private long udpSeq;
  private long directedRound;
  private int ipId;

  private VipProber(Options options, Consumer<ProbeEvent> sink) {
    this.options = options;
    this.sink = sink;
    RawSocket u = null;
    RawSocket a = null;
    RawSocket f = null;
    try {
      u = RawSocket.udp(options.sourceIp(), options.sourcePort());
      u.enableTimestamps();
      a = RawSocket.packet(options.ifname(), ETH_P_ARP);
      int index = a.interfaceIndex(options.ifname());
      a.promiscuous(index);
      a.enableTimestamps();
      f = RawSocket.packet(options.ifname(), 0);
      this.ifindex = index;
      this.clientMac = f.hardwareAddress(options.ifname());
    } catch (RuntimeException e) {
      for (RawSocket s : new RawSocket[] {u, a, f}) {
        if (s != null) {
          s.close();
        }
      }
      throw e;
    }
    this.spareBase = ProbeFrames.parseMac(options.spareMac());
    this.udp = u;
    this.arpIn = a;
    this.frameOut = f;
    for (Target t : options.targets()) {
      nodeByMac.put(t.mac(), t.node());
    }
  }

  /**
   * Opens the prober's sockets in the calling thread's network namespace (run it inside the
   * client's namespace); events go to {@code sink}, which must be thread-safe.
   *
   * @throws ProbeException when a socket cannot be opened (no CAP_NET_RAW, no such interface, the
   *     source address is not local)
   */
  public static VipProber open(Options options, Consumer<ProbeEvent> sink) {
    return new VipProber(Objects.requireNonNull(options, "options"), Objects.requireNonNull(sink));
  }

  /**
   * Probes until the duration or event bound is reached or {@link #stop} is called; returns the
   * reason ("max-duration", "max-events", or the one given to stop). The last event is a {@code
   * stop} line.
   */
  public String run() {
    Thread udpReader = new Thread(this::readUdp, "prober-udp-in");
    Thread arpReader = new Thread(this::readArp, "prober-arp-in");
    udpReader.setDaemon(true);
    arpReader.setDaemon(true);
    try {
      emit(
          new ProbeEvent(
              RawSocket.nowMicros(),
              Kind.START,
              -1,
              "",
              "",
              false,
              "vip="
                  + options.vip().getHostAddress()
                  + " port="
                  + options.port()
                  + " interval-ms="
                  + options.udpIntervalMs()
                  + " directed-interval-ms="
                  + options.directedIntervalMs()
                  + " arp-interval-ms="
                  + options.arpIntervalMs()
                  + " targets="
                  + String.join(",", options.targets().stream().map(Target::node).toList())));
      udpReader.start();
      arpReader.start();
      sendLoop();
    } finally {
      if (stopReason == null) {
        stopReason = "error";
      }
      joinQuietly(udpReader);
      joinQuietly(arpReader);
      sink.accept(
          new ProbeEvent(
              RawSocket.nowMicros(),
              Kind.STOP,
              -1,
              "",
              "",
              false,
              "reason=" + stopReason + " events=" + events.get()));
      finished.countDown();
    }
    return stopReason;
  }

  /** Asks a running prober to stop; it writes its stop line and {@link #run} returns. */
  public void stop(String reason) {
    if (stopReason == null) {
      stopReason = reason.replace(' ', '-');
    }
  }

  /** Waits up to {@code timeoutMs} for {@link #run} to return; true if it did. */
  public boolean awaitFinished(long timeoutMs) throws InterruptedException {
    return finished.await(timeoutMs, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    stop("closed");
    udp.close();
    arpIn.close();
    frameOut.close();
  }

  private void sendLoop() {
    long start = System.nanoTime();
    long end = start + TimeUnit.MILLISECONDS.toNanos(options.durationMs());
    long udpEvery = TimeUnit.MILLISECONDS.toNanos(options.udpIntervalMs());
    long directedEvery = TimeUnit.MILLISECONDS.toNanos(options.directedIntervalMs());
    long arpEvery = TimeUnit.MILLISECONDS.toNanos(options.arpIntervalMs());
    long nextUdp = start;
    long nextDirected = start;
    long nextArp = start;
    byte[] udpDestination = RawSocket.sockaddrIn(options.vip(), options.port());
    byte[] broadcast =
        RawSocket.sockaddrLl(ETH_P_ARP, ifindex, new byte[] {-1, -1, -1, -1, -1, -1});
    List<byte[]> targetMacs = new ArrayList<>();
    List<byte[]> targetAddresses = new ArrayList<>();
    for (Target t : options.targets()) {
      byte[] mac = ProbeFrames.parseMac(t.mac());
      targetMacs.add(mac);
      targetAddresses.add(RawSocket.sockaddrLl(ETH_P_IP, ifindex, mac));
    }
    while (stopReason == null) {
      long now = System.nanoTime();
      if (now - end >= 0) {
        stop("max-duration");
        break;
      }
      if (udpEvery > 0 && now - nextUdp >= 0) {
        long seq = udpSeq++;
        emit(ProbeEvent.of(RawSocket.nowMicros(), Kind.UDP_SENT, seq));
        // Errors (EHOSTUNREACH while the VIP cannot be resolved) are part of the outage.
        udp.sendTo(ProbeWire.probe(ProbeWire.Kind.UDP, seq), udpDestination);
        nextUdp = advance(nextUdp, udpEvery, now);
      }
      if (directedEvery > 0 && now - nextDirected >= 0) {
        long round = directedRound++;
        byte[] payload = ProbeWire.probe(ProbeWire.Kind.DIRECTED, round);
        emit(ProbeEvent.of(RawSocket.nowMicros(), Kind.DIRECTED_SENT, round));
        for (int i = 0; i < targetMacs.size(); i++) {
          byte[] frame =
              ProbeFrames.udpFrame(
                  targetMacs.get(i),
                  clientMac,
                  options.sourceIp(),
                  options.vip(),
                  options.sourcePort(),
                  options.port(),
                  ipId++,
                  payload);
          frameOut.sendTo(frame, targetAddresses.get(i));
        }
        nextDirected = advance(nextDirected, directedEvery, now);
      }
      if (arpEvery > 0 && now - nextArp >= 0) {
        long round = arpRound + 1;
        byte[] arpFrame =
            ProbeFrames.arpRequest(roundMac(spareBase, round), options.spareIp(), options.vip());
        arpRound = round;
        emit(ProbeEvent.of(RawSocket.nowMicros(), Kind.ARP_SENT, round));
        frameOut.sendTo(arpFrame, broadcast);
        nextArp = advance(nextArp, arpEvery, now);
      }
      if (sink instanceof ProbeLogWriter w) {
        w.flushIfDue();
      }
      long next = end;
      if (udpEvery > 0) {
        next = earlier(next, nextUdp);
      }
      if (directedEvery > 0) {
        next = earlier(next, nextDirected);
      }
      if (arpEvery > 0) {
        next = earlier(next, nextArp);
      }
      long wait = Math.min(next - System.nanoTime(), PARK_MAX_NANOS);
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
    }
  }

  /** The next due time; a sender that fell more than a period behind skips instead of bursting. */
  private static long advance(long due, long every, long now) {
    long next = due + every;
    return now - next >= every ? now + every : next;
  }

  private static long earlier(long a, long b) {
    return b - a < 0 ? b : a;
  }

  private void readUdp() {
    byte[] buf = new byte[ProbeWire.PAYLOAD_BYTES_MAX];
    byte[] from = new byte[RawSocket.SOCKADDR_IN_BYTES];
    while (stopReason == null) {
      int n = udp.receive(buf, from, RECEIVE_POLL_MS);
      if (n <= 0) {
        continue;
      }
      long jvm = RawSocket.nowMicros();
      long kernel = udp.lastReceiveEpochMicros(jvm);
      Optional<ProbeWire.Reply> reply = ProbeWire.parseReply(buf, n);
      if (reply.isEmpty()) {
        continue;
      }
      Kind kind = reply.get().kind() == ProbeWire.Kind.UDP ? Kind.UDP_REPLY : Kind.DIRECTED_REPLY;
      emit(
          new ProbeEvent(
              kernel >= 0 ? kernel : jvm,
              kind,
              reply.get().seq(),
              reply.get().node(),
              "",
              kernel >= 0,
              ""));
    }
  }

  private void readArp() {
    byte[] buf = new byte[1600];
    byte[] from = new byte[RawSocket.SOCKADDR_LL_BYTES];
    while (stopReason == null) {
      int n = arpIn.receive(buf, from, RECEIVE_POLL_MS);
      if (n <= 0 || RawSocket.packetType(from) == RawSocket.PACKET_OUTGOING) {
        continue;
      }
      long jvm = RawSocket.nowMicros();
      long kernel = arpIn.lastReceiveEpochMicros(jvm);
      Optional<ProbeFrames.Arp> parsed = ProbeFrames.parseArp(buf, n);
      if (parsed.isEmpty() || !parsed.get().senderIp().equals(options.vip())) {
        continue;
      }
      ProbeFrames.Arp arp = parsed.get();
      String mac = ProbeFrames.formatMac(arp.senderMac());
      String node = nodeByMac.getOrDefault(mac, "");
      long at = kernel >= 0 ? kernel : jvm;
      if (arp.gratuitous()) {
        emit(new ProbeEvent(at, Kind.GARP, -1, node, mac, kernel >= 0, ""));
      } else if (arp.operation() == ProbeFrames.ARP_REPLY
          && arp.targetIp().equals(options.spareIp())) {
        long round = roundOf(arp.targetMac(), spareBase, arpRound);
        if (round >= 0) {
          emit(new ProbeEvent(at, Kind.ARP_REPLY, round, node, mac, kernel >= 0, ""));
        }
      }
    }
  }

  /**
   * The spare identity's MAC for ARP round {@code round}: the base with the round's low 16 bits.
   */
  static byte[] roundMac(byte[] base, long round) {
    byte[] mac = base.clone();
    mac[4] = (byte) (round >>> 8);
    mac[5] = (byte) round;
    return mac;
  }

  /**
   * The round a reply's target MAC names: the latest round at or before {@code latestRound} with
   * those low 16 bits; -1 when the MAC is not one of the spare identity's or no such round exists.
   */
  static long roundOf(byte[] targetMac, byte[] base, long latestRound) {
    for (int i = 0; i < 4; i++) {
      if (targetMac[i] != base[i]) {
        return -1;
      }
    }
    if (latestRound < 0) {
      return -1;
    }
    int low = ((targetMac[4] & 0xff) << 8) | (targetMac[5] & 0xff);
    long back = ((latestRound & 0xffff) - low) & 0xffff;
    long round = latestRound - back;
    return round >= 0 ? round : -1;
  }

  private void emit(ProbeEvent e) {
    if (events.incrementAndGet() > options.eventsMax()) {
      stop("max-events");
      return;
    }
    sink.accept(e);
  }

  private static void joinQuietly(Thread t) {
    if (t.getState() == Thread.State.NEW) {
      return;
    }
    try {
      t.join(2L * RECEIVE_POLL_MS + 1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public static void main(String[] argv) {
    Options options;
    String out;
    try {
      Args args =
          Args.parse(
              argv,
              new LinkedHashSet<>(
                  List.of(
                      "ifname",
                      "vip",
                      "port",
                      "src-ip",
                      "src-port",
                      "spare-ip",
                      "spare-mac",
                      "node",
                      "interval-ms",
                      "directed-interval-ms",
                      "arp-interval-ms",
                      "duration-ms",
                      "max-events",
                      "out")));
      options = Options.parse(args);
      out = args.string("out", null);
    } catch (IllegalArgumentException e) {
      System.err.println("VipProber: " + e.getMessage());
      System.exit(2);
      return;
    }
    OutputStream stream;
    try {
      stream = out == null ? System.out : Files.newOutputStream(Path.of(out));
    } catch (IOException e) {
      System.err.println("VipProber: cannot write " + out + ": " + e.getMessage());
      System.exit(1);
      return;
    }
    try (ProbeLogWriter writer = new ProbeLogWriter(stream, out != null);
        VipProber prober = open(options, writer)) {
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    prober.stop("signal");
                    try {
                      prober.awaitFinished(3_000);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                    writer.flush();
                  },
                  "prober-stop"));
      String reason = prober.run();
      writer.flush();
      System.err.println(
          "VipProber: stopped (" + reason + ") after " + writer.written() + " events");
    }
  }
}
