package io.raftvip.netio.fence;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * UDP echo (netio tests; benchmarks/ use it through the netio test-jar) bound to VIP:port on a
 * node. Open inside the node's namespace (after the VIP is configured); the echo thread runs at
 * most {@code maxRunMs}.
 */
public final class UdpEchoResponder implements AutoCloseable {
  private final DatagramSocket socket;
  private final Thread thread;
  private volatile boolean stop;
  private volatile long echoed;

  private UdpEchoResponder(DatagramSocket socket, long maxRunMs) {
    this.socket = socket;
    long endAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxRunMs);
    this.thread = new Thread(() -> loop(endAt), "udp-echo");
    thread.setDaemon(true);
  }

  public static UdpEchoResponder open(InetAddress vip, int port, long maxRunMs) throws IOException {
    DatagramSocket s = new DatagramSocket(new InetSocketAddress(vip, port));
    s.setSoTimeout(50);
    UdpEchoResponder r = new UdpEchoResponder(s, maxRunMs);
    r.thread.start();
    return r;
  }

  private void loop(long endAt) {
    byte[] buf = new byte[64];
    while (!stop && System.nanoTime() - endAt < 0) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        socket.send(new DatagramPacket(buf, p.getLength(), p.getSocketAddress()));
        echoed++; // only this thread writes
      } catch (SocketTimeoutException e) {
        // check stop
      } catch (IOException e) {
        if (socket.isClosed()) {
          return;
        }
        // EPERM when the fence drops our reply on output: keep serving
      }
    }
  }

  /** Datagrams echoed so far (the fence drops some of the replies on output). */
  public long echoed() {
    return echoed;
  }

  @Override
  public void close() {
    stop = true;
    try {
      thread.join(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      socket.close();
    }
  }
}
