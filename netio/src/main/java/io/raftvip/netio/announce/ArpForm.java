package io.raftvip.netio.announce;

/**
 * Which gratuitous ARP frames an IPv4 announcement sends each round (linux-dataplane.md B.4). Linux
 * receivers update an existing entry from either; some other stacks only honour one, which is why
 * the default sends both.
 */
public enum ArpForm {
  /** op 1, THA zero: RFC 5227 "ARP Announcement", Linux arp_notify, {@code arping -U}. */
  REQUEST,
  /** op 2, THA = SHA: RFC 5944 section 4.6, {@code arping -A}. */
  REPLY
}
