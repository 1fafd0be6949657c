package io.raftvip.netio.announce;

import io.raftvip.netio.NetioException;

/**
 * The kernel dropped an announcement before the wire and said so with ENOBUFS. The usual reason is
 * the fence: its netdev egress chain drops frames whose ARP sender or IPv6 source is a VIP without
 * a live lease (linux-dataplane.md B.3, measured: {@code send()} fails with ENOBUFS). Expected when
 * a node whose lease ran out still tries to announce; the caller should stop announcing that VIP.
 */
public final class AnnouncementBlocked extends NetioException {
  private static final long serialVersionUID = 1L;

  public AnnouncementBlocked(String object, int errno) {
    super(
        "send announcement",
        object,
        errno,
        "frame dropped before the wire (ENOBUFS): blocked by the fence's egress chain"
            + " (no live lease for this VIP) or by the interface's queue",
        null);
  }
}
