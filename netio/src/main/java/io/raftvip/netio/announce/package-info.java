/**
 * Announcements: gratuitous ARP (request and RFC-correct reply form) and IPv6 unsolicited neighbour
 * advertisements sent from user space over AF_PACKET, periodic refreshes, and the RFC 5227 ARP
 * probe that checks a candidate address for conflicts.
 *
 * <p>Why user space: Linux sends G-ARPs by itself only on link up or MAC change ({@code
 * arp_notify}), never when an address is added to an up interface (measured), and receivers keep a
 * cached MAC until told otherwise. Frames go through the normal transmit path on purpose: the
 * fence's netdev egress chain sees them and drops those for a VIP without a lease ({@link
 * io.raftvip.netio.announce.AnnouncementBlocked}); {@code PACKET_QDISC_BYPASS} would defeat that
 * and is never set.
 *
 * <p>Owns one AF_PACKET socket per announcer and one per running probe; touches no address, route
 * or sysctl (the rtnetlink classes do that). Byte layouts live in {@code frames} and are pure.
 *
 * <p>Threads: see {@link io.raftvip.netio.announce.AfPacketAnnouncer}: one thread for bursts and
 * refreshes, one for probes, both in the namespace of the opener; public methods are thread-safe
 * and never block except {@code sendOnce} (one system call per frame).
 */
package io.raftvip.netio.announce;
