package io.raftvip.coordinator.core.control;

import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.Vip;
import io.raftvip.coordinator.core.VipName;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the controller remembers between ticks about each VIP: the epoch it last saw, when (leader
 * clock) it saw that epoch appear, and when it last proposed a change. Volatile leader state: a new
 * leader starts empty, so a VIP's hold-down restarts at a leadership change. Immutable.
 */
public final class ControllerMemory {

  /** One VIP's memory. */
  record Entry(long epoch, long changedAtMs, long proposedAtMs, boolean proposed) {}

  private static final ControllerMemory EMPTY =
      new ControllerMemory(new TreeMap<>(), Long.MIN_VALUE);

  private final SortedMap<VipName, Entry> entries;
  private final long lastPlanMs;

  private ControllerMemory(SortedMap<VipName, Entry> entries, long lastPlanMs) {
    this.entries = Collections.unmodifiableSortedMap(entries);
    this.lastPlanMs = lastPlanMs;
  }

  /** Nothing remembered. */
  public static ControllerMemory empty() {
    return EMPTY;
  }

  /**
   * This memory brought in line with {@code state}: a VIP seen for the first time, or at a new
   * epoch, is recorded as changed at {@code nowMs} and its pending proposal is cleared.
   */
  ControllerMemory sync(ClusterState state, long nowMs) {
    TreeMap<VipName, Entry> next = new TreeMap<>();
    for (Vip v : state.vips().values()) {
      Entry e = entries.get(v.name());
      long epoch = v.assignment().epoch();
      if (e == null || e.epoch() != epoch) {
        e = new Entry(epoch, nowMs, 0, false);
      }
      next.put(v.name(), e);
    }
    return new ControllerMemory(next, nowMs);
  }

  /** When the previous plan ran; {@code Long.MIN_VALUE} before the first. */
  long lastPlanMs() {
    return lastPlanMs;
  }

  ControllerMemory proposed(VipName vip, long nowMs) {
    TreeMap<VipName, Entry> next = new TreeMap<>(entries);
    Entry e = entries.get(vip);
    next.put(vip, new Entry(e.epoch(), e.changedAtMs(), nowMs, true));
    return new ControllerMemory(next, lastPlanMs);
  }

  /** True when a proposal for {@code vip} is younger than {@code retryMs}. */
  boolean pending(VipName vip, long nowMs, long retryMs) {
    Entry e = entries.get(vip);
    return e != null && e.proposed() && nowMs - e.proposedAtMs() < retryMs;
  }

  /** When the VIP's current epoch was first seen; {@code Long.MIN_VALUE} if unknown. */
  public long changedAtMs(VipName vip) {
    Entry e = entries.get(vip);
    return e == null ? Long.MIN_VALUE : e.changedAtMs();
  }

  /** Earliest instant a pending proposal may be retried; MAX_VALUE when none. */
  long nextRetryMs(long retryMs) {
    long next = Long.MAX_VALUE;
    for (Entry e : entries.values()) {
      if (e.proposed()) {
        next = Math.min(next, e.proposedAtMs() + retryMs);
      }
    }
    return next;
  }
}
