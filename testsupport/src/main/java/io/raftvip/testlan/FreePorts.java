package io.raftvip.testlan;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * TCP ports for test servers on 127.0.0.1 that nothing else in the machine's normal operation hands
 * out. {@code new ServerSocket(0)} returns an ephemeral port, and between closing that probe socket
 * and the server's bind an outgoing connection of the same JVM (a Ratis or gRPC client of an
 * earlier node) may be given the very same port by the kernel: "Address already in use". Ports here
 * come from below the ephemeral range (Linux default 32768-60999), which outgoing connections never
 * use, starting at a random point so that concurrent test JVMs rarely meet, never repeating within
 * a JVM, and each checked to be bindable right now.
 */
public final class FreePorts {

  static final int FIRST = 20_000;
  static final int END = 32_000;

  private static final Set<Integer> handedOut = new HashSet<>();
  private static int cursor = FIRST + ThreadLocalRandom.current().nextInt(END - FIRST);

  private FreePorts() {}

  /** A port on 127.0.0.1 that was free a moment ago and is not handed out again by this JVM. */
  public static synchronized int next() throws IOException {
    // Bounded: one pass over the range.
    for (int tries = 0; tries < END - FIRST; tries++) {
      int port = cursor;
      cursor = cursor + 1 >= END ? FIRST : cursor + 1;
      if (handedOut.contains(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      } catch (IOException inUse) {
        continue;
      }
      handedOut.add(port);
      return port;
    }
    throw new IOException("no free port in " + FIRST + ".." + (END - 1) + " on 127.0.0.1");
  }
}
