package io.raftvip.coordinator.ratis;

import com.google.protobuf.InvalidProtocolBufferException;
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
import io.raftvip.coordinator.core.Vip;
import io.raftvip.coordinator.core.VipAddress;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.proto.common.v1.IpPrefix;
import io.raftvip.proto.log.v1.Accepted;
import io.raftvip.proto.log.v1.AssignmentState;
import io.raftvip.proto.log.v1.ChangeCause;
import io.raftvip.proto.log.v1.LogCommand;
import io.raftvip.proto.log.v1.LogReply;
import io.raftvip.proto.log.v1.Rejected;
import io.raftvip.proto.log.v1.RejectionKind;
import io.raftvip.proto.log.v1.ReleaseTargetKind;
import io.raftvip.proto.log.v1.StateSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Translates the core's values to the replicated log's protobuf ({@code raftvip.log.v1}) and back:
 * commands (log entries), outcomes (state-machine replies), whole states (snapshots) and single
 * VIPs and nodes (query answers). Pure and stateless.
 *
 * <p>Decoding validates through the core's own constructors, so a decoded value is always a valid
 * one; anything the core refuses, and any byte string that is not the expected protobuf, gives a
 * {@link Malformed} whose message names the field and the bad value, never a stack trace. Encoding
 * a valid value never fails, and {@code decode(encode(x))} equals {@code x} (checked by
 * LogCodecTest over generated values).
 */
public final class LogCodec {

  /** The {@link StateSnapshot#getFormatVersion()} this build writes and the only one it reads. */
  public static final int SNAPSHOT_FORMAT_VERSION = 1;

  private LogCodec() {}

  // ------------------------------------------------------------------------------------------
  // Errors

  /** A byte string or protobuf message that does not decode to a valid core value. */
  public abstract static sealed class Malformed extends Exception
      permits MalformedCommand, MalformedReply, MalformedSnapshot, MalformedQuery {
    private final String reason;

    Malformed(String what, String reason, Throwable cause) {
      super("malformed " + what + ": " + reason, cause);
      this.reason = reason;
    }

    /** What is wrong, e.g. {@code create_vip.spec.name: VIP name "A" must be ...}. */
    public String reason() {
      return reason;
    }
  }

  /** A log entry that is not a valid {@link Command}. */
  public static final class MalformedCommand extends Malformed {
    /** For Ratis, which re-creates a refusal on the client side from its message. */
    public MalformedCommand(String message) {
      super("command", withoutPrefix("command", message), null);
    }

    MalformedCommand(String reason, Throwable cause) {
      super("command", reason, cause);
    }
  }

  /** A state-machine reply that is not a valid {@link Outcome}. */
  public static final class MalformedReply extends Malformed {
    MalformedReply(String reason, Throwable cause) {
      super("reply", reason, cause);
    }
  }

  /** A snapshot that is not a valid {@link ClusterState} of a known format version. */
  public static final class MalformedSnapshot extends Malformed {
    MalformedSnapshot(String reason, Throwable cause) {
      super("snapshot", reason, cause);
    }
  }

  /** A query or query answer that cannot be decoded. */
  public static final class MalformedQuery extends Malformed {
    /** For Ratis, which re-creates a refusal on the client side from its message. */
    public MalformedQuery(String message) {
      super("query", withoutPrefix("query", message), null);
    }

    MalformedQuery(String reason, Throwable cause) {
      super("query", reason, cause);
    }
  }

  private static String withoutPrefix(String what, String message) {
    String prefix = "malformed " + what + ": ";
    return message != null && message.startsWith(prefix)
        ? message.substring(prefix.length())
        : String.valueOf(message);
  }

  /** Internal: a field that failed to decode, converted to the public type at the boundary. */
  private static final class BadField extends RuntimeException {
    BadField(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }

  /**
   * The content of a snapshot file.
   *
   * @param state the replicated state
   * @param appliedTerm term of the last log entry the state includes
   * @param appliedIndex index of the last log entry the state includes
   */
  public record SnapshotContent(ClusterState state, long appliedTerm, long appliedIndex) {
    public SnapshotContent {
      Objects.requireNonNull(state, "state");
    }
  }

  // ------------------------------------------------------------------------------------------
  // Commands

  /** {@code command} as log-entry bytes. */
  public static byte[] encodeCommand(Command command) {
    return toProto(command).toByteArray();
  }

  /** Decodes log-entry bytes. */
  public static Command decodeCommand(byte[] bytes) throws MalformedCommand {
    LogCommand proto;
    try {
      proto = LogCommand.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new MalformedCommand(
          "not a raftvip.log.v1.LogCommand (" + bytes.length + " bytes): " + e.getMessage(), e);
    }
    return fromProto(proto);
  }

  /** {@code command} as protobuf. */
  public static LogCommand toProto(Command command) {
    LogCommand.Builder b = LogCommand.newBuilder();
    if (command instanceof Command.Bootstrap c) {
      var bb = io.raftvip.proto.log.v1.Bootstrap.newBuilder();
      c.specs().forEach(spec -> bb.addSpecs(toProto(spec)));
      b.setBootstrap(bb);
    } else if (command instanceof Command.CreateVip c) {
      b.setCreateVip(io.raftvip.proto.log.v1.CreateVip.newBuilder().setSpec(toProto(c.spec())));
    } else if (command instanceof Command.UpdateVip c) {
      b.setUpdateVip(io.raftvip.proto.log.v1.UpdateVip.newBuilder().setSpec(toProto(c.spec())));
    } else if (command instanceof Command.DeleteVip c) {
      b.setDeleteVip(io.raftvip.proto.log.v1.DeleteVip.newBuilder().setVip(c.vip().value()));
    } else if (command instanceof Command.JoinNode c) {
      b.setJoinNode(
          io.raftvip.proto.log.v1.JoinNode.newBuilder()
              .setNode(c.node().value())
              .setRaftAddress(c.raftAddress()));
    } else if (command instanceof Command.RemoveNode c) {
      b.setRemoveNode(io.raftvip.proto.log.v1.RemoveNode.newBuilder().setNode(c.node().value()));
    } else if (command instanceof Command.SetDrained c) {
      b.setSetDrained(
          io.raftvip.proto.log.v1.SetDrained.newBuilder()
              .setNode(c.node().value())
              .setDrained(c.drained()));
    } else if (command instanceof Command.ReportHealth c) {
      b.setReportHealth(
          io.raftvip.proto.log.v1.ReportHealth.newBuilder()
              .setNode(c.node().value())
              .setCheck(c.check())
              .setHealthy(c.healthy()));
    } else if (command instanceof Command.MoveVip c) {
      io.raftvip.proto.log.v1.MoveVip.Builder m =
          io.raftvip.proto.log.v1.MoveVip.newBuilder().setVip(c.vip().value());
      c.target().ifPresent(t -> m.setTarget(t.value()));
      c.expectedEpoch().ifPresent(m::setExpectedEpoch);
      b.setMoveVip(m);
    } else if (command instanceof Command.Release c) {
      b.setRelease(
          io.raftvip.proto.log.v1.Release.newBuilder()
              .setVip(c.vip().value())
              .setEpoch(c.epoch())
              .setNode(c.node().value()));
    } else if (command instanceof Command.ExpireNode c) {
      io.raftvip.proto.log.v1.ExpireNode.Builder e =
          io.raftvip.proto.log.v1.ExpireNode.newBuilder()
              .setNode(c.node().value())
              .setIncarnation(c.incarnation())
              .setLeaderTerm(c.leaderTerm());
      c.avoid().ifPresent(a -> e.setAvoid(a.value()));
      b.setExpireNode(e);
    } else if (command instanceof Command.Assign c) {
      b.setAssign(
          io.raftvip.proto.log.v1.Assign.newBuilder()
              .setVip(c.vip().value())
              .setNode(c.node().value())
              .setExpectedEpoch(c.expectedEpoch()));
    } else {
      throw new AssertionError("unhandled command " + command);
    }
    return b.build();
  }

  /** Decodes a protobuf command. */
  public static Command fromProto(LogCommand p) throws MalformedCommand {
    try {
      return commandFromProto(p);
    } catch (BadField e) {
      throw new MalformedCommand(e.getMessage(), e.getCause());
    }
  }

  private static Command commandFromProto(LogCommand p) {
    switch (p.getKindCase()) {
      case BOOTSTRAP:
        {
          var c = p.getBootstrap();
          List<VipSpec> specs = new ArrayList<>();
          for (int i = 0; i < c.getSpecsCount(); i++) {
            specs.add(specFromProto("bootstrap.specs[" + i + "]", c.getSpecs(i)));
          }
          return new Command.Bootstrap(specs);
        }
      case CREATE_VIP:
        {
          var c = p.getCreateVip();
          require(c.hasSpec(), "create_vip.spec is missing");
          return new Command.CreateVip(specFromProto("create_vip.spec", c.getSpec()));
        }
      case UPDATE_VIP:
        {
          var c = p.getUpdateVip();
          require(c.hasSpec(), "update_vip.spec is missing");
          return new Command.UpdateVip(specFromProto("update_vip.spec", c.getSpec()));
        }
      case DELETE_VIP:
        return new Command.DeleteVip(vipName("delete_vip.vip", p.getDeleteVip().getVip()));
      case JOIN_NODE:
        {
          var c = p.getJoinNode();
          return field(
              "join_node",
              () ->
                  new Command.JoinNode(nodeId("join_node.node", c.getNode()), c.getRaftAddress()));
        }
      case REMOVE_NODE:
        return new Command.RemoveNode(nodeId("remove_node.node", p.getRemoveNode().getNode()));
      case SET_DRAINED:
        {
          var c = p.getSetDrained();
          return new Command.SetDrained(nodeId("set_drained.node", c.getNode()), c.getDrained());
        }
      case REPORT_HEALTH:
        {
          var c = p.getReportHealth();
          NodeId node = nodeId("report_health.node", c.getNode());
          return field(
              "report_health.check",
              () -> new Command.ReportHealth(node, c.getCheck(), c.getHealthy()));
        }
      case MOVE_VIP:
        {
          var c = p.getMoveVip();
          return new Command.MoveVip(
              vipName("move_vip.vip", c.getVip()),
              c.hasTarget()
                  ? Optional.of(nodeId("move_vip.target", c.getTarget()))
                  : Optional.empty(),
              c.hasExpectedEpoch() ? OptionalLong.of(c.getExpectedEpoch()) : OptionalLong.empty());
        }
      case RELEASE:
        {
          var c = p.getRelease();
          return new Command.Release(
              vipName("release.vip", c.getVip()),
              c.getEpoch(),
              nodeId("release.node", c.getNode()));
        }
      case EXPIRE_NODE:
        {
          var c = p.getExpireNode();
          return new Command.ExpireNode(
              nodeId("expire_node.node", c.getNode()),
              c.getIncarnation(),
              c.getLeaderTerm(),
              c.hasAvoid()
                  ? Optional.of(nodeId("expire_node.avoid", c.getAvoid()))
                  : Optional.empty());
        }
      case ASSIGN:
        {
          var c = p.getAssign();
          return new Command.Assign(
              vipName("assign.vip", c.getVip()),
              nodeId("assign.node", c.getNode()),
              c.getExpectedEpoch());
        }
      case KIND_NOT_SET:
      default:
        throw new BadField(
            "no command kind is set"
                + (p.getUnknownFields().asMap().isEmpty()
                    ? ""
                    : " (unknown field numbers "
                        + p.getUnknownFields().asMap().keySet()
                        + ": written by a newer raftvip?)"),
            null);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Replies

  /** {@code outcome} as reply bytes. */
  public static byte[] encodeReply(Outcome outcome) {
    return toProto(outcome).toByteArray();
  }

  /** Decodes reply bytes. */
  public static Outcome decodeReply(byte[] bytes) throws MalformedReply {
    LogReply proto;
    try {
      proto = LogReply.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new MalformedReply(
          "not a raftvip.log.v1.LogReply (" + bytes.length + " bytes): " + e.getMessage(), e);
    }
    return fromProto(proto);
  }

  /** {@code outcome} as protobuf. */
  public static LogReply toProto(Outcome outcome) {
    if (outcome instanceof Outcome.Accepted a) {
      Accepted.Builder b = Accepted.newBuilder().setChanged(a.changed());
      for (AssignmentChange c : a.assignments()) {
        b.addAssignments(toProto(c));
      }
      return LogReply.newBuilder().setAccepted(b).build();
    }
    if (outcome instanceof Outcome.Rejected r) {
      return LogReply.newBuilder().setRejected(toProto(r.reason())).build();
    }
    throw new AssertionError("unhandled outcome " + outcome);
  }

  /** Decodes a protobuf reply. */
  public static Outcome fromProto(LogReply p) throws MalformedReply {
    try {
      switch (p.getOutcomeCase()) {
        case ACCEPTED:
          {
            List<AssignmentChange> changes = new ArrayList<>();
            var list = p.getAccepted().getAssignmentsList();
            for (int i = 0; i < list.size(); i++) {
              changes.add(changeFromProto("accepted.assignments[" + i + "]", list.get(i)));
            }
            return new Outcome.Accepted(p.getAccepted().getChanged(), changes);
          }
        case REJECTED:
          return new Outcome.Rejected(rejectionFromProto(p.getRejected()));
        case OUTCOME_NOT_SET:
        default:
          throw new BadField("neither accepted nor rejected is set", null);
      }
    } catch (BadField e) {
      throw new MalformedReply(e.getMessage(), e.getCause());
    }
  }

  /** {@code rejection} as protobuf. */
  public static Rejected toProto(Rejection rejection) {
    Rejected.Builder b = Rejected.newBuilder().setMessage(rejection.message());
    if (rejection instanceof Rejection.UnknownVip r) {
      b.setKind(RejectionKind.REJECTION_KIND_UNKNOWN_VIP).setVip(r.vip().value());
    } else if (rejection instanceof Rejection.VipExists r) {
      b.setKind(RejectionKind.REJECTION_KIND_VIP_EXISTS).setVip(r.vip().value());
    } else if (rejection instanceof Rejection.AddressInUse r) {
      b.setKind(RejectionKind.REJECTION_KIND_ADDRESS_IN_USE)
          .setAddress(r.address().cidr())
          .setUsedByVip(r.usedBy().value());
    } else if (rejection instanceof Rejection.VirtualRouterIdInUse r) {
      b.setKind(RejectionKind.REJECTION_KIND_VRID_IN_USE)
          .setVrid(r.vrid())
          .setUsedByVip(r.usedBy().value());
    } else if (rejection instanceof Rejection.ImmutableField r) {
      b.setKind(RejectionKind.REJECTION_KIND_IMMUTABLE_FIELD)
          .setVip(r.vip().value())
          .setField(r.field())
          .setCurrent(r.current())
          .setRequested(r.requested());
    } else if (rejection instanceof Rejection.UnknownNode r) {
      b.setKind(RejectionKind.REJECTION_KIND_UNKNOWN_NODE).setNode(r.node().value());
    } else if (rejection instanceof Rejection.RaftAddressInUse r) {
      b.setKind(RejectionKind.REJECTION_KIND_RAFT_ADDRESS_IN_USE)
          .setRaftAddress(r.raftAddress())
          .setUsedByNode(r.usedBy().value());
    } else if (rejection instanceof Rejection.NodeExpired r) {
      b.setKind(RejectionKind.REJECTION_KIND_NODE_EXPIRED).setNode(r.node().value());
    } else if (rejection instanceof Rejection.StaleIncarnation r) {
      b.setKind(RejectionKind.REJECTION_KIND_STALE_INCARNATION)
          .setNode(r.node().value())
          .setExpected(r.expected())
          .setActual(r.actual());
    } else if (rejection instanceof Rejection.NodeHoldsVips r) {
      b.setKind(RejectionKind.REJECTION_KIND_NODE_HOLDS_VIPS).setNode(r.node().value());
      r.vips().forEach(v -> b.addVips(v.value()));
    } else if (rejection instanceof Rejection.StaleEpoch r) {
      b.setKind(RejectionKind.REJECTION_KIND_STALE_EPOCH)
          .setVip(r.vip().value())
          .setExpected(r.expected())
          .setActual(r.actual());
    } else if (rejection instanceof Rejection.NotReleasing r) {
      b.setKind(RejectionKind.REJECTION_KIND_NOT_RELEASING)
          .setVip(r.vip().value())
          .setState(toProto(r.state()));
    } else if (rejection instanceof Rejection.NotOwner r) {
      b.setKind(RejectionKind.REJECTION_KIND_NOT_OWNER)
          .setVip(r.vip().value())
          .setNode(r.node().value());
      r.owner().ifPresent(o -> b.setOwner(o.value()));
    } else if (rejection instanceof Rejection.VipHeld r) {
      b.setKind(RejectionKind.REJECTION_KIND_VIP_HELD)
          .setVip(r.vip().value())
          .setOwner(r.owner().value());
    } else if (rejection instanceof Rejection.VipUnowned r) {
      b.setKind(RejectionKind.REJECTION_KIND_VIP_UNOWNED).setVip(r.vip().value());
    } else if (rejection instanceof Rejection.VipReleasing r) {
      b.setKind(RejectionKind.REJECTION_KIND_VIP_RELEASING)
          .setVip(r.vip().value())
          .setOwner(r.owner().value());
    } else if (rejection instanceof Rejection.NotEligible r) {
      b.setKind(RejectionKind.REJECTION_KIND_NOT_ELIGIBLE)
          .setVip(r.vip().value())
          .setNode(r.node().value())
          .setIneligibility(toProto(r.reason()));
    } else if (rejection instanceof Rejection.NoEligibleTarget r) {
      b.setKind(RejectionKind.REJECTION_KIND_NO_ELIGIBLE_TARGET)
          .setVip(r.vip().value())
          .setOwner(r.owner().value());
    } else if (rejection instanceof Rejection.AlreadyBootstrapped) {
      b.setKind(RejectionKind.REJECTION_KIND_ALREADY_BOOTSTRAPPED);
    } else if (rejection instanceof Rejection.TargetIsOwner r) {
      b.setKind(RejectionKind.REJECTION_KIND_TARGET_IS_OWNER)
          .setVip(r.vip().value())
          .setNode(r.node().value());
    } else {
      throw new AssertionError("unhandled rejection " + rejection);
    }
    return b.build();
  }

  /** Decodes a protobuf rejection. */
  public static Rejection fromProto(Rejected p) throws MalformedReply {
    try {
      return rejectionFromProto(p);
    } catch (BadField e) {
      throw new MalformedReply(e.getMessage(), e.getCause());
    }
  }

  private static Rejection rejectionFromProto(Rejected p) {
    switch (p.getKind()) {
      case REJECTION_KIND_UNKNOWN_VIP:
        return new Rejection.UnknownVip(vipName("rejected.vip", p.getVip()));
      case REJECTION_KIND_VIP_EXISTS:
        return new Rejection.VipExists(vipName("rejected.vip", p.getVip()));
      case REJECTION_KIND_ADDRESS_IN_USE:
        return new Rejection.AddressInUse(
            address("rejected.address", p.getAddress()),
            vipName("rejected.used_by_vip", p.getUsedByVip()));
      case REJECTION_KIND_VRID_IN_USE:
        return new Rejection.VirtualRouterIdInUse(
            p.getVrid(), vipName("rejected.used_by_vip", p.getUsedByVip()));
      case REJECTION_KIND_IMMUTABLE_FIELD:
        return new Rejection.ImmutableField(
            vipName("rejected.vip", p.getVip()), p.getField(), p.getCurrent(), p.getRequested());
      case REJECTION_KIND_UNKNOWN_NODE:
        return new Rejection.UnknownNode(nodeId("rejected.node", p.getNode()));
      case REJECTION_KIND_RAFT_ADDRESS_IN_USE:
        return new Rejection.RaftAddressInUse(
            p.getRaftAddress(), nodeId("rejected.used_by_node", p.getUsedByNode()));
      case REJECTION_KIND_NODE_EXPIRED:
        return new Rejection.NodeExpired(nodeId("rejected.node", p.getNode()));
      case REJECTION_KIND_STALE_INCARNATION:
        return new Rejection.StaleIncarnation(
            nodeId("rejected.node", p.getNode()), p.getExpected(), p.getActual());
      case REJECTION_KIND_NODE_HOLDS_VIPS:
        {
          List<VipName> vips = new ArrayList<>();
          for (int i = 0; i < p.getVipsCount(); i++) {
            vips.add(vipName("rejected.vips[" + i + "]", p.getVips(i)));
          }
          return new Rejection.NodeHoldsVips(nodeId("rejected.node", p.getNode()), vips);
        }
      case REJECTION_KIND_STALE_EPOCH:
        return new Rejection.StaleEpoch(
            vipName("rejected.vip", p.getVip()), p.getExpected(), p.getActual());
      case REJECTION_KIND_NOT_RELEASING:
        return new Rejection.NotReleasing(
            vipName("rejected.vip", p.getVip()),
            stateFromProto("rejected.state", p.getState(), p.getStateValue()));
      case REJECTION_KIND_NOT_OWNER:
        return new Rejection.NotOwner(
            vipName("rejected.vip", p.getVip()),
            nodeId("rejected.node", p.getNode()),
            p.hasOwner() ? Optional.of(nodeId("rejected.owner", p.getOwner())) : Optional.empty());
      case REJECTION_KIND_VIP_HELD:
        return new Rejection.VipHeld(
            vipName("rejected.vip", p.getVip()), nodeId("rejected.owner", p.getOwner()));
      case REJECTION_KIND_VIP_UNOWNED:
        return new Rejection.VipUnowned(vipName("rejected.vip", p.getVip()));
      case REJECTION_KIND_VIP_RELEASING:
        return new Rejection.VipReleasing(
            vipName("rejected.vip", p.getVip()), nodeId("rejected.owner", p.getOwner()));
      case REJECTION_KIND_NOT_ELIGIBLE:
        return new Rejection.NotEligible(
            vipName("rejected.vip", p.getVip()),
            nodeId("rejected.node", p.getNode()),
            ineligibilityFromProto(p.getIneligibility(), p.getIneligibilityValue()));
      case REJECTION_KIND_NO_ELIGIBLE_TARGET:
        return new Rejection.NoEligibleTarget(
            vipName("rejected.vip", p.getVip()), nodeId("rejected.owner", p.getOwner()));
      case REJECTION_KIND_ALREADY_BOOTSTRAPPED:
        return new Rejection.AlreadyBootstrapped();
      case REJECTION_KIND_TARGET_IS_OWNER:
        return new Rejection.TargetIsOwner(
            vipName("rejected.vip", p.getVip()), nodeId("rejected.node", p.getNode()));
      case REJECTION_KIND_UNSPECIFIED:
      case UNRECOGNIZED:
      default:
        throw new BadField(
            "rejected.kind "
                + p.getKindValue()
                + " is not a known rejection (message was \""
                + p.getMessage()
                + "\")",
            null);
    }
  }

  private static io.raftvip.proto.log.v1.AssignmentChange toProto(AssignmentChange c) {
    io.raftvip.proto.log.v1.AssignmentChange.Builder b =
        io.raftvip.proto.log.v1.AssignmentChange.newBuilder()
            .setVip(c.vip().value())
            .setEpoch(c.epoch())
            .setState(toProto(c.state()))
            .setCause(toProto(c.cause()));
    c.from().ifPresent(n -> b.setFrom(n.value()));
    c.to().ifPresent(n -> b.setTo(n.value()));
    return b.build();
  }

  private static AssignmentChange changeFromProto(
      String path, io.raftvip.proto.log.v1.AssignmentChange p) {
    return new AssignmentChange(
        vipName(path + ".vip", p.getVip()),
        p.hasFrom() ? Optional.of(nodeId(path + ".from", p.getFrom())) : Optional.empty(),
        p.hasTo() ? Optional.of(nodeId(path + ".to", p.getTo())) : Optional.empty(),
        p.getEpoch(),
        stateFromProto(path + ".state", p.getState(), p.getStateValue()),
        causeFromProto(path + ".cause", p.getCause(), p.getCauseValue()));
  }

  // ------------------------------------------------------------------------------------------
  // Snapshots

  /**
   * The snapshot of {@code state} after the log entry at {@code appliedTerm}/{@code appliedIndex}.
   */
  public static StateSnapshot toSnapshot(ClusterState state, long appliedTerm, long appliedIndex) {
    StateSnapshot.Builder b =
        StateSnapshot.newBuilder()
            .setFormatVersion(SNAPSHOT_FORMAT_VERSION)
            .setAppliedTerm(appliedTerm)
            .setAppliedIndex(appliedIndex)
            .setLastChangeIndex(state.lastChangeIndex())
            .setBootstrapped(state.bootstrapped());
    for (Vip v : state.vips().values()) {
      b.addVips(toProto(v));
    }
    for (NodeInfo n : state.nodes().values()) {
      b.addNodes(toProto(n));
    }
    return b.build();
  }

  /** {@link #toSnapshot} as bytes. */
  public static byte[] encodeSnapshot(ClusterState state, long appliedTerm, long appliedIndex) {
    return toSnapshot(state, appliedTerm, appliedIndex).toByteArray();
  }

  /** Decodes snapshot bytes. */
  public static SnapshotContent decodeSnapshot(byte[] bytes) throws MalformedSnapshot {
    StateSnapshot proto;
    try {
      proto = StateSnapshot.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new MalformedSnapshot(
          "not a raftvip.log.v1.StateSnapshot (" + bytes.length + " bytes): " + e.getMessage(), e);
    }
    return fromProto(proto);
  }

  /** Decodes a protobuf snapshot; refuses other format versions and broken invariants. */
  public static SnapshotContent fromProto(StateSnapshot p) throws MalformedSnapshot {
    if (p.getFormatVersion() != SNAPSHOT_FORMAT_VERSION) {
      throw new MalformedSnapshot(
          "format_version "
              + Integer.toUnsignedString(p.getFormatVersion())
              + " is not the version this build reads ("
              + SNAPSHOT_FORMAT_VERSION
              + ")",
          null);
    }
    try {
      TreeMap<VipName, Vip> vips = new TreeMap<>();
      for (int i = 0; i < p.getVipsCount(); i++) {
        Vip v = vipFromProto("vips[" + i + "]", p.getVips(i));
        if (vips.put(v.name(), v) != null) {
          throw new BadField("vips[" + i + "]: VIP " + v.name() + " appears twice", null);
        }
      }
      TreeMap<NodeId, NodeInfo> nodes = new TreeMap<>();
      for (int i = 0; i < p.getNodesCount(); i++) {
        NodeInfo n = nodeFromProto("nodes[" + i + "]", p.getNodes(i));
        if (nodes.put(n.id(), n) != null) {
          throw new BadField("nodes[" + i + "]: node " + n.id() + " appears twice", null);
        }
      }
      ClusterState state =
          field(
              "last_change_index",
              () -> new ClusterState(vips, nodes, p.getLastChangeIndex(), p.getBootstrapped()));
      try {
        state.checkInvariants();
      } catch (IllegalStateException e) {
        throw new BadField("the state breaks an invariant: " + e.getMessage(), e);
      }
      if (p.getAppliedIndex() < 0 || p.getAppliedIndex() < state.lastChangeIndex()) {
        throw new BadField(
            "applied_index "
                + Long.toUnsignedString(p.getAppliedIndex())
                + " is below last_change_index "
                + state.lastChangeIndex(),
            null);
      }
      return new SnapshotContent(state, p.getAppliedTerm(), p.getAppliedIndex());
    } catch (BadField e) {
      throw new MalformedSnapshot(e.getMessage(), e.getCause());
    }
  }

  /** One VIP (spec and assignment) as protobuf. */
  public static io.raftvip.proto.log.v1.Vip toProto(Vip vip) {
    Assignment a = vip.assignment();
    io.raftvip.proto.log.v1.Assignment.Builder ab =
        io.raftvip.proto.log.v1.Assignment.newBuilder()
            .setState(toProto(a.state()))
            .setEpoch(a.epoch());
    a.currentOwner().ifPresent(o -> ab.setOwner(o.value()));
    if (a instanceof Assignment.Releasing r) {
      ReleaseTarget t = r.target();
      if (t instanceof ReleaseTarget.ToNode n) {
        ab.setReleaseTarget(ReleaseTargetKind.RELEASE_TARGET_KIND_TO_NODE)
            .setReleaseTargetNode(n.node().value());
      } else if (t instanceof ReleaseTarget.ToPlacement) {
        ab.setReleaseTarget(ReleaseTargetKind.RELEASE_TARGET_KIND_TO_PLACEMENT);
      } else if (t instanceof ReleaseTarget.Delete) {
        ab.setReleaseTarget(ReleaseTargetKind.RELEASE_TARGET_KIND_DELETE);
      } else {
        throw new AssertionError("unhandled release target " + t);
      }
    }
    return io.raftvip.proto.log.v1.Vip.newBuilder()
        .setSpec(toProto(vip.spec()))
        .setAssignment(ab)
        .build();
  }

  /** Decodes one protobuf VIP. */
  public static Vip fromProto(io.raftvip.proto.log.v1.Vip p) throws MalformedQuery {
    try {
      return vipFromProto("vip", p);
    } catch (BadField e) {
      throw new MalformedQuery(e.getMessage(), e.getCause());
    }
  }

  /** One node as protobuf. */
  public static io.raftvip.proto.log.v1.Node toProto(NodeInfo n) {
    return io.raftvip.proto.log.v1.Node.newBuilder()
        .setId(n.id().value())
        .setRaftAddress(n.raftAddress())
        .putAllHealth(n.health())
        .setDrained(n.drained())
        .setStatus(
            n.status() == NodeStatus.ACTIVE
                ? io.raftvip.proto.log.v1.NodeStatus.NODE_STATUS_ACTIVE
                : io.raftvip.proto.log.v1.NodeStatus.NODE_STATUS_EXPIRED)
        .setIncarnation(n.incarnation())
        .build();
  }

  /** Decodes one protobuf node. */
  public static NodeInfo fromProto(io.raftvip.proto.log.v1.Node p) throws MalformedQuery {
    try {
      return nodeFromProto("node", p);
    } catch (BadField e) {
      throw new MalformedQuery(e.getMessage(), e.getCause());
    }
  }

  private static Vip vipFromProto(String path, io.raftvip.proto.log.v1.Vip p) {
    require(p.hasSpec(), path + ".spec is missing");
    require(p.hasAssignment(), path + ".assignment is missing");
    VipSpec spec = specFromProto(path + ".spec", p.getSpec());
    Assignment a = assignmentFromProto(path + ".assignment", p.getAssignment());
    return new Vip(spec, a);
  }

  private static Assignment assignmentFromProto(String path, io.raftvip.proto.log.v1.Assignment p) {
    Assignment.State state = stateFromProto(path + ".state", p.getState(), p.getStateValue());
    switch (state) {
      case UNOWNED:
        require(p.getOwner().isEmpty(), path + ".owner is set on an UNOWNED assignment");
        return field(path + ".epoch", () -> new Assignment.Unowned(p.getEpoch()));
      case OWNED:
        {
          NodeId owner = nodeId(path + ".owner", p.getOwner());
          return field(path + ".epoch", () -> new Assignment.Owned(owner, p.getEpoch()));
        }
      case RELEASING:
        {
          NodeId owner = nodeId(path + ".owner", p.getOwner());
          ReleaseTarget target;
          switch (p.getReleaseTarget()) {
            case RELEASE_TARGET_KIND_TO_NODE:
              target =
                  new ReleaseTarget.ToNode(
                      nodeId(path + ".release_target_node", p.getReleaseTargetNode()));
              break;
            case RELEASE_TARGET_KIND_TO_PLACEMENT:
              target = ReleaseTarget.PLACEMENT;
              break;
            case RELEASE_TARGET_KIND_DELETE:
              target = ReleaseTarget.DELETE;
              break;
            default:
              throw new BadField(
                  path
                      + ".release_target "
                      + p.getReleaseTargetValue()
                      + " is not a release target of a RELEASING assignment",
                  null);
          }
          ReleaseTarget t = target;
          return field(path + ".epoch", () -> new Assignment.Releasing(owner, p.getEpoch(), t));
        }
      default:
        throw new AssertionError("unhandled state " + state);
    }
  }

  private static NodeInfo nodeFromProto(String path, io.raftvip.proto.log.v1.Node p) {
    NodeId id = nodeId(path + ".id", p.getId());
    NodeStatus status;
    switch (p.getStatus()) {
      case NODE_STATUS_ACTIVE:
        status = NodeStatus.ACTIVE;
        break;
      case NODE_STATUS_EXPIRED:
        status = NodeStatus.EXPIRED;
        break;
      default:
        throw new BadField(
            path + ".status " + p.getStatusValue() + " is not ACTIVE or EXPIRED", null);
    }
    TreeMap<String, Boolean> health = new TreeMap<>(p.getHealthMap());
    return field(
        path,
        () ->
            new NodeInfo(
                id, p.getRaftAddress(), health, p.getDrained(), status, p.getIncarnation()));
  }

  // ------------------------------------------------------------------------------------------
  // Shared pieces

  private static io.raftvip.proto.log.v1.VipSpec toProto(VipSpec s) {
    io.raftvip.proto.log.v1.VipSpec.Builder b =
        io.raftvip.proto.log.v1.VipSpec.newBuilder()
            .setName(s.name().value())
            .setAddress(IpPrefix.newBuilder().setCidr(s.address().cidr()))
            .setPreempt(s.preempt())
            .addAllHealthChecks(s.healthChecks());
    s.interfaceName().ifPresent(b::setInterface);
    s.vrid().ifPresent(b::setVrid);
    for (Map.Entry<NodeId, Integer> e : s.priorities().entrySet()) {
      b.putPriorities(e.getKey().value(), e.getValue());
    }
    return b.build();
  }

  private static VipSpec specFromProto(String path, io.raftvip.proto.log.v1.VipSpec p) {
    VipName name = vipName(path + ".name", p.getName());
    require(p.hasAddress(), path + ".address is missing");
    VipAddress address = address(path + ".address", p.getAddress().getCidr());
    TreeMap<NodeId, Integer> priorities = new TreeMap<>();
    for (Map.Entry<String, Integer> e : p.getPrioritiesMap().entrySet()) {
      priorities.put(nodeId(path + ".priorities key", e.getKey()), e.getValue());
    }
    Optional<String> ifname = p.hasInterface() ? Optional.of(p.getInterface()) : Optional.empty();
    OptionalInt vrid = p.hasVrid() ? OptionalInt.of(p.getVrid()) : OptionalInt.empty();
    TreeSet<String> checks = new TreeSet<>(p.getHealthChecksList());
    return field(
        path, () -> new VipSpec(name, address, ifname, vrid, priorities, p.getPreempt(), checks));
  }

  private static AssignmentState toProto(Assignment.State s) {
    switch (s) {
      case UNOWNED:
        return AssignmentState.ASSIGNMENT_STATE_UNOWNED;
      case OWNED:
        return AssignmentState.ASSIGNMENT_STATE_OWNED;
      case RELEASING:
        return AssignmentState.ASSIGNMENT_STATE_RELEASING;
      default:
        throw new AssertionError("unhandled state " + s);
    }
  }

  private static Assignment.State stateFromProto(String path, AssignmentState s, int raw) {
    switch (s) {
      case ASSIGNMENT_STATE_UNOWNED:
        return Assignment.State.UNOWNED;
      case ASSIGNMENT_STATE_OWNED:
        return Assignment.State.OWNED;
      case ASSIGNMENT_STATE_RELEASING:
        return Assignment.State.RELEASING;
      default:
        throw new BadField(path + " " + raw + " is not an assignment state", null);
    }
  }

  private static ChangeCause toProto(AssignmentChange.Cause c) {
    switch (c) {
      case CREATED:
        return ChangeCause.CHANGE_CAUSE_CREATED;
      case ASSIGNED:
        return ChangeCause.CHANGE_CAUSE_ASSIGNED;
      case RELEASE_REQUESTED:
        return ChangeCause.CHANGE_CAUSE_RELEASE_REQUESTED;
      case RELEASED:
        return ChangeCause.CHANGE_CAUSE_RELEASED;
      case OWNER_EXPIRED:
        return ChangeCause.CHANGE_CAUSE_OWNER_EXPIRED;
      case DELETED:
        return ChangeCause.CHANGE_CAUSE_DELETED;
      default:
        throw new AssertionError("unhandled cause " + c);
    }
  }

  private static AssignmentChange.Cause causeFromProto(String path, ChangeCause c, int raw) {
    switch (c) {
      case CHANGE_CAUSE_CREATED:
        return AssignmentChange.Cause.CREATED;
      case CHANGE_CAUSE_ASSIGNED:
        return AssignmentChange.Cause.ASSIGNED;
      case CHANGE_CAUSE_RELEASE_REQUESTED:
        return AssignmentChange.Cause.RELEASE_REQUESTED;
      case CHANGE_CAUSE_RELEASED:
        return AssignmentChange.Cause.RELEASED;
      case CHANGE_CAUSE_OWNER_EXPIRED:
        return AssignmentChange.Cause.OWNER_EXPIRED;
      case CHANGE_CAUSE_DELETED:
        return AssignmentChange.Cause.DELETED;
      default:
        throw new BadField(path + " " + raw + " is not a change cause", null);
    }
  }

  private static io.raftvip.proto.log.v1.Ineligibility toProto(Ineligibility i) {
    switch (i) {
      case UNKNOWN_NODE:
        return io.raftvip.proto.log.v1.Ineligibility.INELIGIBILITY_UNKNOWN_NODE;
      case EXPIRED:
        return io.raftvip.proto.log.v1.Ineligibility.INELIGIBILITY_EXPIRED;
      case DRAINED:
        return io.raftvip.proto.log.v1.Ineligibility.INELIGIBILITY_DRAINED;
      case UNHEALTHY:
        return io.raftvip.proto.log.v1.Ineligibility.INELIGIBILITY_UNHEALTHY;
      case NOT_IN_PRIORITY_MAP:
        return io.raftvip.proto.log.v1.Ineligibility.INELIGIBILITY_NOT_IN_PRIORITY_MAP;
      default:
        throw new AssertionError("unhandled ineligibility " + i);
    }
  }

  private static Ineligibility ineligibilityFromProto(
      io.raftvip.proto.log.v1.Ineligibility i, int raw) {
    switch (i) {
      case INELIGIBILITY_UNKNOWN_NODE:
        return Ineligibility.UNKNOWN_NODE;
      case INELIGIBILITY_EXPIRED:
        return Ineligibility.EXPIRED;
      case INELIGIBILITY_DRAINED:
        return Ineligibility.DRAINED;
      case INELIGIBILITY_UNHEALTHY:
        return Ineligibility.UNHEALTHY;
      case INELIGIBILITY_NOT_IN_PRIORITY_MAP:
        return Ineligibility.NOT_IN_PRIORITY_MAP;
      default:
        throw new BadField("rejected.ineligibility " + raw + " is not a known reason", null);
    }
  }

  private static VipName vipName(String path, String value) {
    return field(path, () -> new VipName(value));
  }

  private static NodeId nodeId(String path, String value) {
    return field(path, () -> new NodeId(value));
  }

  private static VipAddress address(String path, String cidr) {
    return field(path, () -> VipAddress.parse(cidr));
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new BadField(message, null);
    }
  }

  /** Runs a core constructor; its refusal becomes a {@link BadField} naming {@code path}. */
  private static <T> T field(String path, Supplier<T> make) {
    try {
      return make.get();
    } catch (BadField e) {
      throw e;
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new BadField(path + ": " + e.getMessage(), e);
    }
  }
}
