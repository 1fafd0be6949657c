/**
 * The rtnetlink byte codec: {@link io.raftvip.netio.nl.NetlinkMessage} (nlmsghdr, builder and
 * datagram parser), attributes with 4-byte alignment and NLA_F_NESTED nesting, the fixed structs
 * ({@code ifaddrmsg}, {@code ifinfomsg}, {@code ndmsg}, {@code ifa_cacheinfo}, {@code nlmsgerr}
 * with extended-ACK TLVs) and the constants from the kernel's uapi headers.
 *
 * <p>Pure: no sockets, no JNA, no clock, no threads; everything here is testable without root. It
 * knows nothing about raftvip's ownership rules or typed errors; those live in {@code
 * io.raftvip.netio}. Integers are encoded in host byte order (as the kernel expects), addresses in
 * network byte order.
 *
 * <p>Thread rules: records and {@link io.raftvip.netio.nl.Attributes} are immutable and may be
 * shared; a {@link io.raftvip.netio.nl.NetlinkMessage.Builder} belongs to one thread.
 */
package io.raftvip.netio.nl;
