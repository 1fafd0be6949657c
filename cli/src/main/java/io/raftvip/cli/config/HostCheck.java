package io.raftvip.cli.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks a valid config against the machine it is meant to run on: the interfaces it names exist,
 * the addresses it listens on are this host's, and the files it names can be read or run. Kept
 * apart from parsing so a config can be checked anywhere with {@code --no-host-check}.
 */
public final class HostCheck {

  /** Longest list of addresses quoted in one message. */
  private static final int LISTED_ADDRESS_COUNT_MAX = 8;

  private HostCheck() {}

  /** Every mismatch between {@code config} and {@code host}, as errors with config paths. */
  public static List<ConfigViolation> check(AgentConfig config, Host host) {
    List<ConfigViolation> out = new ArrayList<>();
    List<String> interfaces = host.interfaceNames();
    checkInterface(out, interfaces, "node.interface", config.node().interfaceName());
    for (int i = 0; i < config.vips().size(); i++) {
      VipConfig vip = config.vips().get(i);
      int index = i;
      vip.interfaceName()
          .ifPresent(
              name ->
                  checkInterface(
                      out, interfaces, ConfigPaths.index("vips", index) + ".interface", name));
    }

    Set<IpAddress> addresses = host.addresses();
    checkLocal(out, addresses, "admin.listen", config.admin().listen());
    config.metrics().ifPresent(m -> checkLocal(out, addresses, "metrics.listen", m.listen()));
    PeerConfig self = config.self();
    checkLocal(
        out,
        addresses,
        ConfigPaths.index("cluster.peers", config.cluster().peers().indexOf(self)) + ".raft",
        self.raftAddress());

    config.admin().tokenFile().ifPresent(f -> checkReadable(out, host, "admin.token-file", f));
    config
        .tls()
        .ifPresent(
            t -> {
              checkReadable(out, host, "tls.cert", t.certFile());
              checkReadable(out, host, "tls.key", t.keyFile());
              checkReadable(out, host, "tls.ca", t.caFile());
            });
    config
        .notifications()
        .onOwner()
        .ifPresent(f -> checkExecutable(out, host, "notify.on-owner", f));
    config
        .notifications()
        .onRelease()
        .ifPresent(f -> checkExecutable(out, host, "notify.on-release", f));
    for (HealthCheckConfig check : config.healthChecks().values()) {
      if (check instanceof HealthCheckConfig.Exec exec) {
        checkExecutable(
            out,
            host,
            "health-checks." + exec.name() + ".command[0]",
            Path.of(exec.command().get(0)));
      }
    }
    return List.copyOf(out);
  }

  private static void checkInterface(
      List<ConfigViolation> out, List<String> interfaces, String path, String name) {
    if (!interfaces.contains(name)) {
      out.add(
          ConfigViolation.of(
              path,
              "no interface "
                  + Texts.quote(name)
                  + " on this host (have: "
                  + Texts.list(interfaces)
                  + ")"));
    }
  }

  /** A specific listen or advertised address must be one of this host's. */
  private static void checkLocal(
      List<ConfigViolation> out, Set<IpAddress> addresses, String path, HostPort endpoint) {
    endpoint
        .ip()
        .filter(ip -> !ip.isWildcard() && !addresses.contains(ip))
        .ifPresent(
            ip -> {
              List<String> have =
                  addresses.stream().map(IpAddress::text).sorted().collect(Collectors.toList());
              String listed =
                  have.size() > LISTED_ADDRESS_COUNT_MAX
                      ? Texts.list(have.subList(0, LISTED_ADDRESS_COUNT_MAX)) + ", ..."
                      : Texts.list(have);
              out.add(
                  ConfigViolation.of(
                      path, ip + " is not an address of this host (have: " + listed + ")"));
            });
  }

  private static void checkReadable(List<ConfigViolation> out, Host host, String path, Path file) {
    if (!host.isReadableFile(file)) {
      out.add(
          ConfigViolation.of(
              path,
              "cannot read "
                  + Texts.quote(file.toString())
                  + " (missing, not a regular file, or not readable by this user)"));
    }
  }

  private static void checkExecutable(
      List<ConfigViolation> out, Host host, String path, Path file) {
    if (!host.isExecutableFile(file)) {
      out.add(
          ConfigViolation.of(
              path,
              "cannot run "
                  + Texts.quote(file.toString())
                  + " (missing, not a regular file, or not executable by this user)"));
    }
  }
}
