package io.raftvip.coordinator.ratis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftvip.coordinator.core.NodeId;
import java.nio.file.Path;
import java.util.UUID;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;

class RaftSettingsTest {

  private static final NodeId N1 = NodeId.of("n1");
  private static final NodeId N2 = NodeId.of("n2");

  private static RaftSettings.Builder valid() {
    return RaftSettings.builder()
        .nodeId(N1)
        .peer(N1, "127.0.0.1:7001")
        .peer(N2, "127.0.0.1:7002")
        .groupId(UUID.fromString("02511d47-d67c-49a3-9011-abb3109a44c1"))
        .storageDir(Path.of("/tmp/unused"));
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    RaftSettings s = valid().build();
    assertThat(s.rpcTimeoutMinMs()).isEqualTo(150);
    assertThat(s.rpcTimeoutMaxMs()).isEqualTo(300);
    assertThat(s.requestTimeoutMs()).isEqualTo(3000);
    assertThat(s.snapshotThresholdEntries()).isEqualTo(10_000);
    assertThat(s.self()).isEqualTo(new RaftSettings.Peer(N1, "127.0.0.1", 7001));
    assertThat(s.quorumSize()).isEqualTo(2);
  }

  @Test
  void eachValueIsCheckedWithAPreciseMessage() {
    assertThatThrownBy(() -> valid().rpcTimeoutMs(40, 300))
        .hasMessage("rpcTimeoutMinMs 40 must be between 50 and 60000");
    assertThatThrownBy(() -> valid().rpcTimeoutMs(300, 150))
        .hasMessage("rpcTimeoutMaxMs 150 must be >= rpcTimeoutMinMs 300");
    assertThatThrownBy(() -> valid().requestTimeoutMs(200).build())
        .hasMessage("requestTimeoutMs 200 must be between 300 and 600000");
    assertThatThrownBy(() -> valid().snapshotThresholdEntries(0))
        .hasMessage("snapshotThresholdEntries 0 must be between 1 and its type's maximum");
    assertThatThrownBy(() -> valid().logSegmentSizeBytes(10))
        .hasMessage("logSegmentSizeBytes 10 must be between 1024 and 1073741824");
    assertThatThrownBy(() -> valid().logPurgeGapEntries(0))
        .hasMessage("logPurgeGapEntries 0 must be between 1 and its type's maximum");
    assertThatThrownBy(() -> valid().peer(N1, "127.0.0.1:7009"))
        .hasMessage("peer n1 is listed twice");
    assertThatThrownBy(() -> valid().peer(NodeId.of("n3"), "127.0.0.1:7001").build())
        .hasMessage("address 127.0.0.1:7001 of peer n3 is used by another peer");
    assertThatThrownBy(() -> valid().nodeId(NodeId.of("n9")).build())
        .hasMessage("this node n9 is not among peers [n1, n2]");
    assertThatThrownBy(() -> RaftSettings.builder().nodeId(N1).build())
        .hasMessage("groupId is required");
  }

  @Test
  void peerAddressesParseWithPreciseErrors() {
    assertThat(RaftSettings.Peer.parse(N1, "[2001:db8::1]:7000"))
        .isEqualTo(new RaftSettings.Peer(N1, "2001:db8::1", 7000));
    assertThat(RaftSettings.Peer.parse(N1, "[2001:db8::1]:7000").address())
        .isEqualTo("[2001:db8::1]:7000");
    assertThat(RaftSettings.Peer.parse(N1, "node1.example:7000").host()).isEqualTo("node1.example");
    assertThatThrownBy(() -> RaftSettings.Peer.parse(N1, "127.0.0.1"))
        .hasMessage("address \"127.0.0.1\" of peer n1 must be host:port or [ipv6]:port");
    assertThatThrownBy(() -> RaftSettings.Peer.parse(N1, "2001:db8::1:7000"))
        .hasMessage("address \"2001:db8::1:7000\" of peer n1 must be host:port or [ipv6]:port");
    assertThatThrownBy(() -> RaftSettings.Peer.parse(N1, "h:70000"))
        .hasMessage("port 70000 of peer n1 must be between 1 and 65535");
    assertThatThrownBy(() -> RaftSettings.Peer.parse(N1, "h:x1"))
        .hasMessage("port \"x1\" in address \"h:x1\" of peer n1 is not a number");
  }

  @Test
  void serverPropertiesSetEveryValueExplicitly() {
    RaftSettings s = valid().rpcTimeoutMs(200, 400).snapshotThresholdEntries(50).build();
    RaftProperties p = RaftNode.serverProperties(s);
    assertThat(GrpcConfigKeys.Server.port(p)).isEqualTo(7001);
    assertThat(GrpcConfigKeys.Server.host(p)).isEqualTo("127.0.0.1");
    assertThat(RaftServerConfigKeys.LeaderElection.preVote(p)).isTrue();
    assertThat(
            RaftServerConfigKeys.Rpc.timeoutMin(p)
                .toLong(java.util.concurrent.TimeUnit.MILLISECONDS))
        .isEqualTo(200);
    assertThat(
            RaftServerConfigKeys.Rpc.timeoutMax(p)
                .toLong(java.util.concurrent.TimeUnit.MILLISECONDS))
        .isEqualTo(400);
    assertThat(
            RaftServerConfigKeys.LeaderElection.leaderStepDownWaitTime(p)
                .toLong(java.util.concurrent.TimeUnit.MILLISECONDS))
        .as("a leader that stepped down may stand again after one election timeout")
        .isEqualTo(400);
    assertThat(RaftServerConfigKeys.Read.option(p))
        .isEqualTo(RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    assertThat(RaftServerConfigKeys.Snapshot.autoTriggerEnabled(p)).isTrue();
    assertThat(RaftServerConfigKeys.Snapshot.autoTriggerThreshold(p)).isEqualTo(50);
    assertThat(RaftServerConfigKeys.Log.purgeUptoSnapshotIndex(p)).isTrue();
  }
}
