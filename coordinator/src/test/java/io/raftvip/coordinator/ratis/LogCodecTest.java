package io.raftvip.coordinator.ratis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.raftvip.coordinator.core.Assignment;
import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.Outcome;
import io.raftvip.coordinator.core.Rejection;
import io.raftvip.coordinator.core.Vip;
import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.proto.common.v1.IpPrefix;
import io.raftvip.proto.log.v1.CreateVip;
import io.raftvip.proto.log.v1.LogCommand;
import io.raftvip.proto.log.v1.StateSnapshot;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Round trips and malformed input for {@link LogCodec}, over seeded generated values ({@link
 * LogGen}); a failure names the seed so it can be replayed.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LogCodecTest {

  private static final long SEED = 0x5eed_1096L;
  private static final int CASES = 2000;

  @Test
  void everyCommandKindRoundTrips() {
    Set<Class<?>> seen = new HashSet<>();
    for (int i = 0; i < CASES; i++) {
      long seed = SEED + i;
      Command c = new LogGen(seed).command();
      seen.add(c.getClass());
      try {
        assertThat(LogCodec.decodeCommand(LogCodec.encodeCommand(c)))
            .as("seed %d", seed)
            .isEqualTo(c);
      } catch (LogCodec.MalformedCommand e) {
        fail("seed " + seed + ": " + c + " did not decode: " + e.getMessage());
      }
    }
    assertThat(seen).containsExactlyInAnyOrder(Command.class.getPermittedSubclasses());
  }

  @Test
  void everyOutcomeAndRejectionKindRoundTrips() throws Exception {
    Set<Class<?>> seen = new HashSet<>();
    for (int i = 0; i < CASES; i++) {
      long seed = SEED + i;
      Outcome o = new LogGen(seed).outcome();
      if (o instanceof Outcome.Rejected r) {
        seen.add(r.reason().getClass());
      }
      assertThat(LogCodec.decodeReply(LogCodec.encodeReply(o))).as("seed %d", seed).isEqualTo(o);
    }
    assertThat(seen).containsExactlyInAnyOrder(Rejection.class.getPermittedSubclasses());
  }

  @Test
  void rejectedReplyCarriesKindMessageAndFields() {
    Rejection r = new Rejection.StaleEpoch(io.raftvip.coordinator.core.VipName.of("web"), 7, 9);
    var proto = LogCodec.toProto(new Outcome.Rejected(r)).getRejected();
    assertThat(proto.getKind())
        .isEqualTo(io.raftvip.proto.log.v1.RejectionKind.REJECTION_KIND_STALE_EPOCH);
    assertThat(proto.getMessage()).isEqualTo("VIP web is at epoch 9, not 7");
    assertThat(proto.getVip()).isEqualTo("web");
    assertThat(proto.getExpected()).isEqualTo(7);
    assertThat(proto.getActual()).isEqualTo(9);
  }

  @Test
  void generatedStatesRoundTripThroughSnapshots() throws Exception {
    Set<Assignment.State> states = new HashSet<>();
    for (int i = 0; i < CASES / 4; i++) {
      long seed = SEED + i;
      LogGen g = new LogGen(seed);
      ClusterState s = g.state();
      s.vips().values().forEach(v -> states.add(v.assignment().state()));
      long index = s.lastChangeIndex() + g.nextInt(100);
      LogCodec.SnapshotContent back = LogCodec.decodeSnapshot(LogCodec.encodeSnapshot(s, 3, index));
      assertThat(back.state()).as("seed %d", seed).isEqualTo(s);
      assertThat(back.appliedTerm()).isEqualTo(3);
      assertThat(back.appliedIndex()).isEqualTo(index);
    }
    assertThat(states).containsExactlyInAnyOrder(Assignment.State.values());
  }

  @Test
  void statesReachedThroughTheCoreRoundTrip() throws Exception {
    int nonTrivial = 0;
    for (int i = 0; i < 100; i++) {
      long seed = SEED + i;
      ClusterState s = new LogGen(seed).appliedState(60);
      if (!s.vips().isEmpty() && !s.nodes().isEmpty()) {
        nonTrivial++;
      }
      LogCodec.SnapshotContent back =
          LogCodec.decodeSnapshot(LogCodec.encodeSnapshot(s, 1, s.lastChangeIndex()));
      assertThat(back.state()).as("seed %d", seed).isEqualTo(s);
    }
    assertThat(nonTrivial).isGreaterThan(50);
  }

  @Test
  void singleVipsAndNodesRoundTrip() throws Exception {
    for (int i = 0; i < 200; i++) {
      ClusterState s = new LogGen(SEED + i).state();
      for (Vip v : s.vips().values()) {
        assertThat(LogCodec.fromProto(LogCodec.toProto(v))).isEqualTo(v);
      }
      for (var n : s.nodes().values()) {
        assertThat(LogCodec.fromProto(LogCodec.toProto(n))).isEqualTo(n);
      }
    }
  }

  @Test
  void randomBytesGiveMalformedCommandOrAValidCommandNeverAnotherError() {
    SplittableRandom r = new SplittableRandom(SEED);
    int malformed = 0;
    for (int i = 0; i < CASES; i++) {
      byte[] bytes = new byte[r.nextInt(64)];
      for (int j = 0; j < bytes.length; j++) {
        bytes[j] = (byte) r.nextInt(256);
      }
      try {
        LogCodec.decodeCommand(bytes);
      } catch (LogCodec.MalformedCommand e) {
        malformed++;
        assertThat(e.getMessage()).startsWith("malformed command: ");
      } catch (RuntimeException e) {
        fail("bytes " + Arrays.toString(bytes) + " threw " + e);
      }
    }
    assertThat(malformed).isGreaterThan(CASES / 2);
  }

  @Test
  void flippedBytesOfValidCommandsAndSnapshotsNeverThrowAnythingElse() {
    SplittableRandom r = new SplittableRandom(SEED);
    for (int i = 0; i < CASES / 2; i++) {
      LogGen g = new LogGen(SEED + i);
      byte[] command = LogCodec.encodeCommand(g.command());
      byte[] snapshot = LogCodec.encodeSnapshot(g.state(), 1, 1_000_000);
      for (byte[] bytes : new byte[][] {command, snapshot}) {
        if (bytes.length == 0) {
          continue;
        }
        bytes[r.nextInt(bytes.length)] ^= (byte) (1 << r.nextInt(8));
      }
      try {
        LogCodec.decodeCommand(command);
      } catch (LogCodec.MalformedCommand e) {
        assertThat(e.reason()).isNotBlank();
      } catch (RuntimeException e) {
        fail("seed " + (SEED + i) + ": command threw " + e);
      }
      try {
        LogCodec.decodeSnapshot(snapshot);
      } catch (LogCodec.MalformedSnapshot e) {
        assertThat(e.reason()).isNotBlank();
      } catch (RuntimeException e) {
        fail("seed " + (SEED + i) + ": snapshot threw " + e);
      }
    }
  }

  @Test
  void malformedCommandsNameTheProblem() {
    assertThatThrownBy(() -> LogCodec.decodeCommand(new byte[0]))
        .isInstanceOf(LogCodec.MalformedCommand.class)
        .hasMessage("malformed command: no command kind is set");
    assertThatThrownBy(() -> LogCodec.decodeCommand(new byte[] {(byte) 0x0a, 5, 1}))
        .isInstanceOf(LogCodec.MalformedCommand.class)
        .hasMessageStartingWith("malformed command: not a raftvip.log.v1.LogCommand (3 bytes)");
    // Field 99, varint 1: a command kind from a newer version.
    assertThatThrownBy(() -> LogCodec.decodeCommand(new byte[] {(byte) 0x98, 6, 1}))
        .hasMessage(
            "malformed command: no command kind is set (unknown field numbers [99]: written by a"
                + " newer raftvip?)");

    var spec = LogCodec.toProto(new Command.CreateVip(VipSpec.of("web", "198.18.0.200/24")));
    LogCommand badName =
        spec.toBuilder()
            .setCreateVip(
                CreateVip.newBuilder()
                    .setSpec(spec.getCreateVip().getSpec().toBuilder().setName("Web!")))
            .build();
    assertThatThrownBy(() -> LogCodec.fromProto(badName))
        .hasMessageStartingWith(
            "malformed command: create_vip.spec.name: VIP name \"Web!\" must be");
    LogCommand badAddress =
        spec.toBuilder()
            .setCreateVip(
                CreateVip.newBuilder()
                    .setSpec(
                        spec.getCreateVip().getSpec().toBuilder()
                            .setAddress(IpPrefix.newBuilder().setCidr("127.0.0.1/8"))))
            .build();
    assertThatThrownBy(() -> LogCodec.fromProto(badAddress))
        .hasMessageStartingWith(
            "malformed command: create_vip.spec.address: 127.0.0.1 cannot be a VIP");
    LogCommand noSpec =
        LogCommand.newBuilder().setCreateVip(CreateVip.getDefaultInstance()).build();
    assertThatThrownBy(() -> LogCodec.fromProto(noSpec))
        .hasMessage("malformed command: create_vip.spec is missing");
  }

  @Test
  void snapshotsOfAnotherVersionOrBrokenStateAreRefused() {
    ClusterState s = new LogGen(SEED).appliedState(40);
    StateSnapshot good = LogCodec.toSnapshot(s, 1, s.lastChangeIndex());
    assertThatThrownBy(() -> LogCodec.fromProto(good.toBuilder().setFormatVersion(2).build()))
        .isInstanceOf(LogCodec.MalformedSnapshot.class)
        .hasMessage("malformed snapshot: format_version 2 is not the version this build reads (1)");
    assertThatThrownBy(() -> LogCodec.fromProto(good.toBuilder().setFormatVersion(0).build()))
        .hasMessageContaining("format_version 0");

    var owned =
        LogCodec.toProto(
            new Vip(
                VipSpec.of("web", "198.18.0.200/24"), new Assignment.Owned(NodeId.of("ghost"), 1)));
    StateSnapshot orphan =
        StateSnapshot.newBuilder()
            .setFormatVersion(1)
            .setAppliedIndex(5)
            .setLastChangeIndex(5)
            .addVips(owned)
            .build();
    assertThatThrownBy(() -> LogCodec.fromProto(orphan))
        .hasMessage(
            "malformed snapshot: the state breaks an invariant: VIP web is held by unknown node"
                + " Optional[ghost]");
    StateSnapshot twice = orphan.toBuilder().clearVips().addVips(owned).addVips(owned).build();
    assertThatThrownBy(() -> LogCodec.fromProto(twice))
        .hasMessage("malformed snapshot: vips[1]: VIP web appears twice");
    StateSnapshot behind =
        LogCodec.toSnapshot(new ClusterState(new TreeMap<>(), new TreeMap<>(), 9), 1, 9).toBuilder()
            .setAppliedIndex(3)
            .build();
    assertThatThrownBy(() -> LogCodec.fromProto(behind))
        .hasMessage("malformed snapshot: applied_index 3 is below last_change_index 9");
  }

  @Test
  void rejectionsSurviveTheRatisExceptionMessage() {
    for (int i = 0; i < 300; i++) {
      Rejection r = new LogGen(SEED + i).rejection();
      CommandRejectedException e = CommandRejectedException.of(r);
      assertThat(e.getMessage()).startsWith(r.message());
      // Ratis re-creates the exception from its class name and message on the client side.
      CommandRejectedException recreated = new CommandRejectedException(e.getMessage());
      assertThat(CommandRejectedException.parse(recreated.getMessage())).contains(r);
      // ... and wraps it in a StateMachineException whose message adds a prefix.
      assertThat(CommandRejectedException.parse("x from Server n1@group: " + e.getMessage()))
          .contains(r);
    }
    assertThat(CommandRejectedException.parse("some other failure")).isEmpty();
    assertThat(CommandRejectedException.parse("x [raftvip-rejection:!!!]")).isEmpty();
    assertThat(CommandRejectedException.parse(null)).isEmpty();
  }
}
