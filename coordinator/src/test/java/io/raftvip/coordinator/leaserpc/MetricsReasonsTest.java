package io.raftvip.coordinator.leaserpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.raftvip.proto.peer.v1.Reason;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Renewal failure reasons become bounded, lower-case metric labels. */
class MetricsReasonsTest {

  @Test
  void refusalsLoseTheirPrefix() {
    assertThat(OwnerLoop.refusalReason(Reason.REASON_NODE_EXPIRED)).isEqualTo("node_expired");
    assertThat(OwnerLoop.refusalReason(Reason.REASON_NOT_LEADER)).isEqualTo("not_leader");
    assertThat(OwnerLoop.refusalReason(Reason.UNRECOGNIZED)).isEqualTo("unrecognized");
    Set<String> labels = new HashSet<>();
    for (Reason r : Reason.values()) {
      labels.add(OwnerLoop.refusalReason(r));
    }
    assertThat(labels).hasSize(Reason.values().length).allMatch(l -> l.matches("[a-z_]+"));
  }

  @Test
  void failedCallsAreNamedByTheirStatusCode() {
    assertThat(OwnerLoop.grpcReason(Status.DEADLINE_EXCEEDED.asRuntimeException()))
        .isEqualTo("deadline_exceeded");
    assertThat(OwnerLoop.grpcReason(Status.UNAVAILABLE.withDescription("x").asException()))
        .isEqualTo("unavailable");
    assertThat(OwnerLoop.grpcReason(new IllegalStateException("not grpc"))).isEqualTo("unknown");
  }
}
