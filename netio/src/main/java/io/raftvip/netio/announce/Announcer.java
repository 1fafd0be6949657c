package io.raftvip.netio.announce;

import java.net.InetAddress;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Tells the LAN where a VIP lives now: gratuitous ARP (IPv4) or unsolicited neighbour
 * advertisements (IPv6) from the owner's MAC, as bursts and as periodic refreshes, and checks a
 * candidate IPv4 address for conflicts (RFC 5227 probe).
 *
 * <p>Thread rule: implementations are thread-safe; {@link #sendOnce} runs on the caller's thread (a
 * few microseconds), everything else on the announcer's own thread(s) and returns at once.
 */
public interface Announcer extends AutoCloseable {

  /**
   * Sends one round of {@code announcement} now, on the calling thread.
   *
   * @throws AnnouncementBlocked when the fence dropped a frame
   * @throws AnnouncementFailed on any other send error
   */
  void sendOnce(Announcement announcement);

  /**
   * Sends {@code announcement.count()} rounds, the first at once. The future completes after the
   * last round, early with {@code ownershipLost} when the ownership check says no, or exceptionally
   * with the first send error (no further rounds are sent then).
   */
  CompletableFuture<AnnounceReport> announce(Announcement announcement);

  /**
   * Re-sends one round of {@code announcement} every {@code periodMs} (first after one period),
   * replacing any refresh of the same VIP, until {@link #stopRefresh}. Failures go to the listener;
   * the refresh carries on (a fenced VIP must not stop its refresh forever: the lease may come
   * back).
   */
  void startRefresh(Announcement announcement, long periodMs);

  /** Stops the refresh of {@code vip}; true if there was one. */
  boolean stopRefresh(InetAddress vip);

  /** VIPs with a refresh running. */
  Set<InetAddress> refreshing();

  /** Runs an RFC 5227 probe; completes within {@code probe.maxDurationMs()} plus scheduling. */
  CompletableFuture<ProbeResult> probe(ArpProbe probe);

  /** Stops refreshes and bursts and releases sockets and threads. Idempotent. */
  @Override
  void close();
}
