package io.raftvip.bench;

import io.raftvip.netio.AddressSpec;
import io.raftvip.netio.Ownership;
import io.raftvip.netio.nl.IfAddrMsg;
import io.raftvip.netio.nl.IfaCacheInfo;
import io.raftvip.netio.nl.NetlinkMessage;
import io.raftvip.netio.nl.Nlmsg;
import io.raftvip.netio.nl.Rtnl;
import java.net.Inet6Address;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Encoding an RTM_NEWADDR request to wire bytes: the pure half of {@code AddressTable.add}. The
 * steps mirror netio's package-private {@code AddressCodec.newAddress} through the public {@code
 * nl} codec (ifaddrmsg, IFA_LOCAL, IFA_ADDRESS, IFA_LABEL for IPv4, IFA_FLAGS, IFA_CACHEINFO,
 * IFA_PROTO), then {@code toBytes()} as the socket does before {@code send}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NetlinkEncodeBenchmark {
  private static final int IFINDEX = 2;

  private final AddressSpec v4 = AddressSpec.builder("198.18.0.240/32").lifetimeSec(3).build();
  private final AddressSpec v6 = AddressSpec.builder("2001:db8::1:f0/128").lifetimeSec(3).build();

  @Benchmark
  public byte[] newAddressIpv4() {
    return encode(v4, "eth0:rv");
  }

  @Benchmark
  public byte[] newAddressIpv6() {
    return encode(v6, null);
  }

  private static byte[] encode(AddressSpec spec, String label) {
    int ifaFlags = spec.noDad() ? Rtnl.IFA_F_NODAD : 0;
    byte[] addr = spec.address().getAddress();
    NetlinkMessage.Builder b =
        NetlinkMessage.builder(Rtnl.RTM_NEWADDR, Nlmsg.NLM_F_CREATE | Nlmsg.NLM_F_EXCL)
            .struct(
                new IfAddrMsg(
                        spec.address() instanceof Inet6Address ? Rtnl.AF_INET6 : Rtnl.AF_INET,
                        spec.prefixLength(),
                        ifaFlags & 0xff,
                        Rtnl.RT_SCOPE_UNIVERSE,
                        IFINDEX)
                    .toBytes())
            .attr(Rtnl.IFA_LOCAL, addr)
            .attr(Rtnl.IFA_ADDRESS, addr);
    if (label != null) {
      b.attrString(Rtnl.IFA_LABEL, label);
    }
    return b.attrU32(Rtnl.IFA_FLAGS, ifaFlags)
        .attr(
            Rtnl.IFA_CACHEINFO,
            IfaCacheInfo.lifetimes(spec.preferredLifetimeSec(), spec.validLifetimeSec()).toBytes())
        .attrU8(Rtnl.IFA_PROTO, Ownership.ADDRESS_PROTO)
        .build()
        .withSeq(42)
        .toBytes();
  }
}
