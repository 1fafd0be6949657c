package io.raftvip.coordinator.core;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A change to the replicated state, as written in the log. {@link Transitions#validate} checks one
 * against a state (the Ratis glue calls it in startTransaction); {@link Transitions#apply} checks
 * again and applies it deterministically at its log index.
 */
public sealed interface Command
    permits Command.CreateVip,
        Command.UpdateVip,
        Command.DeleteVip,
        Command.JoinNode,
        Command.RemoveNode,
        Command.SetDrained,
        Command.ReportHealth,
        Command.MoveVip,
        Command.Release,
        Command.ExpireNode,
        Command.Assign,
        Command.Bootstrap {

  /** Declares a new VIP; it starts unowned and the controller assigns it. */
  record CreateVip(VipSpec spec) implements Command {
    public CreateVip {
      Objects.requireNonNull(spec, "spec");
    }
  }

  /**
   * Replaces a VIP's priorities, preempt flag and health checks. Address, interface and vrid are
   * immutable (a holder is serving them): delete and create instead.
   */
  record UpdateVip(VipSpec spec) implements Command {
    public UpdateVip {
      Objects.requireNonNull(spec, "spec");
    }
  }

  /**
   * Deletes a VIP. Unowned: at once. Held: the holder is asked to release (RELEASING with target
   * delete) and its Release completes the delete, so the address never outlives its fence.
   */
  record DeleteVip(VipName vip) implements Command {
    public DeleteVip {
      Objects.requireNonNull(vip, "vip");
    }
  }

  /**
   * Adds a node, re-activates an EXPIRED node under a new incarnation (health reports reset), or
   * updates an ACTIVE node's Raft address. Joining while ACTIVE with the same address changes
   * nothing.
   */
  record JoinNode(NodeId node, String raftAddress) implements Command {
    public JoinNode {
      Objects.requireNonNull(node, "node");
      NodeInfo.checkRaftAddress(raftAddress);
    }
  }

  /** Forgets a node; refused while it holds a VIP (drain it or let it expire first). */
  record RemoveNode(NodeId node) implements Command {
    public RemoveNode {
      Objects.requireNonNull(node, "node");
    }
  }

  /** Drains (true) or undrains a node; the controller moves VIPs off a drained node gracefully. */
  record SetDrained(NodeId node, boolean drained) implements Command {
    public SetDrained {
      Objects.requireNonNull(node, "node");
    }
  }

  /** A node's health-check result; nodes submit it only when it differs from the state. */
  record ReportHealth(NodeId node, String check, boolean healthy) implements Command {
    public ReportHealth {
      Objects.requireNonNull(node, "node");
      VipSpec.checkHealthCheckName(check);
    }
  }

  /**
   * Asks the holder to hand a VIP over gracefully: sets RELEASING with {@code target} (empty = best
   * placement when the release completes).
   *
   * @param expectedEpoch when present, the move applies only if the VIP is still at this epoch
   */
  record MoveVip(VipName vip, Optional<NodeId> target, OptionalLong expectedEpoch)
      implements Command {
    public MoveVip {
      Objects.requireNonNull(vip, "vip");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(expectedEpoch, "expectedEpoch");
    }
  }

  /**
   * The holder's confirmation that its fence for {@code vip} at {@code epoch} is closed and the
   * address removed; completes a RELEASING assignment.
   */
  record Release(VipName vip, long epoch, NodeId node) implements Command {
    public Release {
      Objects.requireNonNull(vip, "vip");
      Objects.requireNonNull(node, "node");
    }
  }

  /**
   * Declares {@code node}'s lease lapsed. Only the leader submits it, and only once it can prove
   * the node's fences are closed (see docs/safety.md); apply marks the node EXPIRED and reassigns
   * its VIPs by placement, each under the new epoch.
   *
   * @param incarnation the incarnation the leader watched lapse; a different one is refused
   * @param leaderTerm the deciding leader's term (audit)
   * @param avoid a node placement should avoid when it has a choice (the leader, see {@link
   *     Placement})
   */
  record ExpireNode(NodeId node, long incarnation, long leaderTerm, Optional<NodeId> avoid)
      implements Command {
    public ExpireNode {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(avoid, "avoid");
    }
  }

  /**
   * Gives an unowned VIP to {@code node} (the controller's placement decision). Refused when the
   * VIP has a holder: moving a live holder must go through MoveVip and Release.
   */
  record Assign(VipName vip, NodeId node, long expectedEpoch) implements Command {
    public Assign {
      Objects.requireNonNull(vip, "vip");
      Objects.requireNonNull(node, "node");
    }
  }

  /**
   * Creates the VIPs of the agents' config files, once per cluster: applies only while the state is
   * not {@link ClusterState#bootstrapped()} (every agent submits its file's VIPs; the first commit
   * wins, the others are rejected with {@link Rejection.AlreadyBootstrapped}). An empty list just
   * marks the cluster bootstrapped. All specs apply or none.
   */
  record Bootstrap(java.util.List<VipSpec> specs) implements Command {
    public Bootstrap {
      specs = java.util.List.copyOf(specs);
    }
  }
}
