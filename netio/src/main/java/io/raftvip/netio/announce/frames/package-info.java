/**
 * Byte codecs for the frames the announcer sends and the prober reads: Ethernet + ARP ({@link
 * io.raftvip.netio.announce.frames.ArpFrame}), Ethernet + IPv6 + ICMPv6 Neighbor Advertisement
 * ({@link io.raftvip.netio.announce.frames.NeighborAdvertisementFrame}) and the Internet checksum.
 * Hardware addresses are {@link io.raftvip.netio.MacAddress}, the one MAC type of netio.
 *
 * <p>Pure: no IO, no clock, no threads; every type is immutable and safe to share. Owns nothing in
 * the kernel. Layouts and the receiver behaviour behind each choice are in
 * /work/shared/reference/linux-dataplane.md B.4.
 */
package io.raftvip.netio.announce.frames;
