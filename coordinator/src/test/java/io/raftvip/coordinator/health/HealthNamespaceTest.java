package io.raftvip.coordinator.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.health.HealthMonitor.HealthChanged;
import io.raftvip.testlan.Host;
import io.raftvip.testlan.TestLan;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real TCP check across the test LAN (kernel TCP, veths and a bridge in namespaces this test
 * creates): the check runs in the client namespace against a server in node 1's namespace, and its
 * verdict follows the server going away (refused), coming back, and the link being cut (timeout).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HealthNamespaceTest {

  private static final NodeId N1 = NodeId.of("n1");
  private static final int PORT = 8080;

  @Test
  void aTcpCheckFollowsTheServerInAnotherNamespace() throws Exception {
    TestLan.requireRoot();
    FakeLog raft = new FakeLog();
    raft.join(N1);
    List<HealthChanged> events = new CopyOnWriteArrayList<>();
    try (TestLan lan = TestLan.builder().name("health").nodes(1).client(true).start()) {
      Host server = lan.node(1);
      Host client = lan.client();
      TcpCheck tcp = new TcpCheck(server.ipv4(), PORT, Duration.ofMillis(300));
      // Sockets opened on a thread inside the client namespace connect from there.
      HealthCheck fromClient =
          new HealthCheck() {
            @Override
            public CheckResult run() {
              return client.inNetns(Duration.ofSeconds(5), tcp::run);
            }

            @Override
            public Duration timeout() {
              return tcp.timeout();
            }
          };
      Listening listening = Listening.open(server);
      try (HealthMonitor m =
          HealthMonitor.builder(N1)
              .submitter(raft::submit)
              .replicatedState(raft::state)
              .listener(events::add)
              .check("web", fromClient, new CheckSchedule(Duration.ofMillis(500), 2, 2))
              .start()) {
        await(() -> raft.health(N1, "web").orElse(false), 15_000, "healthy while listening");
        assertThat(events.get(0).last().reason())
            .startsWith("connected to " + server.ipv4() + ":" + PORT);

        listening.close();
        await(() -> !raft.health(N1, "web").orElse(true), 15_000, "unhealthy once closed");
        assertThat(events.get(1).verdict()).isEqualTo(Verdict.UNHEALTHY);
        assertThat(events.get(1).last().reason()).contains("refused");

        listening = Listening.open(server);
        await(() -> raft.health(N1, "web").orElse(false), 15_000, "healthy again");

        lan.cutLink(server);
        await(() -> !raft.health(N1, "web").orElse(true), 15_000, "unhealthy on a cut link");
        assertThat(events.get(3).last().reason())
            .isEqualTo("connect to " + server.ipv4() + ":" + PORT + " timed out after 300 ms");
        assertThat(events)
            .extracting(HealthChanged::verdict)
            .containsExactly(
                Verdict.HEALTHY, Verdict.UNHEALTHY, Verdict.HEALTHY, Verdict.UNHEALTHY);
      } finally {
        listening.close();
      }
    }
  }

  /** A listening socket in {@code host}'s namespace, accepting and closing on its own thread. */
  private record Listening(ServerSocket socket, Thread acceptor) implements AutoCloseable {
    static Listening open(Host host) {
      ServerSocket s =
          host.inNetns(
              () -> {
                ServerSocket ss = new ServerSocket();
                ss.setReuseAddress(true);
                ss.bind(new InetSocketAddress(host.ipv4Address(), PORT), 16);
                return ss;
              });
      Thread t =
          new Thread(
              () -> {
                // Ends when the socket closes; each accept is bounded by the test's own timeout.
                while (!s.isClosed()) {
                  try (Socket c = s.accept()) {
                    // Accepting keeps the backlog from filling; the check only connects.
                  } catch (IOException closed) {
                    return;
                  }
                }
              },
              "health-test-acceptor");
      t.setDaemon(true);
      t.start();
      return new Listening(s, t);
    }

    @Override
    public void close() throws InterruptedException {
      try {
        socket.close();
      } catch (IOException ignored) {
        // Closing is all we want.
      }
      acceptor.join(5_000);
    }
  }

  private static void await(java.util.function.BooleanSupplier c, long ms, String what)
      throws InterruptedException {
    HealthMonitorTest.await(c, ms, what);
  }
}
