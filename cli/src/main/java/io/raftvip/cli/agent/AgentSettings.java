package io.raftvip.cli.agent;

import io.raftvip.cli.config.AgentConfig;
import io.raftvip.cli.config.HostPort;
import io.raftvip.cli.config.PeerConfig;
import io.raftvip.cli.config.TimingConfig;
import io.raftvip.cli.config.VipConfig;
import io.raftvip.coordinator.api.RaftVipNode;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.VipAddress;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.coordinator.core.lease.TimingSettings;
import io.raftvip.coordinator.tls.TlsSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The coordinator's settings from a validated config: members, timing, bootstrap VIPs. Throws
 * {@link IllegalArgumentException} with the config key for what only the coordinator checks (the
 * lease arithmetic of docs/safety.md).
 */
public final class AgentSettings {

  private AgentSettings() {}

  /** Every voter as the coordinator wants it. */
  public static List<RaftVipNode.Member> members(AgentConfig c) {
    List<RaftVipNode.Member> out = new ArrayList<>();
    for (PeerConfig p : c.cluster().peers()) {
      HostPort raft = p.raftAddress();
      HostPort lease = p.leaseAddress();
      if (!lease.host().equals(raft.host())) {
        throw new IllegalArgumentException(
            "cluster.peers["
                + p.id()
                + "].lease: host "
                + lease.host()
                + " differs from the raft host "
                + raft.host()
                + "; the lease service must listen on the raft address's host");
      }
      out.add(new RaftVipNode.Member(NodeId.of(p.id()), raft.host(), raft.port(), lease.port()));
    }
    return out;
  }

  /**
   * The config's {@code tls} section as the coordinator takes it (files re-read every {@link
   * TlsSettings#RELOAD_INTERVAL_DEFAULT}); empty = plaintext everywhere.
   */
  public static Optional<TlsSettings> tls(AgentConfig c) {
    return c.tls().map(t -> TlsSettings.of(t.certFile(), t.keyFile(), t.caFile()));
  }

  /** Each member's admin address, for the admin API's answers. */
  public static Map<NodeId, String> adminAddresses(AgentConfig c) {
    Map<NodeId, String> out = new LinkedHashMap<>();
    for (PeerConfig p : c.cluster().peers()) {
      out.put(NodeId.of(p.id()), p.adminAddress().toString());
    }
    return out;
  }

  /** The lease timing; the coordinator validates the relations again (docs/safety.md). */
  public static TimingSettings timing(TimingConfig t) {
    try {
      return TimingSettings.builder()
          .leaseDurationMs(t.lease().toMillis())
          .renewIntervalMs(t.renewInterval().toMillis())
          .leaderLeasePingMs(t.leaderLeasePing().toMillis())
          .rpcTimeoutMinMs(t.raftRpcTimeoutMin().toMillis())
          .rpcTimeoutMaxMs(t.raftRpcTimeoutMax().toMillis())
          .driftBound(t.clockDriftBoundFraction())
          .fencePrecisionMs(t.fencePrecision().toMillis())
          .expiryMarginMs(t.expiryMargin().toMillis())
          .moveHoldDownMs(t.moveHoldDown().toMillis())
          .build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("timing: " + e.getMessage(), e);
    }
  }

  /** The VIPs of the file as core specs, in file order. */
  public static List<VipSpec> vips(AgentConfig c) {
    List<VipSpec> out = new ArrayList<>();
    for (VipConfig v : c.vips()) {
      TreeMap<NodeId, Integer> priorities = new TreeMap<>();
      v.priorities().forEach((node, p) -> priorities.put(NodeId.of(node), p));
      out.add(
          new VipSpec(
              VipName.of(v.name()),
              VipAddress.parse(v.address().toString()),
              v.interfaceName(),
              v.vrid(),
              priorities,
              v.preempt(),
              new TreeSet<>(v.healthChecks())));
    }
    return out;
  }

  /** This node's id. */
  public static NodeId self(AgentConfig c) {
    return NodeId.of(c.node().id());
  }

  /** The token file's path, if the admin API requires a token. */
  public static Optional<java.nio.file.Path> tokenFile(AgentConfig c) {
    return c.admin().tokenFile();
  }

  /** Registers the config's health checks on {@code b}. */
  public static void healthChecks(AgentConfig c, RaftVipNode.Builder b) {
    for (io.raftvip.cli.config.HealthCheckConfig h : c.healthChecks().values()) {
      io.raftvip.cli.config.CheckSchedule cs = h.schedule();
      io.raftvip.coordinator.health.HealthCheck check;
      if (h instanceof io.raftvip.cli.config.HealthCheckConfig.Tcp t) {
        check =
            new io.raftvip.coordinator.health.TcpCheck(
                t.target().host(), t.target().port(), cs.timeout());
      } else if (h instanceof io.raftvip.cli.config.HealthCheckConfig.Http t) {
        check =
            new io.raftvip.coordinator.health.HttpCheck(t.url(), t.expectStatus(), cs.timeout());
      } else if (h instanceof io.raftvip.cli.config.HealthCheckConfig.Exec t) {
        check = new io.raftvip.coordinator.health.ExecCheck(t.command(), cs.timeout());
      } else {
        throw new IllegalArgumentException(
            "health check " + h.name() + ": unknown type " + h.type());
      }
      b.healthCheck(
          h.name(),
          check,
          new io.raftvip.coordinator.health.CheckSchedule(cs.interval(), cs.rise(), cs.fall()));
    }
  }

  /**
   * The notify hooks of the config: {@code on-owner} when this node starts serving a VIP, {@code
   * on-release} whenever it stops (released, stopped, lease lost; the first argument says which).
   */
  public static Optional<io.raftvip.coordinator.notify.NotifyHooks> notifyHooks(AgentConfig c) {
    io.raftvip.cli.config.NotifyConfig n = c.notifications();
    if (n.onOwner().isEmpty() && n.onRelease().isEmpty()) {
      return Optional.empty();
    }
    var b = io.raftvip.coordinator.notify.NotifyHooks.builder().timeout(n.timeout());
    n.onOwner()
        .ifPresent(
            p ->
                b.script(
                    io.raftvip.coordinator.notify.NotifyHooks.Kind.BECAME_OWNER,
                    List.of(p.toString())));
    n.onRelease()
        .ifPresent(
            p -> {
              for (var k :
                  List.of(
                      io.raftvip.coordinator.notify.NotifyHooks.Kind.RELEASED,
                      io.raftvip.coordinator.notify.NotifyHooks.Kind.STOPPED,
                      io.raftvip.coordinator.notify.NotifyHooks.Kind.LEASE_LOST)) {
                b.script(k, List.of(p.toString()));
              }
            });
    return Optional.of(b.build());
  }
}
