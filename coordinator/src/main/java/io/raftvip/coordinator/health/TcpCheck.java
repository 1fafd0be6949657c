package io.raftvip.coordinator.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;

/**
 * Opens a TCP connection and closes it again; an accepted connection passes.
 *
 * @param host a name or address literal (IPv6 without brackets), resolved on every run
 * @param port 1..65535
 * @param timeout connect timeout, 1 ms .. 1 h
 */
public record TcpCheck(String host, int port, Duration timeout) implements HealthCheck {

  public TcpCheck {
    checkHost(host, "tcp check");
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException(
          "port " + port + " of tcp check " + host + " must be between 1 and 65535");
    }
    HealthCheck.checkTimeout(timeout, "tcp check " + host + ":" + port);
  }

  @Override
  public CheckResult run() {
    InetSocketAddress to = new InetSocketAddress(host, port);
    if (to.isUnresolved()) {
      return CheckResult.fail("cannot resolve " + host);
    }
    long start = System.nanoTime();
    try (Socket s = new Socket()) {
      s.connect(to, (int) Math.max(1, timeout.toMillis()));
      return CheckResult.pass("connected to " + describe(to) + " in " + sinceMs(start) + " ms");
    } catch (SocketTimeoutException e) {
      return CheckResult.fail(
          "connect to " + describe(to) + " timed out after " + timeout.toMillis() + " ms");
    } catch (IOException e) {
      return CheckResult.fail("connect to " + describe(to) + " failed: " + e.getMessage());
    }
  }

  static String describe(InetSocketAddress a) {
    String ip = a.getAddress().getHostAddress();
    return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + a.getPort();
  }

  static long sinceMs(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  static void checkHost(String host, String of) {
    Objects.requireNonNull(host, "host of " + of);
    if (host.isEmpty() || host.length() > 253 || !host.chars().allMatch(c -> c > ' ' && c < 127)) {
      throw new IllegalArgumentException(
          "host \"" + host + "\" of " + of + " must be 1 to 253 printable characters, no spaces");
    }
  }
}
