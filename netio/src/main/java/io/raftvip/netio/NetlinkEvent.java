package io.raftvip.netio;

import java.util.List;

/**
 * A change the kernel announced on an rtnetlink multicast group, as delivered by {@link
 * NetlinkEvents}. Immutable.
 */
public sealed interface NetlinkEvent {

  /** A link appeared or changed (RTM_NEWLINK): flags, carrier, MAC, alias, settings. */
  record LinkChanged(Link link) implements NetlinkEvent {}

  /** A link was removed (RTM_DELLINK); {@code link} is its last state. */
  record LinkRemoved(Link link) implements NetlinkEvent {}

  /**
   * An address was added or updated (RTM_NEWADDR); a replace that renews lifetimes also arrives as
   * this event.
   */
  record AddressAdded(InterfaceAddress address) implements NetlinkEvent {}

  /** An address was removed (RTM_DELADDR): deleted, expired, or its link went away. */
  record AddressRemoved(InterfaceAddress address) implements NetlinkEvent {}

  /** A neighbour entry was created or changed state/MAC (RTM_NEWNEIGH). */
  record NeighbourChanged(Neighbour neighbour) implements NetlinkEvent {}

  /** A neighbour entry was removed (RTM_DELNEIGH). */
  record NeighbourRemoved(Neighbour neighbour) implements NetlinkEvent {}

  /**
   * The kernel dropped notifications (ENOBUFS: the listener fell behind); events before this one
   * may be missing. The snapshot was dumped after the overrun: every link and every IPv4/IPv6
   * address in the namespace at that moment. Events after it may repeat changes already in it.
   */
  record Resynced(List<Link> links, List<InterfaceAddress> addresses) implements NetlinkEvent {
    public Resynced {
      links = List.copyOf(links);
      addresses = List.copyOf(addresses);
    }
  }
}
