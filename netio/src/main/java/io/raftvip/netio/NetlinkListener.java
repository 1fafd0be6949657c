package io.raftvip.netio;

/**
 * Receives {@link NetlinkEvent}s on the {@link NetlinkEvents} thread, in the order the kernel sent
 * them. Should return quickly: while it runs no notification is read, and a listener that falls far
 * enough behind makes the kernel drop notifications (then a {@link NetlinkEvent.Resynced} follows).
 * An exception thrown here is logged and the next event is delivered.
 */
@FunctionalInterface
public interface NetlinkListener {
  void onEvent(NetlinkEvent event);

  /** A failure to receive, decode or resynchronize; the thread keeps running. Default: ignored. */
  default void onError(RuntimeException error) {}
}
