package io.raftvip.testlan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Helpers shared by the fixture's own tests. */
final class Lans {
  /** ping -W 1 waits one second; the exec bound only guards against a hung ping. */
  static final Duration PING_TIMEOUT = Duration.ofSeconds(5);

  /** Attempts for a ping expected to succeed; the first may pay for neighbour resolution. */
  static final int PING_ATTEMPTS_MAX = 3;

  private Lans() {}

  /** One ICMP echo from {@code from} to {@code address} (v4 or v6 literal), 1 s deadline. */
  static boolean pingOnce(Host from, String address) {
    return from.exec(PING_TIMEOUT, "ping", "-n", "-c", "1", "-W", "1", address).ok();
  }

  /** Whether {@code address} answers within {@link #PING_ATTEMPTS_MAX} one-second pings. */
  static boolean reachable(Host from, String address) {
    for (int i = 0; i < PING_ATTEMPTS_MAX; i++) {
      if (pingOnce(from, address)) {
        return true;
      }
    }
    return false;
  }

  /** The names printed by {@code ip netns list}, in its order. */
  static List<String> netnsList() {
    ExecResult r =
        Commands.runOrThrow(List.of("ip", "netns", "list"), null, Duration.ofSeconds(10));
    List<String> names = new ArrayList<>();
    for (String line : r.stdout().split("\n")) {
      if (!line.isBlank()) {
        names.add(line.trim().split("\\s+")[0]);
      }
    }
    return names;
  }

  /** The namespaces in {@code ip netns list} created by fixtures of this JVM. */
  static List<String> ownNamespaces() {
    String own = TestLan.NAMESPACE_PREFIX + ProcessHandle.current().pid();
    return netnsList().stream()
        .filter(n -> n.startsWith(own) && !Character.isDigit(n.charAt(own.length())))
        .sorted()
        .toList();
  }
}
