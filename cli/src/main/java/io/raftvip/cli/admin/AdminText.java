package io.raftvip.cli.admin;

import io.raftvip.cli.config.HostPort;
import io.raftvip.proto.admin.v1.ClusterStatus;
import io.raftvip.proto.admin.v1.Event;
import io.raftvip.proto.admin.v1.Node;
import io.raftvip.proto.admin.v1.Vip;
import io.raftvip.proto.admin.v1.VipSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/** The human forms of the admin answers: tables and key/value blocks. Pure. */
final class AdminText {

  private static final String NONE = "-";

  private AdminText() {}

  static String vipTable(List<Vip> vips) {
    Table t = new Table("NAME", "ADDRESS", "STATE", "OWNER", "EPOCH", "INTERFACE", "VRID", "MODE");
    for (Vip v : vips) {
      VipSpec s = v.getSpec();
      t.row(
          s.getName(),
          s.getAddress().getCidr(),
          state(v),
          orNone(v.getOwner()),
          Long.toUnsignedString(v.getEpoch()),
          orNone(s.getInterface()),
          s.getVrid() == 0 ? NONE : Integer.toUnsignedString(s.getVrid()),
          s.getPreempt() ? "preempt" : "sticky");
    }
    return t.render();
  }

  static String vipDetail(Vip v) {
    VipSpec s = v.getSpec();
    Table t = new Table("name:", s.getName());
    t.row("address:", s.getAddress().getCidr());
    t.row("state:", state(v));
    t.row("owner:", orNone(v.getOwner()));
    t.row("epoch:", Long.toUnsignedString(v.getEpoch()));
    if (!v.getMoveTarget().isEmpty()) {
      t.row("moving to:", v.getMoveTarget());
    }
    t.row("lease left:", v.getLeaseRemainingMs() < 0 ? NONE : v.getLeaseRemainingMs() + " ms");
    t.row(
        "announced:",
        v.getLastAnnouncementUnixMs() == 0
            ? "never"
            : Instant.ofEpochMilli(v.getLastAnnouncementUnixMs()).toString());
    t.row("interface:", s.getInterface().isEmpty() ? "(node default)" : s.getInterface());
    t.row("vrid:", s.getVrid() == 0 ? "none" : Integer.toUnsignedString(s.getVrid()));
    t.row("mode:", s.getPreempt() ? "preempt" : "sticky");
    t.row("priorities:", priorities(s.getPrioritiesMap()));
    t.row(
        "health checks:",
        s.getHealthChecksCount() == 0 ? "none" : String.join(", ", s.getHealthChecksList()));
    return t.render();
  }

  static String nodeTable(List<Node> nodes) {
    Table t = new Table("ID", "STATUS", "ROLE", "DRAINED", "VIPS", "HEALTH", "RAFT", "ADMIN");
    for (Node n : nodes) {
      t.row(
          n.getId(),
          AdminJson.enumName(n.getStatus().name(), "NODE_STATUS_"),
          n.getLeader() ? "leader" : "follower",
          n.getDrained() ? "yes" : "no",
          n.getOwnedVipsCount() == 0 ? NONE : String.join(",", n.getOwnedVipsList()),
          health(n.getHealthMap()),
          orNone(n.getRaftAddress()),
          orNone(n.getAdminAddress()));
    }
    return t.render();
  }

  static String nodeDetail(Node n) {
    return nodeTable(List.of(n));
  }

  static String status(ClusterStatus s, HostPort endpoint) {
    Table t = new Table("cluster:", s.getClusterId());
    t.row(
        "leader:",
        (s.getLeaderId().isEmpty() ? "none" : s.getLeaderId())
            + " (term "
            + Long.toUnsignedString(s.getTerm())
            + ")");
    t.row("quorum:", s.getHasQuorum() ? "yes" : "NO");
    t.row(
        "commit index:",
        Long.toUnsignedString(s.getCommitIndex())
            + " (applied "
            + Long.toUnsignedString(s.getAppliedIndex())
            + " on "
            + orNone(s.getAnsweredBy())
            + ")");
    t.row("answered by:", orNone(s.getAnsweredBy()) + (endpoint == null ? "" : " via " + endpoint));
    return t.render() + "\n" + nodeTable(s.getNodesList());
  }

  /** One line per event: {@code #INDEX TIME TYPE details}. */
  static String event(Event e) {
    String head =
        "#" + Long.toUnsignedString(e.getIndex()) + " " + Instant.ofEpochMilli(e.getUnixMs()) + " ";
    return head
        + switch (e.getKindCase()) {
          case VIP_ASSIGNED -> {
            var a = e.getVipAssigned();
            yield "vip_assigned "
                + a.getVip()
                + " -> "
                + a.getOwner()
                + " epoch "
                + Long.toUnsignedString(a.getEpoch())
                + reason(a.getReason());
          }
          case VIP_RELEASED -> {
            var r = e.getVipReleased();
            yield "vip_released "
                + r.getVip()
                + " from "
                + r.getPreviousOwner()
                + " epoch "
                + Long.toUnsignedString(r.getEpoch())
                + reason(r.getReason());
          }
          case VIP_CHANGED -> {
            var c = e.getVipChanged();
            yield "vip_changed "
                + c.getVip().getSpec().getName()
                + (c.getDeleted() ? " deleted" : " " + c.getVip().getSpec().getAddress().getCidr());
          }
          case NODE_CHANGED -> {
            var c = e.getNodeChanged();
            yield "node_changed "
                + c.getNode().getId()
                + (c.getRemoved()
                    ? " removed"
                    : " "
                        + AdminJson.enumName(c.getNode().getStatus().name(), "NODE_STATUS_")
                        + (c.getNode().getDrained() ? " drained" : ""));
          }
          case LEADER_CHANGED -> {
            var c = e.getLeaderChanged();
            yield "leader_changed "
                + (c.getLeaderId().isEmpty() ? "none" : c.getLeaderId())
                + " term "
                + Long.toUnsignedString(c.getTerm());
          }
          default -> "unknown event";
        };
  }

  private static String reason(String reason) {
    return reason.isEmpty() ? "" : " (" + reason + ")";
  }

  private static String state(Vip v) {
    return AdminJson.enumName(v.getState().name(), "OWNERSHIP_STATE_");
  }

  private static String priorities(Map<String, Integer> priorities) {
    if (priorities.isEmpty()) {
      return "every node 100";
    }
    StringJoiner j = new StringJoiner(", ");
    new TreeMap<>(priorities).forEach((k, p) -> j.add(k + "=" + Integer.toUnsignedString(p)));
    return j.toString();
  }

  private static String health(Map<String, Boolean> health) {
    if (health.isEmpty()) {
      return NONE;
    }
    StringJoiner j = new StringJoiner(",");
    new TreeMap<>(health).forEach((k, ok) -> j.add(k + (ok ? ":ok" : ":FAIL")));
    return j.toString();
  }

  private static String orNone(String s) {
    return s.isEmpty() ? NONE : s;
  }
}
