package io.raftvip.coordinator.reconcile;

import io.raftvip.coordinator.core.VipName;
import java.util.Objects;

/**
 * A change of kernel state that nobody asked the reconciler for, concerning a VIP this node serves
 * (or served a moment ago), as a {@link DataPlane} reports it. The reconciler repairs or reports it
 * on its own thread; a data plane only translates and queues (see {@link DataPlane#watch}).
 *
 * <p>Reports may be stale by the time they are handled (the reconciler's own changes produce the
 * same kernel notifications), so the reconciler re-checks the kernel before acting on one.
 */
public sealed interface Drift {

  /** The VIP concerned. */
  VipName vip();

  /** A human-readable account, e.g. "198.18.0.50/24 on eth0 (ifindex 2)". */
  String detail();

  /** raftvip's address of {@code vip} was removed (by someone else, or with its interface). */
  record AddressRemoved(VipName vip, String detail) implements Drift {
    public AddressRemoved {
      Objects.requireNonNull(vip, "vip");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * An interface carrying {@code vip} is usable again (administratively up with carrier) after it
   * was not: neighbours may have flushed or missed entries, so the VIP is announced again.
   */
  record LinkReturned(VipName vip, String detail) implements Drift {
    public LinkReturned {
      Objects.requireNonNull(vip, "vip");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /** An interface carrying {@code vip} (its interface or raftvip's macvlan) was deleted. */
  record InterfaceRemoved(VipName vip, String detail) implements Drift {
    public InterfaceRemoved {
      Objects.requireNonNull(vip, "vip");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /**
   * An address equal to {@code vip}'s appeared without raftvip's tag (e.g. {@code ip addr add} by
   * an operator). raftvip never removes it; it is reported, since it may answer for the VIP with
   * the wrong MAC or on a node that does not own the VIP.
   */
  record ForeignAddress(VipName vip, String detail) implements Drift {
    public ForeignAddress {
      Objects.requireNonNull(vip, "vip");
      Objects.requireNonNull(detail, "detail");
    }
  }
}
