package io.raftvip.coordinator.core.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * An immutable prefix of an append-only list of entries; leaders share their backing list with the
 * followers that copied them, and copy on write when another view extended it.
 */
final class LogView {
  private final ArrayList<SimEntry> backing;
  private final int length;

  private LogView(ArrayList<SimEntry> backing, int length) {
    this.backing = backing;
    this.length = length;
  }

  static LogView of(List<SimEntry> entries) {
    return new LogView(new ArrayList<>(entries), entries.size());
  }

  int length() {
    return length;
  }

  /** 1-based. */
  SimEntry get(long index) {
    if (index < 1 || index > length) {
      throw new IndexOutOfBoundsException("index " + index + " of " + length);
    }
    return backing.get((int) index - 1);
  }

  long lastTerm() {
    return length == 0 ? 0 : backing.get(length - 1).term();
  }

  LogView append(SimEntry e) {
    if (backing.size() == length) {
      backing.add(e);
      return new LogView(backing, length + 1);
    }
    ArrayList<SimEntry> copy = new ArrayList<>(backing.subList(0, length));
    copy.add(e);
    return new LogView(copy, length + 1);
  }

  boolean isPrefixOf(LogView other) {
    if (length > other.length) {
      return false;
    }
    if (backing == other.backing) {
      return true;
    }
    for (int i = 1; i <= length; i++) {
      if (get(i) != other.get(i)) {
        return false;
      }
    }
    return true;
  }

  /** Raft's election restriction: is {@code this} (candidate) at least as up to date as other? */
  boolean atLeastAsUpToDateAs(LogView other) {
    if (lastTerm() != other.lastTerm()) {
      return lastTerm() > other.lastTerm();
    }
    return length >= other.length;
  }
}
