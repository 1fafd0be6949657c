package io.raftvip.cli.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.cli.config.AgentConfig;
import io.raftvip.cli.config.ConfigParser;
import io.raftvip.cli.config.ConfigResult;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.reconcile.InMemoryDataPlane;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent serves its metrics on {@code metrics.listen} (a one-member cluster over an in-memory
 * data plane, in this JVM), and serves none when the section is absent.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AgentMetricsEndpointTest {

  @TempDir Path dir;

  private AgentConfig config(boolean metrics, int metricsPort) throws IOException {
    int raft = freePort();
    int admin = freePort();
    String yaml =
        "node: {id: solo, interface: lo, storage-dir: "
            + dir.resolve("data")
            + "}\n"
            + "cluster:\n  id: "
            + UUID.randomUUID()
            + "\n  peers: [{id: solo, raft: 127.0.0.1:"
            + raft
            + ", lease: 127.0.0.1:"
            + freePort()
            + ", admin: 127.0.0.1:"
            + admin
            + "}]\n"
            + "admin: {listen: 127.0.0.1:"
            + admin
            + "}\n"
            + (metrics ? "metrics: {listen: 127.0.0.1:" + metricsPort + "}\n" : "")
            + "vips:\n  - {name: web, address: 198.18.0.200/32}\n";
    ConfigResult r = ConfigParser.parse("solo.yaml", yaml);
    assertThat(r.errors()).isEmpty();
    return r.config().orElseThrow();
  }

  @Test
  void metricsListenServesTheNodesSeries() throws Exception {
    int port = freePort();
    try (Agent agent =
        Agent.start(config(true, port), InMemoryDataPlane.onSystemClock(), Optional.empty())) {
      assertThat(agent.metricsPort()).hasValue(port);
      List<String> expected =
          List.of(
              "raftvip_vip_serving{vip=\"web\"} 1.0",
              "raftvip_vip_owned{vip=\"web\"} 1.0",
              "raftvip_raft_is_leader 1.0",
              "raftvip_lease_leader_active 1.0",
              // The event thread may deliver the entries after the owner served from a grant.
              "raftvip_commands_applied_total{command=\"bootstrap\",result=\"accepted\"} 1.0",
              "raftvip_commands_applied_total{command=\"assign\",result=\"accepted\"} 1.0",
              "jvm_threads_current");
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      String body = get(port);
      while (!expected.stream().allMatch(body::contains) && System.nanoTime() < end) {
        Thread.sleep(100);
        body = get(port);
      }
      for (String series : expected) {
        assertThat(body).as("scrape").contains(series);
      }
      assertThat(agent.node().state().heldBy(agent.node().id()))
          .extracting(v -> v.name())
          .containsExactly(VipName.of("web"));
    }
  }

  @Test
  void noMetricsSectionNoEndpoint() throws Exception {
    try (Agent agent =
        Agent.start(config(false, 0), InMemoryDataPlane.onSystemClock(), Optional.empty())) {
      assertThat(agent.metricsPort()).isEmpty();
    }
  }

  private static String get(int port) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private static int freePort() throws IOException {
    return io.raftvip.testlan.FreePorts.next();
  }
}
