package io.raftvip.bench;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.raftvip.proto.admin.v1.AdminServiceGrpc;
import io.raftvip.proto.admin.v1.CreateVipRequest;
import io.raftvip.proto.admin.v1.UpdateVipRequest;
import io.raftvip.proto.admin.v1.VipSpec;
import io.raftvip.proto.common.v1.IpPrefix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;

/**
 * One side of {@link WriteLatencyBenchmark}, run as a child JVM in the client namespace: N
 * sequential committed writes, then one line {@code RESULT <kind> p50 p90 p99 max} (ms).
 *
 * <p>{@code admin HOST:PORT N}: UpdateVip through the admin API (validated, forwarded to the
 * leader, committed, read back). {@code ratis GROUP_UUID N ID=HOST:PORT...}: a Ratis client write
 * of a message the size of raftvip's encoded UpdateVip to a bare Ratis group.
 */
public final class WriteLatencyClient {

  /** Writes before measuring: connection set-up, JIT. */
  static final int WARMUP = 30;

  private WriteLatencyClient() {}

  public static void main(String[] args) throws Exception {
    String kind = args[0];
    long[] ms;
    if (kind.equals("admin")) {
      ms = admin(args[1], Integer.parseInt(args[2]));
    } else {
      List<RaftPeer> peers = new ArrayList<>();
      for (int i = 3; i < args.length; i++) {
        String[] kv = args[i].split("=", 2);
        peers.add(RaftPeer.newBuilder().setId(kv[0]).setAddress(kv[1]).build());
      }
      ms = ratis(UUID.fromString(args[1]), Integer.parseInt(args[2]), peers);
    }
    Arrays.sort(ms);
    System.out.printf(
        Locale.ROOT,
        "RESULT %s %d %.2f %.2f %.2f %.2f%n",
        kind,
        ms.length,
        pct(ms, 0.5),
        pct(ms, 0.9),
        pct(ms, 0.99),
        ms[ms.length - 1] / 1000.0);
    System.exit(0);
  }

  private static double pct(long[] sortedMicros, double q) {
    int i = (int) Math.min(sortedMicros.length - 1, Math.round(q * (sortedMicros.length - 1)));
    return sortedMicros[i] / 1000.0;
  }

  private static VipSpec spec(int i) {
    return VipSpec.newBuilder()
        .setName("bench")
        .setAddress(IpPrefix.newBuilder().setCidr("198.18.0.250/32"))
        .setPreempt(i % 2 == 0)
        .build();
  }

  private static long[] admin(String target, int n) {
    String[] hp = target.split(":");
    ManagedChannel ch =
        NettyChannelBuilder.forAddress(hp[0], Integer.parseInt(hp[1])).usePlaintext().build();
    try {
      var stub = AdminServiceGrpc.newBlockingStub(ch);
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      while (true) {
        try {
          stub.withDeadlineAfter(10, TimeUnit.SECONDS)
              .createVip(CreateVipRequest.newBuilder().setSpec(spec(1)).build());
          break;
        } catch (io.grpc.StatusRuntimeException e) {
          // The cluster is still forming (UNAVAILABLE) or the VIP exists from a retry.
          if (e.getStatus().getCode() == io.grpc.Status.Code.ALREADY_EXISTS) {
            break;
          }
          if (System.nanoTime() > until) {
            throw e;
          }
          try {
            Thread.sleep(500);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw e;
          }
        }
      }
      long[] out = new long[n];
      for (int i = -WARMUP; i < n; i++) {
        long t0 = System.nanoTime();
        stub.withDeadlineAfter(30, TimeUnit.SECONDS)
            .updateVip(UpdateVipRequest.newBuilder().setSpec(spec(i)).build());
        if (i >= 0) {
          out[i] = (System.nanoTime() - t0) / 1000;
        }
      }
      return out;
    } finally {
      ch.shutdownNow();
    }
  }

  private static long[] ratis(UUID group, int n, List<RaftPeer> peers) throws Exception {
    // The size of raftvip's log entry for the same UpdateVip.
    byte[] payload = new byte[spec(0).getSerializedSize() + 4];
    try (RaftClient c =
        RaftClient.newBuilder()
            .setProperties(new RaftProperties())
            .setRaftGroup(RaftGroup.valueOf(RaftGroupId.valueOf(group), peers))
            .build()) {
      long[] out = new long[n];
      for (int i = -WARMUP; i < n; i++) {
        long t0 = System.nanoTime();
        var reply =
            c.io()
                .send(
                    Message.valueOf(
                        org.apache.ratis.thirdparty.com.google.protobuf.ByteString.copyFrom(
                            payload)));
        if (!reply.isSuccess()) {
          throw new IllegalStateException("ratis write failed: " + reply.getException());
        }
        if (i >= 0) {
          out[i] = (System.nanoTime() - t0) / 1000;
        }
      }
      return out;
    }
  }
}
