package io.raftvip.bench;

import io.raftvip.netio.MacAddress;
import io.raftvip.netio.announce.frames.ArpFrame;
import io.raftvip.netio.announce.frames.NeighborAdvertisementFrame;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Building announcement frames as {@code AfPacketAnnouncer.sendOnce} does per frame: the record,
 * then {@code encode()} (the NA includes its ICMPv6 checksum over the pseudo-header).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FrameBuildBenchmark {
  private final MacAddress owner = MacAddress.parse("02:00:00:00:00:0b");
  private final Inet4Address vip4 = (Inet4Address) literal("198.18.0.240");
  private final Inet6Address vip6 = (Inet6Address) literal("2001:db8::1:f0");

  @Benchmark
  public byte[] gratuitousArpRequest() {
    return ArpFrame.gratuitousRequest(owner, vip4).encode();
  }

  @Benchmark
  public byte[] gratuitousArpReply() {
    return ArpFrame.gratuitousReply(owner, vip4).encode();
  }

  @Benchmark
  public byte[] unsolicitedNeighborAdvertisement() {
    return NeighborAdvertisementFrame.unsolicited(owner, vip6, false).encode();
  }

  private static InetAddress literal(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(s, e);
    }
  }
}
