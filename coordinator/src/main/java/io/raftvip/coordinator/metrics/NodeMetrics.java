package io.raftvip.coordinator.metrics;

import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.lease.OwnerEffect;
import io.raftvip.coordinator.reconcile.Drift;
import io.raftvip.coordinator.reconcile.Reconciler;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears what a node's lease loops and reconciler do, for metrics. Every method has a no-op default
 * ({@link #NONE}); the reconciler's callbacks are inherited from {@link Reconciler.Listener}.
 *
 * <p>Contract for implementers: called concurrently from the owner thread ({@code
 * raftvip-owner-<node>}), the leader thread ({@code raftvip-leader-<node>}), the reconciler thread
 * and gRPC callback threads; must be thread-safe, must not block and must not call back into the
 * node. Reasons and effect names are drawn from fixed sets (enum constants, gRPC status codes), so
 * they are safe as label values.
 */
public interface NodeMetrics extends Reconciler.Listener {

  /** Ignores everything. */
  NodeMetrics NONE = new NodeMetrics() {};

  /** Owner thread: a renewal was sent to the leader. */
  default void onRenewalSent() {}

  /**
   * Owner thread: the leader granted a renewal; the node lease now runs until {@code
   * leaseDeadlineMs}, on the data plane's clock ({@code DataPlane.nowMs()}).
   */
  default void onRenewalGranted(long leaseDeadlineMs) {}

  /**
   * A renewal got no grant. {@code reason}: the leader's refusal in lower case without its {@code
   * REASON_} prefix ({@code not_leader}, {@code node_expired}...), or the failed call's gRPC status
   * code in lower case ({@code deadline_exceeded}, {@code unavailable}...). Owner thread for
   * refusals, a gRPC thread for failed calls.
   */
  default void onRenewalFailed(String reason) {}

  /** Leader thread: this node, as leader, granted a renewal of {@code node}. */
  default void onLeaseGranted(NodeId node) {}

  /**
   * Leader thread: this node, as leader, refused a renewal of {@code node}; {@code reason} in lower
   * case ({@code leader_lease_lapsed}, {@code node_expiring}...).
   */
  default void onLeaseRefused(NodeId node, String reason) {}

  /**
   * This listener after {@code first}, as one reconciler listener: {@code first} is called first
   * and whatever this one throws is logged and dropped (metrics never stop the reconciler).
   */
  default Reconciler.Listener after(Reconciler.Listener first) {
    Objects.requireNonNull(first, "first");
    NodeMetrics self = this;
    if (self == NONE) {
      return first;
    }
    Logger log = LoggerFactory.getLogger(NodeMetrics.class);
    return new Reconciler.Listener() {
      @Override
      public void onServing(VipName vip, long epoch) {
        first.onServing(vip, epoch);
        safely(() -> self.onServing(vip, epoch));
      }

      @Override
      public void onStopped(VipName vip) {
        first.onStopped(vip);
        safely(() -> self.onStopped(vip));
      }

      @Override
      public void onReleaseSubmitted(VipName vip, long epoch) {
        first.onReleaseSubmitted(vip, epoch);
        safely(() -> self.onReleaseSubmitted(vip, epoch));
      }

      @Override
      public void onEffectFailed(OwnerEffect effect, RuntimeException error) {
        first.onEffectFailed(effect, error);
        safely(() -> self.onEffectFailed(effect, error));
      }

      @Override
      public void onEffectDone(OwnerEffect effect) {
        first.onEffectDone(effect);
        safely(() -> self.onEffectDone(effect));
      }

      @Override
      public void onDrift(Drift drift) {
        first.onDrift(drift);
        safely(() -> self.onDrift(drift));
      }

      private void safely(Runnable call) {
        try {
          call.run();
        } catch (RuntimeException e) {
          log.warn("node metrics listener failed", e);
        }
      }
    };
  }
}
