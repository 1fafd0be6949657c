package io.raftvip.cli.config;

/** Rules shared by the endpoints this node listens on (admin API, metrics). */
final class Listeners {

  private Listeners() {}

  /**
   * A listener binds to an address of this host, so a DNS name is refused: it may resolve anywhere.
   */
  static void checkIpLiteral(Violations v, String path, HostPort listen) {
    if (listen.ip().isEmpty()) {
      v.add(
          path,
          "must be an IP address and port like \"198.18.0.11:7100\" (or \"0.0.0.0:7100\" for"
              + " every address), got host name "
              + Texts.quote(listen.host()));
    }
  }
}
