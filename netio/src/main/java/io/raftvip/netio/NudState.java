package io.raftvip.netio;

import java.util.EnumSet;
import java.util.Set;

/** Neighbour (ARP/ND) entry states, the NUD_* bits of {@code ndm_state} (neighbour.h). */
public enum NudState {
  INCOMPLETE(0x01),
  REACHABLE(0x02),
  STALE(0x04),
  DELAY(0x08),
  PROBE(0x10),
  FAILED(0x20),
  NOARP(0x40),
  PERMANENT(0x80);

  private final int bit;

  NudState(int bit) {
    this.bit = bit;
  }

  public int bit() {
    return bit;
  }

  /** The states set in a {@code ndm_state} mask; empty for NUD_NONE. */
  public static Set<NudState> of(int mask) {
    EnumSet<NudState> s = EnumSet.noneOf(NudState.class);
    for (NudState n : values()) {
      if ((mask & n.bit) != 0) {
        s.add(n);
      }
    }
    return s;
  }
}
