package io.raftvip.coordinator.core.lease;

import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.VipSpec;
import java.util.Objects;

/**
 * What a node's data plane must do, produced by {@link OwnerLease} in the order to carry it out:
 * {@link ArmFence} before {@link AddAddress}; {@link CloseFence} before {@link RemoveAddress}
 * before {@link CommitRelease}. The netio shell executes them in order on its own thread.
 */
public sealed interface OwnerEffect {

  /** The VIP concerned. */
  VipName vip();

  /**
   * Open (or keep open) the fence of {@code spec} until {@code deadlineMs}, an absolute value of
   * the node's monotonic clock. Convert it to the kernel timeout at the moment of writing (timeout
   * = deadline − now; skip when not positive); never pass on a duration computed earlier, or a
   * queueing delay would stretch the lease.
   */
  record ArmFence(VipSpec spec, long epoch, long deadlineMs) implements OwnerEffect {
    public ArmFence {
      Objects.requireNonNull(spec, "spec");
    }

    @Override
    public VipName vip() {
      return spec.name();
    }
  }

  /** Close the fence of {@code spec} now. */
  record CloseFence(VipSpec spec) implements OwnerEffect {
    public CloseFence {
      Objects.requireNonNull(spec, "spec");
    }

    @Override
    public VipName vip() {
      return spec.name();
    }
  }

  /** Add the address with this valid (and preferred) lifetime, a backstop if the node stops. */
  record AddAddress(VipSpec spec, long epoch, int validLifetimeSec) implements OwnerEffect {
    public AddAddress {
      Objects.requireNonNull(spec, "spec");
    }

    @Override
    public VipName vip() {
      return spec.name();
    }
  }

  /** Extend the address's valid lifetime. */
  record RefreshAddress(VipSpec spec, int validLifetimeSec) implements OwnerEffect {
    public RefreshAddress {
      Objects.requireNonNull(spec, "spec");
    }

    @Override
    public VipName vip() {
      return spec.name();
    }
  }

  /** Remove the address (idempotent: it may not be there). */
  record RemoveAddress(VipSpec spec) implements OwnerEffect {
    public RemoveAddress {
      Objects.requireNonNull(spec, "spec");
    }

    @Override
    public VipName vip() {
      return spec.name();
    }
  }

  /** Send gratuitous ARP / unsolicited NA for the VIP under {@code epoch}. */
  record Announce(VipSpec spec, long epoch) implements OwnerEffect {
    public Announce {
      Objects.requireNonNull(spec, "spec");
    }

    @Override
    public VipName vip() {
      return spec.name();
    }
  }

  /** Submit {@code Release(vip, epoch, self)}: fence closed and address removed. */
  record CommitRelease(VipName vip, long epoch) implements OwnerEffect {
    public CommitRelease {
      Objects.requireNonNull(vip, "vip");
    }
  }
}
