package io.raftvip.coordinator.core.lease;

import io.raftvip.coordinator.core.VipSpec;
import java.util.Objects;

/**
 * A VIP a node holds, as the holder needs it: the spec (to configure the address), the fencing
 * epoch, and whether it has been asked to release it.
 *
 * @param spec the VIP's spec
 * @param epoch the assignment's epoch
 * @param releasing true when the holder must close the fence, remove the address and commit Release
 */
public record OwnedVip(VipSpec spec, long epoch, boolean releasing) {
  public OwnedVip {
    Objects.requireNonNull(spec, "spec");
  }
}
