package io.raftvip.netio.announce;

import java.net.InetAddress;

/**
 * How a burst ended.
 *
 * @param vip the announced address
 * @param roundsSent rounds whose frames all left
 * @param ownershipLost true when the ownership check stopped the burst early
 */
public record AnnounceReport(InetAddress vip, int roundsSent, boolean ownershipLost) {}
