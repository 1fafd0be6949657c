package io.raftvip.cli.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The admin API's listener.
 *
 * @param listen address and port to listen on: an IP literal, or the explicit wildcard {@code
 *     0.0.0.0:port} / {@code [::]:port} (warned: it exposes the API on every interface)
 * @param tokenFile file holding the bearer token clients must present; empty = no token
 */
public record AdminConfig(HostPort listen, Optional<Path> tokenFile) {

  public AdminConfig {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(tokenFile, "tokenFile");
    Violations v = new Violations();
    Listeners.checkIpLiteral(v, "listen", listen);
    tokenFile.ifPresent(p -> v.absolutePath("token-file", p));
    v.throwIfAny();
  }

  /** A wildcard listener, or one without a token, is allowed but worth a line. */
  public List<ConfigViolation> warnings() {
    List<ConfigViolation> out = new ArrayList<>();
    if (listen.isWildcard()) {
      out.add(
          ConfigViolation.of(
              "listen",
              listen
                  + " listens on every address of this host, including ones outside the"
                  + " cluster network"));
    }
    return out;
  }
}
