package io.raftvip.cli.agent.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Objects;

/**
 * The HTTP listener on {@code metrics.listen}: {@code GET /metrics} (Prometheus text or
 * OpenMetrics, by the Accept header) and {@code GET /-/healthy}. Plain HTTP without authentication:
 * bind it to a management address (docs/operations.md).
 */
public final class MetricsServer implements AutoCloseable {

  private final HTTPServer server;

  private MetricsServer(HTTPServer server) {
    this.server = server;
  }

  /**
   * Starts serving {@code registry} on {@code host:port} (port 0 picks a free one).
   *
   * @throws IOException when the address cannot be bound
   */
  public static MetricsServer start(String host, int port, PrometheusRegistry registry)
      throws IOException {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(registry, "registry");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("metrics port " + port + " must be in 0..65535");
    }
    return new MetricsServer(
        HTTPServer.builder()
            .inetAddress(InetAddress.getByName(host))
            .port(port)
            .registry(registry)
            .registerHealthHandler(true)
            .buildAndStart());
  }

  /** The bound port. */
  public int port() {
    return server.getPort();
  }

  /** Stops the listener and its threads. Idempotent. */
  @Override
  public void close() {
    server.close();
  }
}
