package io.raftvip.cli.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The whole agent configuration of one node, as read from its YAML file: immutable and valid by
 * construction (each section checks itself; this record checks how they relate).
 *
 * @param node this node
 * @param cluster the Raft group
 * @param admin the admin API listener
 * @param tls mutual TLS; empty = plaintext
 * @param metrics the metrics endpoint; empty = off
 * @param timing leases, Raft timeouts, hold-downs
 * @param announce G-ARP / NA bursts and refresh
 * @param healthChecks named checks VIPs can require, by name
 * @param vips bootstrap VIP definitions, applied once when the cluster is first formed
 * @param notifications programs run on ownership events ({@code notify:} in the file)
 */
public record AgentConfig(
    NodeConfig node,
    ClusterConfig cluster,
    AdminConfig admin,
    Optional<TlsConfig> tls,
    Optional<MetricsConfig> metrics,
    TimingConfig timing,
    AnnounceConfig announce,
    SortedMap<String, HealthCheckConfig> healthChecks,
    List<VipConfig> vips,
    NotifyConfig notifications) {

  public AgentConfig {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(admin, "admin");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(timing, "timing");
    Objects.requireNonNull(announce, "announce");
    Objects.requireNonNull(notifications, "notifications");
    healthChecks = Collections.unmodifiableSortedMap(new TreeMap<>(healthChecks));
    vips = List.copyOf(vips);
    List<ConfigViolation> errors = new ArrayList<>();
    check(
        node, cluster, admin, metrics.orElse(null), healthChecks, vips, errors, new ArrayList<>());
    if (!errors.isEmpty()) {
      throw new InvalidConfigException(errors);
    }
  }

  /** This node's own entry in {@code cluster.peers}. */
  public PeerConfig self() {
    return cluster.peer(node.id()).orElseThrow();
  }

  /** What is allowed but worth a line: one-member clusters, wildcard listeners, and the like. */
  public List<ConfigViolation> warnings() {
    List<ConfigViolation> warnings = new ArrayList<>();
    check(
        node,
        cluster,
        admin,
        metrics.orElse(null),
        healthChecks,
        vips,
        new ArrayList<>(),
        warnings);
    return List.copyOf(warnings);
  }

  /**
   * The rules that span sections, and every section's warnings. Any section may be null (it failed
   * to parse), and {@code vips} may hold nulls (entries that failed), so that one broken section
   * does not hide the errors of the others; a rule whose inputs are missing is skipped.
   */
  static void check(
      NodeConfig node,
      ClusterConfig cluster,
      AdminConfig admin,
      MetricsConfig metrics,
      Map<String, HealthCheckConfig> healthChecks,
      List<VipConfig> vips,
      List<ConfigViolation> errors,
      List<ConfigViolation> warnings) {
    Violations e = new Violations();
    Violations w = new Violations();
    if (cluster != null) {
      cluster.warnings().forEach(v -> w.add(v.under("cluster")));
    }
    if (admin != null) {
      admin.warnings().forEach(v -> w.add(v.under("admin")));
    }
    if (metrics != null) {
      metrics.warnings().forEach(v -> w.add(v.under("metrics")));
    }
    PeerConfig self = null;
    if (node != null && cluster != null) {
      self = cluster.peer(node.id()).orElse(null);
      if (self == null) {
        e.add(
            "cluster.peers",
            "no peer has this node's id "
                + Texts.quote(node.id())
                + " (node.id); list every voting member, this node included");
      }
    }
    if (self != null && admin != null) {
      checkListeners(cluster, self, admin, metrics, e, w);
    }
    if (vips != null) {
      checkVips(node, cluster, healthChecks, vips, e);
    }
    errors.addAll(e.list());
    warnings.addAll(w.list());
  }

  private static void checkListeners(
      ClusterConfig cluster,
      PeerConfig self,
      AdminConfig admin,
      MetricsConfig metrics,
      Violations e,
      Violations w) {
    HostPort advertised = self.adminAddress();
    HostPort listen = admin.listen();
    if (listen.isWildcard() ? listen.port() != advertised.port() : !listen.equals(advertised)) {
      w.add(
          "admin.listen",
          listen
              + " differs from this node's advertised admin address "
              + advertised
              + " at {}, where other nodes and clients will look",
          ConfigPaths.index("cluster.peers", cluster.peers().indexOf(self)) + ".admin");
    }
    if (listen.clashesWith(self.raftAddress())) {
      e.add(
          "admin.listen", listen + " clashes with this node's raft address " + self.raftAddress());
    }
    if (listen.clashesWith(self.leaseAddress())) {
      e.add(
          "admin.listen",
          listen + " clashes with this node's lease address " + self.leaseAddress());
    }
    if (metrics != null) {
      HostPort m = metrics.listen();
      if (m.clashesWith(listen)) {
        e.add("metrics.listen", m + " clashes with admin.listen (" + listen + ")");
      }
      if (m.clashesWith(self.raftAddress())) {
        e.add("metrics.listen", m + " clashes with this node's raft address " + self.raftAddress());
      }
      if (m.clashesWith(self.leaseAddress())) {
        e.add(
            "metrics.listen", m + " clashes with this node's lease address " + self.leaseAddress());
      }
    }
  }

  private static void checkVips(
      NodeConfig node,
      ClusterConfig cluster,
      Map<String, HealthCheckConfig> healthChecks,
      List<VipConfig> vips,
      Violations e) {
    Map<String, Integer> names = new HashMap<>();
    Map<IpAddress, Integer> addresses = new HashMap<>();
    Map<IpAddress, String> peerAddresses = new HashMap<>();
    if (cluster != null) {
      for (int i = 0; i < cluster.peers().size(); i++) {
        PeerConfig p = cluster.peers().get(i);
        String at = ConfigPaths.index("cluster.peers", i);
        p.raftAddress().ip().ifPresent(ip -> peerAddresses.putIfAbsent(ip, at + ".raft"));
        p.adminAddress().ip().ifPresent(ip -> peerAddresses.putIfAbsent(ip, at + ".admin"));
      }
    }
    for (int i = 0; i < vips.size(); i++) {
      VipConfig vip = vips.get(i);
      if (vip == null) {
        continue;
      }
      String at = ConfigPaths.index("vips", i);
      Integer sameName = names.putIfAbsent(vip.name(), i);
      if (sameName != null) {
        e.add(
            at + ".name",
            "VIP name " + Texts.quote(vip.name()) + " is already used by {}",
            ConfigPaths.index("vips", sameName));
      }
      IpAddress ip = vip.address().address();
      Integer sameAddress = addresses.putIfAbsent(ip, i);
      if (sameAddress != null) {
        VipConfig other = vips.get(sameAddress);
        String otherAt = ConfigPaths.index("vips", sameAddress);
        if (other.address().prefixLength() == vip.address().prefixLength()) {
          e.add(
              at + ".address",
              vip.address()
                  + " is already the address of VIP "
                  + Texts.quote(other.name())
                  + " at {}",
              otherAt);
        } else {
          e.add(
              at + ".address",
              vip.address()
                  + " overlaps VIP "
                  + Texts.quote(other.name())
                  + " ("
                  + other.address()
                  + ") at {}: the same address with another prefix length",
              otherAt);
        }
      }
      String peerAt = peerAddresses.get(ip);
      if (peerAt != null) {
        e.add(
            at + ".address",
            ip + " belongs to a node, see {}; a VIP must be an address no node owns",
            peerAt);
      }
      if (vip.vrid().isPresent()) {
        checkVirtualMac(node, vips, i, e);
      }
      if (healthChecks != null) {
        for (int c = 0; c < vip.healthChecks().size(); c++) {
          String check = vip.healthChecks().get(c);
          if (!healthChecks.containsKey(check)) {
            e.add(
                at + ".health-checks[" + c + "]",
                "no health check "
                    + Texts.quote(check)
                    + " in health-checks"
                    + Texts.suggest(check, healthChecks.keySet())
                        .map(s -> " (did you mean " + Texts.quote(s) + "?)")
                        .orElse(
                            healthChecks.isEmpty()
                                ? ""
                                : " (defined: " + Texts.list(healthChecks.keySet()) + ")"));
          }
        }
      }
      if (cluster != null) {
        for (String peer : vip.priorities().keySet()) {
          if (cluster.peer(peer).isEmpty()) {
            e.add(
                at + ".priorities." + peer,
                "no peer "
                    + Texts.quote(peer)
                    + " in cluster.peers (have: "
                    + Texts.list(cluster.peers().stream().map(PeerConfig::id).toList())
                    + ")");
          }
        }
      }
    }
  }

  /** Two VIPs of one family with the same vrid on the same link would share a virtual MAC. */
  private static void checkVirtualMac(
      NodeConfig node, List<VipConfig> vips, int index, Violations e) {
    VipConfig vip = vips.get(index);
    for (int j = 0; j < index; j++) {
      VipConfig other = vips.get(j);
      if (other == null
          || other.vrid().isEmpty()
          || other.vrid().getAsInt() != vip.vrid().getAsInt()
          || other.address().address().family() != vip.address().address().family()) {
        continue;
      }
      boolean sameLink =
          node != null
              ? vip.interfaceOn(node.interfaceName())
                  .equals(other.interfaceOn(node.interfaceName()))
              : vip.interfaceName().equals(other.interfaceName());
      if (sameLink) {
        e.add(
            ConfigPaths.index("vips", index) + ".vrid",
            "vrid "
                + vip.vrid().getAsInt()
                + " is already used by VIP "
                + Texts.quote(other.name())
                + " at {} on the same interface: both would claim virtual MAC "
                + vip.virtualMac().orElseThrow(),
            ConfigPaths.index("vips", j));
        return;
      }
    }
  }
}
