package io.raftvip.coordinator.leaserpc;

import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.VipAddress;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.coordinator.core.lease.GrantReply;
import io.raftvip.coordinator.core.lease.OwnedVip;
import io.raftvip.coordinator.core.lease.RenewRequest;
import io.raftvip.proto.common.v1.IpPrefix;
import io.raftvip.proto.peer.v1.Grant;
import io.raftvip.proto.peer.v1.HeldVip;
import io.raftvip.proto.peer.v1.Reason;
import io.raftvip.proto.peer.v1.Refusal;
import io.raftvip.proto.peer.v1.RenewReply;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Translates between the core's lease types and {@code raftvip.peer.v1}. Decoding validates through
 * the core constructors and throws {@link IllegalArgumentException} naming the field.
 */
final class PeerCodec {

  private PeerCodec() {}

  static io.raftvip.proto.peer.v1.RenewRequest toProto(RenewRequest r) {
    return io.raftvip.proto.peer.v1.RenewRequest.newBuilder()
        .setNode(r.node().value())
        .setSentAtMs(r.sentAtMs())
        .setLeaseDurationMs(r.leaseDurationMs())
        .build();
  }

  static RenewRequest fromProto(io.raftvip.proto.peer.v1.RenewRequest p) {
    return field(
        "RenewRequest",
        () -> new RenewRequest(NodeId.of(p.getNode()), p.getSentAtMs(), p.getLeaseDurationMs()));
  }

  static RenewReply toProto(GrantReply reply) {
    RenewReply.Builder b = RenewReply.newBuilder().setRequestSentAtMs(reply.requestSentAtMs());
    if (reply instanceof GrantReply.Grant g) {
      Grant.Builder gb = Grant.newBuilder().setAsOfIndex(g.asOfIndex());
      for (OwnedVip o : g.held().values()) {
        gb.addHeld(
            HeldVip.newBuilder()
                .setSpec(toProto(o.spec()))
                .setEpoch(o.epoch())
                .setReleasing(o.releasing()));
      }
      return b.setGrant(gb).build();
    }
    GrantReply.Refusal r = (GrantReply.Refusal) reply;
    return b.setRefusal(Refusal.newBuilder().setReason(toProto(r.reason()))).build();
  }

  /** A refusal by a node that is not a leader allowed to grant. */
  static RenewReply notLeader(long requestSentAtMs) {
    return RenewReply.newBuilder()
        .setRequestSentAtMs(requestSentAtMs)
        .setRefusal(Refusal.newBuilder().setReason(Reason.REASON_NOT_LEADER))
        .build();
  }

  /** The grant in {@code p}, or empty for any refusal. */
  static Optional<GrantReply.Grant> grantFromProto(RenewReply p) {
    if (!p.hasGrant()) {
      return Optional.empty();
    }
    TreeMap<VipName, OwnedVip> held = new TreeMap<>();
    int i = 0;
    for (HeldVip h : p.getGrant().getHeldList()) {
      String path = "RenewReply.grant.held[" + i++ + "]";
      VipSpec spec = specFromProto(path + ".spec", h.getSpec());
      held.put(spec.name(), new OwnedVip(spec, h.getEpoch(), h.getReleasing()));
    }
    return Optional.of(
        new GrantReply.Grant(p.getRequestSentAtMs(), p.getGrant().getAsOfIndex(), held));
  }

  static Reason toProto(GrantReply.Reason r) {
    return switch (r) {
      case LEADER_LEASE_LAPSED -> Reason.REASON_LEADER_LEASE_LAPSED;
      case UNKNOWN_NODE -> Reason.REASON_UNKNOWN_NODE;
      case NODE_EXPIRED -> Reason.REASON_NODE_EXPIRED;
      case NODE_EXPIRING -> Reason.REASON_NODE_EXPIRING;
      case LEASE_TOO_LONG -> Reason.REASON_LEASE_TOO_LONG;
    };
  }

  static io.raftvip.proto.log.v1.VipSpec toProto(VipSpec s) {
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

  static VipSpec specFromProto(String path, io.raftvip.proto.log.v1.VipSpec p) {
    return field(
        path,
        () -> {
          TreeMap<NodeId, Integer> priorities = new TreeMap<>();
          p.getPrioritiesMap().forEach((k, v) -> priorities.put(NodeId.of(k), v));
          return new VipSpec(
              VipName.of(p.getName()),
              VipAddress.parse(p.getAddress().getCidr()),
              p.hasInterface() ? Optional.of(p.getInterface()) : Optional.empty(),
              p.hasVrid() ? OptionalInt.of(p.getVrid()) : OptionalInt.empty(),
              priorities,
              p.getPreempt(),
              new TreeSet<>(p.getHealthChecksList()));
        });
  }

  private static <T> T field(String path, java.util.function.Supplier<T> make) {
    try {
      return make.get();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
    }
  }
}
