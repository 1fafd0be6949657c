package io.raftvip.cli.config;

import java.util.List;
import java.util.Objects;

/**
 * The Prometheus metrics endpoint.
 *
 * @param listen address and port of the HTTP listener, an IP literal
 */
public record MetricsConfig(HostPort listen) {

  public MetricsConfig {
    Objects.requireNonNull(listen, "listen");
    Violations v = new Violations();
    Listeners.checkIpLiteral(v, "listen", listen);
    v.throwIfAny();
  }

  /** A wildcard listener is allowed but worth a line. */
  public List<ConfigViolation> warnings() {
    return listen.isWildcard()
        ? List.of(
            ConfigViolation.of("listen", listen + " serves metrics on every address of this host"))
        : List.of();
  }
}
