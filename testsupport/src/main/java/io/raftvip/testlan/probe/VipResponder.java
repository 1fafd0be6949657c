package io.raftvip.testlan.probe;

import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Answers probe datagrams with its node id and the probe's sequence number ({@link ProbeWire}). It
 * binds the wildcard address, so it answers exactly the probes the kernel delivers: those for an
 * address configured on this node and not dropped by a fence. The answer leaves from the node's own
 * address (the kernel picks the source for a wildcard socket); the prober identifies nodes by the
 * payload, not the source.
 *
 * <pre>
 * java ... io.raftvip.testlan.probe.VipResponder --node n1 [--port 7777]
 *     [--duration-ms 600000] [--max-replies 10000000]
 * </pre>
 *
 * Prints {@code listening node=n1 port=7777} once bound and {@code stopped ...} at the end on
 * standard output. Bounded by duration and reply count; one thread.
 */
public final class VipResponder implements AutoCloseable {

  public static final long DURATION_MAX_MS = 3_600_000;
  public static final long DEFAULT_DURATION_MS = 600_000;
  public static final long DEFAULT_REPLIES_MAX = 10_000_000;

  /** Loopback probes answered before listening, to warm the reply path. */
  static final int WARM_UP_ROUNDS = 400;

  /** How often the loop looks at its bounds while no datagram arrives. */
  private static final int RECEIVE_TIMEOUT_MS = 200;

  private final String node;
  private final DatagramSocket socket;
  private volatile boolean stopped;
  private long answered;

  private VipResponder(String node, DatagramSocket socket) {
    this.node = node;
    this.socket = socket;
  }

  /** Binds the wildcard address on {@code port} in the calling thread's namespace. */
  public static VipResponder open(String node, int port) {
    if (!ProbeWire.NODE_ID.matcher(node).matches()) {
      throw new IllegalArgumentException("node id '" + node + "' must match " + ProbeWire.NODE_ID);
    }
    try {
      DatagramSocket socket = new DatagramSocket(new InetSocketAddress(port));
      socket.setSoTimeout(RECEIVE_TIMEOUT_MS);
      return new VipResponder(node, socket);
    } catch (SocketException e) {
      throw new ProbeException("cannot bind UDP port " + port + " for node " + node, e);
    }
  }

  /** Answers until {@code durationMs} passed, {@code repliesMax} answers were sent, or close(). */
  public long serve(long durationMs, long repliesMax) {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(durationMs);
    byte[] buf = new byte[ProbeWire.PAYLOAD_BYTES_MAX];
    DatagramPacket in = new DatagramPacket(buf, buf.length);
    while (!stopped && answered < repliesMax && System.nanoTime() - end < 0) {
      if (answerOne(in) && ++answered >= repliesMax) {
        break;
      }
    }
    return answered;
  }

  /** Receives one datagram (bounded by the socket timeout) and answers it; true if answered. */
  private boolean answerOne(DatagramPacket in) {
    byte[] buf = in.getData();
    try {
      in.setLength(buf.length);
      socket.receive(in);
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return false; // closed, or an ICMP error reported on the socket: keep answering
    }
    Optional<byte[]> reply = ProbeWire.replyTo(buf, in.getLength(), node);
    if (reply.isEmpty()) {
      return false;
    }
    try {
      socket.send(new DatagramPacket(reply.get(), reply.get().length, in.getSocketAddress()));
      return true;
    } catch (IOException e) {
      return false; // the client may be unreachable for a moment (partition tests)
    }
  }

  /**
   * Answers {@code rounds} probes of its own over loopback before the real ones come: the first
   * datagram through a cold JVM's send path took ~50 ms (class loading and initialization on a busy
   * 2-core box, measured in the demo), which a failover measurement would count as outage.
   */
  public void warmUp(int port, int rounds) {
    byte[] buf = new byte[ProbeWire.PAYLOAD_BYTES_MAX];
    DatagramPacket in = new DatagramPacket(buf, buf.length);
    try (DatagramSocket self = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      self.setSoTimeout(RECEIVE_TIMEOUT_MS);
      InetSocketAddress target = new InetSocketAddress("127.0.0.1", port);
      byte[] back = new byte[ProbeWire.PAYLOAD_BYTES_MAX];
      for (int i = 0; i < rounds && !stopped; i++) {
        ProbeWire.Kind kind = i % 2 == 0 ? ProbeWire.Kind.UDP : ProbeWire.Kind.DIRECTED;
        byte[] probe = ProbeWire.probe(kind, i);
        self.send(new DatagramPacket(probe, probe.length, target));
        answerOne(in);
        DatagramPacket reply = new DatagramPacket(back, back.length);
        self.receive(reply);
        ProbeWire.parseReply(back, reply.getLength());
      }
    } catch (IOException e) {
      // loopback down or slow: the real probes then pay for the cold path, nothing worse
    }
  }

  /** Answers sent so far. */
  public long answered() {
    return answered;
  }

  @Override
  public void close() {
    stopped = true;
    socket.close();
  }

  public static void main(String[] argv) {
    Args args;
    try {
      args = Args.parse(argv, Set.of("node", "port", "duration-ms", "max-replies"));
    } catch (IllegalArgumentException e) {
      System.err.println("VipResponder: " + e.getMessage());
      System.exit(2);
      return;
    }
    String node = args.required("node");
    int port = (int) args.number("port", ProbeWire.DEFAULT_PORT, 1, 65535);
    long durationMs = args.number("duration-ms", DEFAULT_DURATION_MS, 1, DURATION_MAX_MS);
    long repliesMax = args.number("max-replies", DEFAULT_REPLIES_MAX, 1, Long.MAX_VALUE);
    PrintStream out = System.out;
    try (VipResponder responder = open(node, port)) {
      Runtime.getRuntime().addShutdownHook(new Thread(responder::close, "responder-stop"));
      responder.warmUp(port, WARM_UP_ROUNDS);
      out.println("listening node=" + node + " port=" + port);
      out.flush();
      long n = responder.serve(durationMs, repliesMax);
      out.println("stopped node=" + node + " answered=" + n);
      out.flush();
    }
  }
}
