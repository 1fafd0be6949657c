package io.raftvip.coordinator.core;

import java.util.List;
import java.util.Optional;

/**
 * Why a command was refused. Each names the VIP, node, epoch or value concerned; {@link #message()}
 * is the human text. A rejected command changes nothing.
 */
public sealed interface Rejection {

  /** The refusal as one sentence. */
  String message();

  /** No VIP has this name. */
  record UnknownVip(VipName vip) implements Rejection {
    @Override
    public String message() {
      return "no VIP named " + vip;
    }
  }

  /** A VIP with this name exists. */
  record VipExists(VipName vip) implements Rejection {
    @Override
    public String message() {
      return "a VIP named " + vip + " already exists";
    }
  }

  /** Another VIP has the same address. */
  record AddressInUse(VipAddress address, VipName usedBy) implements Rejection {
    @Override
    public String message() {
      return "address " + address.address() + " is already used by VIP " + usedBy;
    }
  }

  /** Another VIP would share the virtual MAC on the same link. */
  record VirtualRouterIdInUse(int vrid, VipName usedBy) implements Rejection {
    @Override
    public String message() {
      return "vrid " + vrid + " is already used on the same interface and family by VIP " + usedBy;
    }
  }

  /** UpdateVip tried to change a field a holder is serving. */
  record ImmutableField(VipName vip, String field, String current, String requested)
      implements Rejection {
    @Override
    public String message() {
      return field
          + " of VIP "
          + vip
          + " cannot change ("
          + current
          + " -> "
          + requested
          + "); delete and create the VIP instead";
    }
  }

  /** No node has this id. */
  record UnknownNode(NodeId node) implements Rejection {
    @Override
    public String message() {
      return "no node " + node;
    }
  }

  /** Another node already uses this Raft address. */
  record RaftAddressInUse(String raftAddress, NodeId usedBy) implements Rejection {
    @Override
    public String message() {
      return "raft address " + raftAddress + " is already used by node " + usedBy;
    }
  }

  /** The node is already EXPIRED. */
  record NodeExpired(NodeId node) implements Rejection {
    @Override
    public String message() {
      return "node " + node + " is already expired";
    }
  }

  /** The command names an incarnation the node no longer has. */
  record StaleIncarnation(NodeId node, long expected, long actual) implements Rejection {
    @Override
    public String message() {
      return "node " + node + " is at incarnation " + actual + ", not " + expected;
    }
  }

  /** The node holds VIPs, so it cannot be removed. */
  record NodeHoldsVips(NodeId node, List<VipName> vips) implements Rejection {
    public NodeHoldsVips {
      vips = List.copyOf(vips);
    }

    @Override
    public String message() {
      return "node " + node + " still holds " + vips + "; drain it first";
    }
  }

  /** The command was decided for another epoch of the VIP. */
  record StaleEpoch(VipName vip, long expected, long actual) implements Rejection {
    @Override
    public String message() {
      return "VIP " + vip + " is at epoch " + actual + ", not " + expected;
    }
  }

  /** Release for a VIP that is not RELEASING. */
  record NotReleasing(VipName vip, Assignment.State state) implements Rejection {
    @Override
    public String message() {
      return "VIP " + vip + " is " + state + ", not RELEASING";
    }
  }

  /** Release from a node that does not hold the VIP. */
  record NotOwner(VipName vip, NodeId node, Optional<NodeId> owner) implements Rejection {
    @Override
    public String message() {
      return "node "
          + node
          + " does not hold VIP "
          + vip
          + owner.map(o -> " (" + o + " does)").orElse(" (nobody does)");
    }
  }

  /** Assign for a VIP that has a holder. */
  record VipHeld(VipName vip, NodeId owner) implements Rejection {
    @Override
    public String message() {
      return "VIP " + vip + " is held by " + owner + "; move it with MoveVip";
    }
  }

  /** MoveVip for a VIP nobody holds. */
  record VipUnowned(VipName vip) implements Rejection {
    @Override
    public String message() {
      return "VIP " + vip + " has no holder to move it from";
    }
  }

  /** MoveVip for a VIP whose holder is already releasing it. */
  record VipReleasing(VipName vip, NodeId owner) implements Rejection {
    @Override
    public String message() {
      return "VIP " + vip + " is already being released by " + owner;
    }
  }

  /** The node may not hold the VIP. */
  record NotEligible(VipName vip, NodeId node, Ineligibility reason) implements Rejection {
    @Override
    public String message() {
      return "node " + node + " cannot hold VIP " + vip + ": it " + reason.phrase();
    }
  }

  /** MoveVip to "any" but no other node may hold the VIP. */
  record NoEligibleTarget(VipName vip, NodeId owner) implements Rejection {
    @Override
    public String message() {
      return "no node other than " + owner + " can hold VIP " + vip;
    }
  }

  /** MoveVip to the node that already holds the VIP. */
  record TargetIsOwner(VipName vip, NodeId node) implements Rejection {
    @Override
    public String message() {
      return "VIP " + vip + " is already held by " + node;
    }
  }

  /** Bootstrap after the VIP set was initialised (by an earlier Bootstrap or an admin change). */
  record AlreadyBootstrapped() implements Rejection {
    @Override
    public String message() {
      return "the cluster's VIPs were initialised already; the replicated state wins over config"
          + " files (change VIPs with the admin API)";
    }
  }
}
