package io.raftvip.cli.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How a new owner tells the LAN: gratuitous ARP (IPv4) or unsolicited neighbour advertisements
 * (IPv6).
 *
 * @param count announcements sent right after taking a VIP
 * @param interval spacing of those announcements
 * @param refresh re-announce every owned VIP this often, for neighbours that missed the burst; zero
 *     = never
 */
public record AnnounceConfig(int count, Duration interval, Duration refresh) {

  static final int COUNT_MAX = 10;
  static final Duration INTERVAL_MIN = Duration.ofMillis(10);
  static final Duration INTERVAL_MAX = Duration.ofSeconds(10);
  static final Duration REFRESH_MIN = Duration.ofSeconds(1);
  static final Duration REFRESH_MAX = Duration.ofHours(1);

  /** Three announcements 100 ms apart, refreshed every 10 s. */
  public static final AnnounceConfig DEFAULTS =
      new AnnounceConfig(3, Duration.ofMillis(100), Duration.ofSeconds(10));

  public AnnounceConfig {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(refresh, "refresh");
    Violations v = new Violations();
    v.range("count", count, 1, COUNT_MAX);
    v.range("interval", interval, INTERVAL_MIN, INTERVAL_MAX);
    if (!refresh.isZero()) {
      if (refresh.compareTo(REFRESH_MIN) < 0 || refresh.compareTo(REFRESH_MAX) > 0) {
        v.add(
            "refresh",
            "must be 0s (off) or between "
                + Units.formatDuration(REFRESH_MIN)
                + " and "
                + Units.formatDuration(REFRESH_MAX)
                + ", got "
                + Units.formatDuration(refresh));
      }
    }
    v.throwIfAny();
  }

  /** False when {@code refresh} is zero. */
  public boolean refreshEnabled() {
    return !refresh.isZero();
  }
}
