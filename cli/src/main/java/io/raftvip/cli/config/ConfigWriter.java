package io.raftvip.cli.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Writes an {@link AgentConfig} as YAML that {@link ConfigParser} reads back to an equal config,
 * with every default written out: the effective configuration of a node.
 */
public final class ConfigWriter {

  private ConfigWriter() {}

  /** {@code config} as YAML text, sections in the documented order. */
  public static String toYaml(AgentConfig config) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("node", node(config.node()));
    root.put("cluster", cluster(config.cluster()));
    root.put("admin", admin(config.admin()));
    config
        .tls()
        .ifPresent(
            t -> {
              Map<String, Object> tls = new LinkedHashMap<>();
              tls.put("cert", t.certFile().toString());
              tls.put("key", t.keyFile().toString());
              tls.put("ca", t.caFile().toString());
              root.put("tls", tls);
            });
    config.metrics().ifPresent(m -> root.put("metrics", Map.of("listen", m.listen().toString())));
    root.put("timing", timing(config.timing()));
    root.put("announce", announce(config.announce()));
    Map<String, Object> checks = new LinkedHashMap<>();
    config.healthChecks().forEach((name, check) -> checks.put(name, healthCheck(check)));
    root.put("health-checks", checks);
    List<Object> vips = new ArrayList<>();
    config.vips().forEach(v -> vips.add(vip(v)));
    root.put("vips", vips);
    root.put("notify", notify(config.notifications()));

    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndent(2);
    options.setIndicatorIndent(2);
    options.setIndentWithIndicator(true);
    options.setSplitLines(false);
    return new Yaml(options).dump(root);
  }

  private static Map<String, Object> node(NodeConfig n) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", n.id());
    m.put("storage-dir", n.storageDir().toString());
    m.put("interface", n.interfaceName());
    return m;
  }

  private static Map<String, Object> cluster(ClusterConfig c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", c.id().toString());
    List<Object> peers = new ArrayList<>();
    for (PeerConfig p : c.peers()) {
      Map<String, Object> peer = new LinkedHashMap<>();
      peer.put("id", p.id());
      peer.put("raft", p.raftAddress().toString());
      peer.put("admin", p.adminAddress().toString());
      peer.put("lease", p.leaseAddress().toString());
      peers.add(peer);
    }
    m.put("peers", peers);
    return m;
  }

  private static Map<String, Object> admin(AdminConfig a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("listen", a.listen().toString());
    a.tokenFile().ifPresent(t -> m.put("token-file", t.toString()));
    return m;
  }

  private static Map<String, Object> timing(TimingConfig t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("lease", Units.formatDuration(t.lease()));
    m.put("renew-interval", Units.formatDuration(t.renewInterval()));
    m.put("leader-lease-ping", Units.formatDuration(t.leaderLeasePing()));
    m.put("raft-rpc-timeout-min", Units.formatDuration(t.raftRpcTimeoutMin()));
    m.put("raft-rpc-timeout-max", Units.formatDuration(t.raftRpcTimeoutMax()));
    m.put("clock-drift-bound", Units.formatPercentPpm(t.clockDriftBoundPpm()));
    m.put("fence-precision", Units.formatDuration(t.fencePrecision()));
    m.put("expiry-margin", Units.formatDuration(t.expiryMargin()));
    m.put("move-hold-down", Units.formatDuration(t.moveHoldDown()));
    return m;
  }

  private static Map<String, Object> announce(AnnounceConfig a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", a.count());
    m.put("interval", Units.formatDuration(a.interval()));
    m.put("refresh", Units.formatDuration(a.refresh()));
    return m;
  }

  private static Map<String, Object> healthCheck(HealthCheckConfig check) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", check.type());
    if (check instanceof HealthCheckConfig.Tcp tcp) {
      m.put("target", tcp.target().toString());
    } else if (check instanceof HealthCheckConfig.Http http) {
      m.put("url", http.url().toString());
      m.put("expect-status", http.expectStatus());
    } else if (check instanceof HealthCheckConfig.Exec exec) {
      m.put("command", exec.command());
    }
    CheckSchedule s = check.schedule();
    m.put("interval", Units.formatDuration(s.interval()));
    m.put("timeout", Units.formatDuration(s.timeout()));
    m.put("rise", s.rise());
    m.put("fall", s.fall());
    return m;
  }

  private static Map<String, Object> vip(VipConfig v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", v.name());
    m.put("address", v.address().toString());
    v.interfaceName().ifPresent(i -> m.put("interface", i));
    v.vrid().ifPresent(r -> m.put("vrid", r));
    if (!v.priorities().isEmpty()) {
      m.put("priorities", new LinkedHashMap<>(v.priorities()));
    }
    m.put("preempt", v.preempt());
    m.put("health-checks", v.healthChecks());
    return m;
  }

  private static Map<String, Object> notify(NotifyConfig n) {
    Map<String, Object> m = new LinkedHashMap<>();
    n.onOwner().ifPresent(p -> m.put("on-owner", p.toString()));
    n.onRelease().ifPresent(p -> m.put("on-release", p.toString()));
    m.put("timeout", Units.formatDuration(n.timeout()));
    return m;
  }
}
