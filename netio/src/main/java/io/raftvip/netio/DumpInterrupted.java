package io.raftvip.netio;

/**
 * Every attempt at a dump was marked NLM_F_DUMP_INTR: the table changed while the kernel was
 * walking it, so the result may be inconsistent (missing or duplicated entries). Retrying later
 * usually succeeds.
 */
public final class DumpInterrupted extends RtnetlinkException {
  private static final long serialVersionUID = 1L;

  private final int attempts;

  public DumpInterrupted(String operation, String object, int attempts) {
    super(
        operation,
        object,
        0,
        "dump interrupted by concurrent changes on all "
            + attempts
            + " attempts; results may be inconsistent",
        null);
    this.attempts = attempts;
  }

  public int attempts() {
    return attempts;
  }
}
