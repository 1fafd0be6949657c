package io.raftvip.netio;

/** RFC 2863 operational state of a link (IFLA_OPERSTATE, enum IF_OPER_* in if.h). */
public enum OperState {
  UNKNOWN,
  NOT_PRESENT,
  DOWN,
  LOWER_LAYER_DOWN,
  TESTING,
  DORMANT,
  UP;

  /** The state for an IF_OPER_* value; UNKNOWN for values this code does not know. */
  public static OperState of(int value) {
    OperState[] all = values();
    return value >= 0 && value < all.length ? all[value] : UNKNOWN;
  }
}
