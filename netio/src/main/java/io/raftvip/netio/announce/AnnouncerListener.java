package io.raftvip.netio.announce;

import io.raftvip.netio.NetioException;

/**
 * Hears about failures of work the announcer does on its own thread (burst rounds after the first,
 * periodic refreshes). Called on the announcer thread; must return quickly and not call back into
 * the announcer synchronously.
 */
public interface AnnouncerListener {
  AnnouncerListener NONE = new AnnouncerListener() {};

  /**
   * A round of {@code announcement} could not be sent: {@link AnnouncementBlocked} when the fence
   * dropped it, {@link AnnouncementFailed} or {@code NoSuchInterface} otherwise.
   */
  default void onSendFailed(Announcement announcement, NetioException error) {}
}
