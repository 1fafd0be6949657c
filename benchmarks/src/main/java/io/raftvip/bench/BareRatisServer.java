package io.raftvip.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.util.TimeDuration;

/**
 * A bare Ratis server with a no-op state machine and the same election timeouts as raftvip: the
 * baseline of {@link IdleCpuBenchmark} ("idle agent CPU at most 1.2x a bare Ratis server with the
 * same timeouts"). Runs until killed.
 *
 * <p>Usage: {@code BareRatisServer ID GROUP_UUID DIR RPC_MIN_MS RPC_MAX_MS ID=HOST:PORT...}
 */
public final class BareRatisServer {

  private BareRatisServer() {}

  /** Applies nothing; enough for elections and heartbeats. */
  static final class NoOpStateMachine extends BaseStateMachine {
    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
      var e = trx.getLogEntry();
      updateLastAppliedTermIndex(e.getTerm(), e.getIndex());
      return CompletableFuture.completedFuture(Message.EMPTY);
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 6) {
      System.err.println(
          "usage: BareRatisServer ID GROUP_UUID DIR RPC_MIN_MS RPC_MAX_MS ID=HOST:PORT...");
      System.exit(2);
    }
    String self = args[0];
    UUID groupId = UUID.fromString(args[1]);
    Path dir = Path.of(args[2]);
    long min = Long.parseLong(args[3]);
    long max = Long.parseLong(args[4]);
    List<RaftPeer> peers = new ArrayList<>();
    int port = -1;
    for (int i = 5; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      peers.add(RaftPeer.newBuilder().setId(kv[0]).setAddress(kv[1]).build());
      if (kv[0].equals(self)) {
        port = Integer.parseInt(kv[1].substring(kv[1].lastIndexOf(':') + 1));
      }
    }
    RaftProperties p = new RaftProperties();
    Files.createDirectories(dir);
    RaftServerConfigKeys.setStorageDir(p, List.of(new File(dir.toString())));
    GrpcConfigKeys.Server.setPort(p, port);
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(min, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(max, TimeUnit.MILLISECONDS));
    RaftServer server =
        RaftServer.newBuilder()
            .setServerId(RaftPeerId.valueOf(self))
            .setGroup(RaftGroup.valueOf(RaftGroupId.valueOf(groupId), peers))
            .setStateMachine(new NoOpStateMachine())
            .setProperties(p)
            .setOption(RaftStorage.StartupOption.RECOVER)
            .build();
    server.start();
    System.err.println("bare ratis " + self + " started on port " + port);
    Thread.currentThread().join();
  }
}
