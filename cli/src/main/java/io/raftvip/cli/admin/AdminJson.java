package io.raftvip.cli.admin;

import io.raftvip.cli.config.HostPort;
import io.raftvip.proto.admin.v1.ClusterStatus;
import io.raftvip.proto.admin.v1.Event;
import io.raftvip.proto.admin.v1.LeaderChanged;
import io.raftvip.proto.admin.v1.Node;
import io.raftvip.proto.admin.v1.NodeChanged;
import io.raftvip.proto.admin.v1.Vip;
import io.raftvip.proto.admin.v1.VipAssigned;
import io.raftvip.proto.admin.v1.VipChanged;
import io.raftvip.proto.admin.v1.VipReleased;
import io.raftvip.proto.admin.v1.VipSpec;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code --json} shapes of the admin commands, documented in docs/cli.md: camelCase names,
 * stable; absent values (empty strings, 0 epochs of "never", -1 "unknown") are {@code null} so that
 * scripts need not know the proto's sentinels. Pure.
 */
final class AdminJson {

  private AdminJson() {}

  static Map<String, Object> vip(Vip v) {
    VipSpec s = v.getSpec();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", s.getName());
    m.put("address", s.getAddress().getCidr());
    m.put("interface", emptyToNull(s.getInterface()));
    m.put("vrid", s.getVrid() == 0 ? null : (Object) Integer.toUnsignedLong(s.getVrid()));
    Map<String, Object> priorities = new TreeMap<>();
    s.getPrioritiesMap().forEach((k, p) -> priorities.put(k, Integer.toUnsignedLong(p)));
    m.put("priorities", priorities);
    m.put("preempt", s.getPreempt());
    m.put("healthChecks", new ArrayList<>(s.getHealthChecksList()));
    m.put("state", enumName(v.getState().name(), "OWNERSHIP_STATE_"));
    m.put("owner", emptyToNull(v.getOwner()));
    m.put("epoch", u64(v.getEpoch()));
    m.put("moveTarget", emptyToNull(v.getMoveTarget()));
    m.put("leaseRemainingMs", v.getLeaseRemainingMs() < 0 ? null : v.getLeaseRemainingMs());
    m.put(
        "lastAnnouncementUnixMs",
        v.getLastAnnouncementUnixMs() == 0 ? null : v.getLastAnnouncementUnixMs());
    return m;
  }

  static Map<String, Object> vips(List<Vip> vips) {
    List<Object> list = new ArrayList<>();
    vips.forEach(v -> list.add(vip(v)));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("vips", list);
    return m;
  }

  static Map<String, Object> node(Node n) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", n.getId());
    m.put("raftAddress", emptyToNull(n.getRaftAddress()));
    m.put("adminAddress", emptyToNull(n.getAdminAddress()));
    m.put("status", enumName(n.getStatus().name(), "NODE_STATUS_"));
    m.put("drained", n.getDrained());
    m.put("leader", n.getLeader());
    m.put("health", new TreeMap<>(n.getHealthMap()));
    m.put("ownedVips", new ArrayList<>(n.getOwnedVipsList()));
    return m;
  }

  static Map<String, Object> nodes(List<Node> nodes) {
    List<Object> list = new ArrayList<>();
    nodes.forEach(n -> list.add(node(n)));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("nodes", list);
    return m;
  }

  static Map<String, Object> status(ClusterStatus s, HostPort endpoint) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("clusterId", s.getClusterId());
    m.put("leaderId", emptyToNull(s.getLeaderId()));
    m.put("term", u64(s.getTerm()));
    m.put("commitIndex", u64(s.getCommitIndex()));
    m.put("appliedIndex", u64(s.getAppliedIndex()));
    m.put("hasQuorum", s.getHasQuorum());
    m.put("answeredBy", emptyToNull(s.getAnsweredBy()));
    m.put("endpoint", endpoint == null ? null : endpoint.toString());
    m.put("nodes", nodes(s.getNodesList()).get("nodes"));
    return m;
  }

  /**
   * One event: {@code index}, {@code unixMs}, {@code type}, then the fields of that type; {@code
   * vip} is always a VIP name and {@code node} always a node id, the full object (if any) is in
   * {@code detail}.
   */
  static Map<String, Object> event(Event e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("index", u64(e.getIndex()));
    m.put("unixMs", e.getUnixMs());
    switch (e.getKindCase()) {
      case VIP_ASSIGNED -> {
        VipAssigned a = e.getVipAssigned();
        m.put("type", "vip_assigned");
        m.put("vip", a.getVip());
        m.put("owner", a.getOwner());
        m.put("epoch", u64(a.getEpoch()));
        m.put("reason", emptyToNull(a.getReason()));
      }
      case VIP_RELEASED -> {
        VipReleased r = e.getVipReleased();
        m.put("type", "vip_released");
        m.put("vip", r.getVip());
        m.put("previousOwner", r.getPreviousOwner());
        m.put("epoch", u64(r.getEpoch()));
        m.put("reason", emptyToNull(r.getReason()));
      }
      case VIP_CHANGED -> {
        VipChanged c = e.getVipChanged();
        m.put("type", "vip_changed");
        m.put("vip", c.getVip().getSpec().getName());
        m.put("deleted", c.getDeleted());
        m.put("detail", vip(c.getVip()));
      }
      case NODE_CHANGED -> {
        NodeChanged c = e.getNodeChanged();
        m.put("type", "node_changed");
        m.put("node", c.getNode().getId());
        m.put("removed", c.getRemoved());
        m.put("detail", node(c.getNode()));
      }
      case LEADER_CHANGED -> {
        LeaderChanged c = e.getLeaderChanged();
        m.put("type", "leader_changed");
        m.put("leaderId", emptyToNull(c.getLeaderId()));
        m.put("term", u64(c.getTerm()));
      }
      default -> m.put("type", "unknown");
    }
    return m;
  }

  /** {@code OWNERSHIP_STATE_OWNED} -> {@code owned}; unknown values keep their name. */
  static String enumName(String name, String prefix) {
    String s = name.startsWith(prefix) ? name.substring(prefix.length()) : name;
    return s.toLowerCase(Locale.ROOT);
  }

  /** proto uint64 as a JSON number, correct above Long.MAX_VALUE too. */
  static Number u64(long v) {
    return v >= 0 ? (Number) v : new BigInteger(Long.toUnsignedString(v));
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }
}
