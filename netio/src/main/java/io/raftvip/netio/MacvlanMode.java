package io.raftvip.netio;

import io.raftvip.netio.nl.Rtnl;
import java.util.Optional;

/** Macvlan forwarding modes (MACVLAN_MODE_* in if_link.h). */
public enum MacvlanMode {
  /**
   * No frames between macvlans of one parent, not even via the switch. keepalived's choice for
   * VMACs: VEPA-like reflection would make the node see its own frames with the VIP's MAC.
   */
  PRIVATE(Rtnl.MACVLAN_MODE_PRIVATE),
  /** Frames between macvlans of one parent go out to the switch and back (needs hairpin). */
  VEPA(Rtnl.MACVLAN_MODE_VEPA),
  /** Frames between macvlans of one parent are switched inside the kernel. */
  BRIDGE(Rtnl.MACVLAN_MODE_BRIDGE),
  /** One macvlan takes over the parent entirely. */
  PASSTHRU(Rtnl.MACVLAN_MODE_PASSTHRU),
  /** Accepts only frames from an allow-list of source MACs. */
  SOURCE(Rtnl.MACVLAN_MODE_SOURCE);

  private final int value;

  MacvlanMode(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }

  public static Optional<MacvlanMode> of(int value) {
    for (MacvlanMode m : values()) {
      if (m.value == value) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }
}
