package io.raftvip.coordinator.core.lease;

import io.raftvip.coordinator.core.NodeId;
import java.util.Objects;

/**
 * A node's request to renew its lease.
 *
 * @param node the requesting node
 * @param sentAtMs the node's clock when it sent the request, echoed in the reply so that the node
 *     derives its deadline from the send time, never from the receive time
 * @param leaseDurationMs the lease the node will assume; the leader refuses one longer than its own
 *     setting, so a node configured with a longer lease cannot outlive the leader's expiry wait
 */
public record RenewRequest(NodeId node, long sentAtMs, long leaseDurationMs) {
  public RenewRequest {
    Objects.requireNonNull(node, "node");
    if (leaseDurationMs < 1) {
      throw new IllegalArgumentException(
          "leaseDurationMs " + leaseDurationMs + " of node " + node + " must be positive");
    }
  }
}
