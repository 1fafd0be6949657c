package io.raftvip.cli.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.cli.Main;
import io.raftvip.cli.config.AgentConfig;
import io.raftvip.cli.config.ConfigParser;
import io.raftvip.cli.config.ConfigResult;
import io.raftvip.cli.config.FakeHost;
import io.raftvip.coordinator.core.NodeStatus;
import io.raftvip.coordinator.reconcile.InMemoryDataPlane;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent with a {@code tls:} section: three in-process agents on 127.0.0.1 (in-memory data
 * planes) form the cluster over mutual TLS, and the {@code raftvip} CLI reaches the admin API only
 * with a client certificate from the CA (and the token).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AgentTlsTest {

  static final String TOKEN = "agent-tls-token-51ab";

  @TempDir Path dir;

  private record Result(int code, String out, String err) {}

  @Test
  void agentsFormOverTlsAndTheCliNeedsAClientCertificate() throws Exception {
    TestPki.Ca ca = TestPki.ca(dir, "ca");
    TestPki.Ca other = TestPki.ca(dir, "other");
    TestPki.Leaf client = ca.issue("operator", "DNS:operator.test");
    TestPki.Leaf stranger = other.issue("stranger", "DNS:operator.test");
    Path token = dir.resolve("token");
    Files.writeString(token, TOKEN + "\n", StandardCharsets.UTF_8);
    int[] raft = {freePort(), freePort(), freePort()};
    int[] admin = {freePort(), freePort(), freePort()};
    int[] lease = {freePort(), freePort(), freePort()};
    UUID cluster = UUID.randomUUID();
    StringBuilder peers = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      peers.append(
          String.format(
              "    - {id: n%d, raft: 127.0.0.1:%d, lease: 127.0.0.1:%d, admin: 127.0.0.1:%d}%n",
              i + 1, raft[i], lease[i], admin[i]));
    }
    List<Agent> agents = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        TestPki.Leaf node = ca.issue("n" + (i + 1), "IP:127.0.0.1");
        String yaml =
            "node:\n"
                + "  id: n"
                + (i + 1)
                + "\n  interface: lo\n"
                + "  storage-dir: "
                + Files.createDirectories(dir.resolve("n" + (i + 1)))
                + "\ncluster:\n  id: "
                + cluster
                + "\n  peers:\n"
                + peers
                + "admin:\n  token-file: "
                + token
                + "\ntls:\n  cert: "
                + node.cert()
                + "\n  key: "
                + node.key()
                + "\n  ca: "
                + ca.cert()
                + "\ntiming:\n  lease: 1s\n  renew-interval: 200ms\n";
        ConfigResult parsed = ConfigParser.parse("n" + (i + 1) + ".yaml", yaml);
        AgentConfig config = parsed.config().orElseThrow(() -> new AssertionError(parsed));
        assertThat(AgentSettings.tls(config)).isPresent();
        agents.add(Agent.start(config, InMemoryDataPlane.onSystemClock(), Optional.of(TOKEN)));
      }
      Agent first = agents.get(0);
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (System.nanoTime() < end
          && !(first.node().state().nodes().size() == 3
              && first.node().state().nodes().values().stream()
                  .allMatch(n -> n.status() == NodeStatus.ACTIVE))) {
        Thread.sleep(50);
      }
      assertThat(first.node().state().nodes()).hasSize(3);

      String endpoint = "127.0.0.1:" + admin[1];
      Result ok =
          cli(
              "status",
              "--json",
              "-c",
              endpoint,
              "--token-file",
              token.toString(),
              "--tls-ca",
              ca.cert().toString(),
              "--tls-cert",
              client.cert().toString(),
              "--tls-key",
              client.key().toString());
      assertThat(ok.code()).as(ok.err()).isZero();
      assertThat(ok.out()).contains("\"hasQuorum\":true");

      Result plaintext =
          cli("status", "-c", endpoint, "--token-file", token.toString(), "--timeout", "5s");
      assertThat(plaintext.code()).as(plaintext.err()).isEqualTo(3);

      Result noClientCert =
          cli(
              "status",
              "-c",
              endpoint,
              "--token-file",
              token.toString(),
              "--tls-ca",
              ca.cert().toString(),
              "--timeout",
              "5s");
      assertThat(noClientCert.code()).as(noClientCert.err()).isEqualTo(3);

      Result foreign =
          cli(
              "status",
              "-c",
              endpoint,
              "--token-file",
              token.toString(),
              "--tls-ca",
              ca.cert().toString(),
              "--tls-cert",
              stranger.cert().toString(),
              "--tls-key",
              stranger.key().toString(),
              "--timeout",
              "5s");
      assertThat(foreign.code()).as(foreign.err()).isEqualTo(3);

      Result noToken =
          cli(
              "status",
              "-c",
              endpoint,
              "--tls-ca",
              ca.cert().toString(),
              "--tls-cert",
              client.cert().toString(),
              "--tls-key",
              client.key().toString());
      assertThat(noToken.code()).as(noToken.err()).isEqualTo(6);
      assertThat(ok.err() + plaintext.err() + noClientCert.err() + foreign.err() + noToken.err())
          .doesNotContain(TOKEN);
    } finally {
      List<Thread> closers = new ArrayList<>();
      for (Agent a : agents) {
        Thread t = new Thread(a::close, "close-agent");
        t.start();
        closers.add(t);
      }
      for (Thread t : closers) {
        t.join(20_000);
      }
    }
  }

  private static Result cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            FakeHost.of(List.of("lo")),
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            args);
    return new Result(code, out.toString(), err.toString());
  }

  private static int freePort() throws IOException {
    return io.raftvip.testlan.FreePorts.next();
  }
}
