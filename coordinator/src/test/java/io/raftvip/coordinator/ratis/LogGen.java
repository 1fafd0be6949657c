package io.raftvip.coordinator.ratis;

import io.raftvip.coordinator.core.Assignment;
import io.raftvip.coordinator.core.AssignmentChange;
import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.Ineligibility;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.NodeInfo;
import io.raftvip.coordinator.core.NodeStatus;
import io.raftvip.coordinator.core.Outcome;
import io.raftvip.coordinator.core.Rejection;
import io.raftvip.coordinator.core.ReleaseTarget;
import io.raftvip.coordinator.core.Transitions;
import io.raftvip.coordinator.core.Vip;
import io.raftvip.coordinator.core.VipAddress;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.VipSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Seeded generator of valid core values for codec round trips: every command kind, every rejection
 * kind, and states that satisfy {@link ClusterState#checkInvariants()}. The same seed gives the
 * same values; tests print the seed on failure.
 */
final class LogGen {

  private static final String[] CHECKS = {"http", "dns", "db-1", "x"};
  private static final String[] IFNAMES = {"eth0", "bond0.100", "br-lan", "veth_a-b"};

  private final SplittableRandom r;

  LogGen(long seed) {
    this.r = new SplittableRandom(seed);
  }

  int nextInt(int bound) {
    return r.nextInt(bound);
  }

  NodeId nodeId() {
    switch (r.nextInt(4)) {
      case 0:
        return NodeId.of("node-" + Integer.toHexString(r.nextInt(1 << 20)) + "." + r.nextInt(9));
      case 1:
        return NodeId.of("N_" + r.nextInt(1000));
      default:
        return NodeId.of("n" + (1 + r.nextInt(6)));
    }
  }

  VipName vipName() {
    return r.nextInt(3) == 0
        ? VipName.of(Integer.toString(r.nextInt(100_000), 36) + "-" + r.nextInt(10))
        : VipName.of("vip-" + r.nextInt(40));
  }

  VipAddress address() {
    if (r.nextBoolean()) {
      int prefix = r.nextBoolean() ? 24 : 32;
      return VipAddress.parse(
          "198.18." + r.nextInt(256) + "." + (1 + r.nextInt(254)) + "/" + prefix);
    }
    int prefix = r.nextBoolean() ? 64 : 128;
    String tail = Integer.toHexString(1 + r.nextInt(0xfffe));
    String mid = r.nextBoolean() ? "" : Integer.toHexString(1 + r.nextInt(0xfffe)) + ":";
    return VipAddress.parse("2001:db8::" + mid + tail + "/" + prefix);
  }

  VipSpec spec() {
    TreeMap<NodeId, Integer> priorities = new TreeMap<>();
    int n = r.nextInt(4);
    for (int i = 0; i < n; i++) {
      priorities.put(nodeId(), r.nextInt(256));
    }
    TreeSet<String> checks = new TreeSet<>();
    for (String c : CHECKS) {
      if (r.nextInt(3) == 0) {
        checks.add(c);
      }
    }
    return new VipSpec(
        vipName(),
        address(),
        r.nextBoolean() ? Optional.empty() : Optional.of(IFNAMES[r.nextInt(IFNAMES.length)]),
        r.nextBoolean() ? OptionalInt.empty() : OptionalInt.of(1 + r.nextInt(255)),
        priorities,
        r.nextBoolean(),
        checks);
  }

  long epoch() {
    return r.nextInt(4) == 0 ? r.nextLong(1, Long.MAX_VALUE) : 1 + r.nextInt(100_000);
  }

  Command command() {
    switch (r.nextInt(12)) {
      case 11:
        {
          List<VipSpec> specs = new ArrayList<>();
          int n = r.nextInt(4);
          for (int i = 0; i < n; i++) {
            specs.add(spec());
          }
          return new Command.Bootstrap(specs);
        }
      case 0:
        return new Command.CreateVip(spec());
      case 1:
        return new Command.UpdateVip(spec());
      case 2:
        return new Command.DeleteVip(vipName());
      case 3:
        return new Command.JoinNode(
            nodeId(),
            r.nextBoolean() ? "10.0.0." + r.nextInt(256) + ":9000" : "[2001:db8::1]:7000");
      case 4:
        return new Command.RemoveNode(nodeId());
      case 5:
        return new Command.SetDrained(nodeId(), r.nextBoolean());
      case 6:
        return new Command.ReportHealth(
            nodeId(), CHECKS[r.nextInt(CHECKS.length)], r.nextBoolean());
      case 7:
        return new Command.MoveVip(
            vipName(),
            r.nextBoolean() ? Optional.of(nodeId()) : Optional.empty(),
            r.nextBoolean() ? OptionalLong.of(epoch()) : OptionalLong.empty());
      case 8:
        return new Command.Release(vipName(), epoch(), nodeId());
      case 9:
        return new Command.ExpireNode(
            nodeId(),
            epoch(),
            r.nextInt(1000),
            r.nextBoolean() ? Optional.of(nodeId()) : Optional.empty());
      default:
        return new Command.Assign(vipName(), nodeId(), epoch());
    }
  }

  Rejection rejection() {
    switch (r.nextInt(20)) {
      case 18:
        return new Rejection.AlreadyBootstrapped();
      case 0:
        return new Rejection.UnknownVip(vipName());
      case 1:
        return new Rejection.VipExists(vipName());
      case 2:
        return new Rejection.AddressInUse(address(), vipName());
      case 3:
        return new Rejection.VirtualRouterIdInUse(1 + r.nextInt(255), vipName());
      case 4:
        return new Rejection.ImmutableField(vipName(), "address", "198.18.0.1/24", "198.18.0.2/24");
      case 5:
        return new Rejection.UnknownNode(nodeId());
      case 6:
        return new Rejection.RaftAddressInUse("10.0.0.1:9000", nodeId());
      case 7:
        return new Rejection.NodeExpired(nodeId());
      case 8:
        return new Rejection.StaleIncarnation(nodeId(), epoch(), epoch());
      case 9:
        {
          List<VipName> vips = new ArrayList<>();
          for (int i = r.nextInt(4); i > 0; i--) {
            vips.add(vipName());
          }
          return new Rejection.NodeHoldsVips(nodeId(), vips);
        }
      case 10:
        return new Rejection.StaleEpoch(vipName(), epoch(), epoch());
      case 11:
        return new Rejection.NotReleasing(
            vipName(), Assignment.State.values()[r.nextInt(Assignment.State.values().length)]);
      case 12:
        return new Rejection.NotOwner(
            vipName(), nodeId(), r.nextBoolean() ? Optional.of(nodeId()) : Optional.empty());
      case 13:
        return new Rejection.VipHeld(vipName(), nodeId());
      case 14:
        return new Rejection.VipUnowned(vipName());
      case 15:
        return new Rejection.VipReleasing(vipName(), nodeId());
      case 16:
        return new Rejection.NotEligible(
            vipName(), nodeId(), Ineligibility.values()[r.nextInt(Ineligibility.values().length)]);
      case 17:
        return new Rejection.NoEligibleTarget(vipName(), nodeId());
      default:
        return new Rejection.TargetIsOwner(vipName(), nodeId());
    }
  }

  Outcome outcome() {
    if (r.nextBoolean()) {
      return new Outcome.Rejected(rejection());
    }
    List<AssignmentChange> changes = new ArrayList<>();
    for (int i = r.nextInt(4); i > 0; i--) {
      changes.add(
          new AssignmentChange(
              vipName(),
              r.nextBoolean() ? Optional.of(nodeId()) : Optional.empty(),
              r.nextBoolean() ? Optional.of(nodeId()) : Optional.empty(),
              epoch(),
              Assignment.State.values()[r.nextInt(Assignment.State.values().length)],
              AssignmentChange.Cause.values()[r.nextInt(AssignmentChange.Cause.values().length)]));
    }
    return new Outcome.Accepted(r.nextBoolean(), changes);
  }

  /** A state built directly: any mix of node statuses and assignments the invariants allow. */
  ClusterState state() {
    long lastChange = 1 + r.nextInt(1_000_000);
    TreeMap<NodeId, NodeInfo> nodes = new TreeMap<>();
    for (int i = r.nextInt(6); i > 0; i--) {
      NodeId id = nodeId();
      TreeMap<String, Boolean> health = new TreeMap<>();
      for (String c : CHECKS) {
        if (r.nextBoolean()) {
          health.put(c, r.nextBoolean());
        }
      }
      nodes.put(
          id,
          new NodeInfo(
              id,
              "10.0." + r.nextInt(256) + "." + r.nextInt(256) + ":" + (1 + r.nextInt(65535)),
              health,
              r.nextBoolean(),
              r.nextInt(4) == 0 ? NodeStatus.EXPIRED : NodeStatus.ACTIVE,
              1 + r.nextInt(1_000_000)));
    }
    List<NodeId> active =
        nodes.values().stream()
            .filter(n -> n.status() == NodeStatus.ACTIVE)
            .map(NodeInfo::id)
            .toList();
    TreeMap<VipName, Vip> vips = new TreeMap<>();
    for (int i = r.nextInt(9); i > 0; i--) {
      VipSpec spec = spec();
      long epoch = 1 + r.nextLong(lastChange);
      Assignment a;
      int kind = active.isEmpty() ? 0 : r.nextInt(3);
      if (kind == 0) {
        a = new Assignment.Unowned(epoch);
      } else {
        NodeId owner = active.get(r.nextInt(active.size()));
        if (kind == 1) {
          a = new Assignment.Owned(owner, epoch);
        } else {
          ReleaseTarget t;
          switch (r.nextInt(3)) {
            case 0:
              t = new ReleaseTarget.ToNode(nodeId());
              break;
            case 1:
              t = ReleaseTarget.PLACEMENT;
              break;
            default:
              t = ReleaseTarget.DELETE;
          }
          a = new Assignment.Releasing(owner, epoch, t);
        }
      }
      vips.put(spec.name(), new Vip(spec, a));
    }
    ClusterState s = new ClusterState(vips, nodes, lastChange, r.nextBoolean());
    s.checkInvariants();
    return s;
  }

  /** A state reached the way replicas reach it: random commands applied through the core. */
  ClusterState appliedState(int commands) {
    ClusterState s = ClusterState.EMPTY;
    long index = 0;
    for (int i = 0; i < commands; i++) {
      s = Transitions.apply(s, plausibleCommand(s), ++index).next();
    }
    return s;
  }

  /** Commands biased towards the state's own VIPs and nodes, so that many are accepted. */
  Command plausibleCommand(ClusterState s) {
    List<NodeId> nodes = new ArrayList<>(s.nodes().keySet());
    List<Vip> vips = new ArrayList<>(s.vips().values());
    NodeId node =
        nodes.isEmpty() || r.nextInt(5) == 0
            ? NodeId.of("n" + (1 + r.nextInt(4)))
            : nodes.get(r.nextInt(nodes.size()));
    Vip vip = vips.isEmpty() ? null : vips.get(r.nextInt(vips.size()));
    switch (r.nextInt(9)) {
      case 0:
        return new Command.JoinNode(node, node.value() + ".example:9000");
      case 1:
        return new Command.ReportHealth(node, CHECKS[r.nextInt(2)], r.nextInt(4) != 0);
      case 2:
        return new Command.SetDrained(node, r.nextInt(4) == 0);
      case 3:
        if (vip != null) {
          return new Command.Assign(vip.name(), node, vip.assignment().epoch());
        }
        return new Command.CreateVip(spec());
      case 4:
        if (vip != null) {
          return new Command.MoveVip(
              vip.name(),
              r.nextBoolean() ? Optional.of(node) : Optional.empty(),
              OptionalLong.empty());
        }
        return new Command.CreateVip(spec());
      case 5:
        if (vip != null && vip.assignment() instanceof Assignment.Releasing rel) {
          return new Command.Release(vip.name(), rel.epoch(), rel.owner());
        }
        return new Command.CreateVip(
            spec().withHealthChecks(new TreeSet<>()).withPriorities(new TreeMap<>()));
      case 6:
        {
          var info = s.node(node);
          if (info.isPresent()) {
            return new Command.ExpireNode(node, info.get().incarnation(), 1, Optional.empty());
          }
          return new Command.JoinNode(node, node.value() + ".example:9000");
        }
      case 7:
        return vip != null && r.nextInt(3) == 0
            ? new Command.DeleteVip(vip.name())
            : new Command.CreateVip(spec());
      default:
        return new Command.CreateVip(spec());
    }
  }
}
