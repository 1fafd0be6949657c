package io.raftvip.netio;

/**
 * How raftvip marks what it creates, so it never removes or changes what it did not create.
 *
 * <p>Addresses: IFA_PROTO (a u8 stored with the address and echoed in every dump and notification,
 * Linux 6.1+) is set to {@link #ADDRESS_PROTO} = 200 (0xC8). The kernel assigns 0 (IFAPROT_UNSPEC,
 * which is also what {@code ip addr add} and every tool that does not know the attribute leave), 1
 * (KERNEL_LO), 2 (KERNEL_RA) and 3 (KERNEL_LL), and would add new kernel values upwards from 4;
 * iproute2's {@code rt_addrprotos} names only those four. 200 is far from that range and is not in
 * anyone's published table, so a collision would need another daemon picking the same arbitrary
 * number. On kernels older than 6.1 dumps carry no IFA_PROTO, every address reads as proto 0 and
 * raftvip refuses to touch any of them — safe, never destructive.
 *
 * <p>Links: IFLA_IFALIAS (the free-text {@code ip link ... alias}) starts with {@link
 * #LINK_ALIAS_PREFIX}, e.g. {@code raftvip:vmac}.
 */
public final class Ownership {
  private Ownership() {}

  /** IFA_PROTO value on every address raftvip adds. */
  public static final int ADDRESS_PROTO = 0xC8;

  /** IFLA_IFALIAS prefix on every link raftvip creates. */
  public static final String LINK_ALIAS_PREFIX = "raftvip:";
}
