package io.raftvip.coordinator.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guards the Ratis dependency set declared in the root pom (ratis-server + ratis-grpc +
 * ratis-metrics-default, an SLF4J 2 provider): three servers in one JVM on loopback elect a leader
 * and commit an entry, and a client with a bounded retry policy gives up instead of spinning
 * forever when there is no quorum. Missing ratis-metrics-default shows up here as an
 * ExceptionInInitializerError (shared/reference/ratis.md A.0).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RatisEmbeddingTest {

  /** Counts applied entries; enough to observe commits without the raftvip core. */
  static final class CountingStateMachine extends BaseStateMachine {
    final AtomicLong applied = new AtomicLong();

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
      var entry = trx.getLogEntry();
      updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
      return CompletableFuture.completedFuture(
          Message.valueOf(Long.toString(applied.incrementAndGet())));
    }
  }

  @Test
  void threeServersCommitAndClientRetriesAreBounded(@TempDir Path dir) throws Exception {
    List<RaftPeer> peers = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      peers.add(RaftPeer.newBuilder().setId("n" + i).setAddress("127.0.0.1:" + freePort()).build());
    }
    RaftGroup group = RaftGroup.valueOf(RaftGroupId.valueOf(UUID.randomUUID()), peers);
    List<RaftServer> servers = new ArrayList<>();
    try {
      for (RaftPeer peer : peers) {
        RaftProperties p = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(
            p, List.of(Files.createDirectories(dir.resolve(peer.getId().toString())).toFile()));
        GrpcConfigKeys.Server.setPort(p, port(peer));
        RaftServer server =
            RaftServer.newBuilder()
                .setServerId(peer.getId())
                .setGroup(group)
                .setStateMachine(new CountingStateMachine())
                .setProperties(p)
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        server.start();
        servers.add(server);
      }

      try (RaftClient client = boundedClient(group)) {
        RaftClientReply reply = client.io().send(Message.valueOf("hello"));
        assertThat(reply.isSuccess()).isTrue();
        assertThat(reply.getMessage().getContent().toString(StandardCharsets.UTF_8)).isEqualTo("1");
      }

      // Take two of three servers away: no quorum. The bounded client must fail, not hang.
      servers.get(1).close();
      servers.get(2).close();
      long start = System.nanoTime();
      try (RaftClient client = boundedClient(group)) {
        Throwable failure = null;
        try {
          RaftClientReply reply = client.io().send(Message.valueOf("no quorum"));
          assertThat(reply.isSuccess()).isFalse();
        } catch (IOException e) {
          failure = e;
        }
        assertThat(failure).isNotNull();
      }
      assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(30);
    } finally {
      for (RaftServer s : servers) {
        s.close();
      }
    }
  }

  private static RaftClient boundedClient(RaftGroup group) {
    RaftProperties p = new RaftProperties();
    org.apache.ratis.client.RaftClientConfigKeys.Rpc.setRequestTimeout(
        p, TimeDuration.valueOf(1, TimeUnit.SECONDS));
    return RaftClient.newBuilder()
        .setRaftGroup(group)
        .setProperties(p)
        .setRetryPolicy(
            RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                5, TimeDuration.valueOf(200, TimeUnit.MILLISECONDS)))
        .build();
  }

  private static int port(RaftPeer peer) {
    String a = peer.getAddress();
    return Integer.parseInt(a.substring(a.lastIndexOf(':') + 1));
  }

  private static int freePort() throws IOException {
    return io.raftvip.testlan.FreePorts.next();
  }
}
