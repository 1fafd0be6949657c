package io.raftvip.coordinator.core.sim;

import io.raftvip.coordinator.core.Command;

/**
 * A log entry; identity matters (log matching compares entries by reference).
 *
 * @param term the term it was appended in
 * @param command null for a leader's startup no-op
 * @param requestId the submitter's request id (0 for no-ops)
 * @param origin node index of the submitter, {@link Simulation#ADMIN}, or -1 for none
 */
record SimEntry(long term, Command command, long requestId, int origin) {
  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }
}
