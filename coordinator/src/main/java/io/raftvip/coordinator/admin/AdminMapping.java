package io.raftvip.coordinator.admin;

import io.raftvip.coordinator.core.Assignment;
import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.NodeInfo;
import io.raftvip.coordinator.core.NodeStatus;
import io.raftvip.coordinator.core.ReleaseTarget;
import io.raftvip.coordinator.core.Vip;
import io.raftvip.coordinator.core.VipAddress;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.proto.admin.v1.Node;
import io.raftvip.proto.admin.v1.OwnershipState;
import io.raftvip.proto.common.v1.IpPrefix;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Converts admin-API messages to core types and back. Every bad field becomes INVALID_ARGUMENT
 * naming it ({@code spec.address: ...}), so nothing malformed reaches the log.
 */
public final class AdminMapping {

  /** Longest name or address string looked at; longer input is refused before parsing. */
  static final int TEXT_LENGTH_MAX = 256;

  private AdminMapping() {}

  /** The core spec of an admin {@code VipSpec}. */
  public static VipSpec spec(io.raftvip.proto.admin.v1.VipSpec p) {
    VipName name = vipName("spec.name", p.getName());
    if (!p.hasAddress() || p.getAddress().getCidr().isEmpty()) {
      throw AdminStatus.invalid(
          "spec.address", "is missing; give address/prefix, e.g. 198.18.0.200/24");
    }
    String cidr = bounded("spec.address", p.getAddress().getCidr());
    VipAddress address;
    try {
      address = VipAddress.parse(cidr);
    } catch (IllegalArgumentException e) {
      throw AdminStatus.invalid("spec.address", e.getMessage());
    }
    Optional<String> iface =
        p.getInterface().isEmpty()
            ? Optional.empty()
            : Optional.of(bounded("spec.interface", p.getInterface()));
    if (p.getVrid() > 255) {
      throw AdminStatus.invalid(
          "spec.vrid",
          Integer.toUnsignedString(p.getVrid()) + " is not 0 (no virtual MAC) or 1..255");
    }
    OptionalInt vrid = p.getVrid() == 0 ? OptionalInt.empty() : OptionalInt.of(p.getVrid());
    TreeMap<NodeId, Integer> priorities = new TreeMap<>();
    for (Map.Entry<String, Integer> e : p.getPrioritiesMap().entrySet()) {
      NodeId node = nodeId("spec.priorities", e.getKey());
      long value = Integer.toUnsignedLong(e.getValue());
      if (value > 255) {
        throw AdminStatus.invalid(
            "spec.priorities[" + e.getKey() + "]", value + " is not a priority 0..255");
      }
      priorities.put(node, (int) value);
    }
    TreeSet<String> checks = new TreeSet<>();
    for (int i = 0; i < p.getHealthChecksCount(); i++) {
      String check = bounded("spec.health_checks[" + i + "]", p.getHealthChecks(i));
      try {
        VipSpec.checkHealthCheckName(check);
      } catch (IllegalArgumentException e) {
        throw AdminStatus.invalid("spec.health_checks[" + i + "]", e.getMessage());
      }
      checks.add(check);
    }
    try {
      return new VipSpec(name, address, iface, vrid, priorities, p.getPreempt(), checks);
    } catch (IllegalArgumentException e) {
      throw AdminStatus.invalid("spec", e.getMessage());
    }
  }

  /** A VIP name from field {@code field}. */
  public static VipName vipName(String field, String value) {
    if (value.isEmpty()) {
      throw AdminStatus.invalid(field, "is missing; give the VIP's name");
    }
    try {
      return VipName.of(bounded(field, value));
    } catch (IllegalArgumentException e) {
      throw AdminStatus.invalid(field, e.getMessage());
    }
  }

  /** A node id from field {@code field}. */
  public static NodeId nodeId(String field, String value) {
    if (value.isEmpty()) {
      throw AdminStatus.invalid(field, "is missing; give a node id");
    }
    try {
      return NodeId.of(bounded(field, value));
    } catch (IllegalArgumentException e) {
      throw AdminStatus.invalid(field, e.getMessage());
    }
  }

  private static String bounded(String field, String value) {
    if (value.length() > TEXT_LENGTH_MAX) {
      throw AdminStatus.invalid(
          field, "is " + value.length() + " characters long; at most " + TEXT_LENGTH_MAX);
    }
    return value;
  }

  /** The admin form of a core spec. */
  public static io.raftvip.proto.admin.v1.VipSpec toProto(VipSpec s) {
    io.raftvip.proto.admin.v1.VipSpec.Builder b =
        io.raftvip.proto.admin.v1.VipSpec.newBuilder()
            .setName(s.name().value())
            .setAddress(IpPrefix.newBuilder().setCidr(s.address().cidr()))
            .setInterface(s.interfaceName().orElse(""))
            .setVrid(s.vrid().orElse(0))
            .setPreempt(s.preempt())
            .addAllHealthChecks(s.healthChecks());
    s.priorities().forEach((n, p) -> b.putPriorities(n.value(), p));
    return b.build();
  }

  /** The admin form of a VIP; lease and announcement figures are not known here (-1 and 0). */
  public static io.raftvip.proto.admin.v1.Vip toProto(Vip v) {
    io.raftvip.proto.admin.v1.Vip.Builder b =
        io.raftvip.proto.admin.v1.Vip.newBuilder()
            .setSpec(toProto(v.spec()))
            .setEpoch(v.assignment().epoch())
            .setLeaseRemainingMs(-1);
    Assignment a = v.assignment();
    if (a instanceof Assignment.Unowned) {
      b.setState(OwnershipState.OWNERSHIP_STATE_UNOWNED);
    } else if (a instanceof Assignment.Owned o) {
      b.setState(OwnershipState.OWNERSHIP_STATE_OWNED).setOwner(o.owner().value());
    } else if (a instanceof Assignment.Releasing r) {
      b.setState(OwnershipState.OWNERSHIP_STATE_RELEASING).setOwner(r.owner().value());
      if (r.target() instanceof ReleaseTarget.ToNode t) {
        b.setMoveTarget(t.node().value());
      }
    }
    return b.build();
  }

  /**
   * The admin form of a node.
   *
   * @param adminAddress its admin API address, "" when unknown
   * @param leader whether it is the leader as this node knows it
   */
  public static Node toProto(NodeInfo n, ClusterState state, String adminAddress, boolean leader) {
    Node.Builder b =
        Node.newBuilder()
            .setId(n.id().value())
            .setRaftAddress(n.raftAddress())
            .setAdminAddress(adminAddress)
            .setStatus(
                n.status() == NodeStatus.ACTIVE
                    ? io.raftvip.proto.admin.v1.NodeStatus.NODE_STATUS_ACTIVE
                    : io.raftvip.proto.admin.v1.NodeStatus.NODE_STATUS_EXPIRED)
            .setDrained(n.drained())
            .setLeader(leader)
            .putAllHealth(n.health());
    for (Vip v : state.heldBy(n.id())) {
      b.addOwnedVips(v.name().value());
    }
    return b.build();
  }
}
