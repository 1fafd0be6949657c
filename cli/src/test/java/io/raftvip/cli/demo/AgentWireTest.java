package io.raftvip.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.coordinator.core.lease.GrantReply;
import io.raftvip.coordinator.core.lease.OwnedVip;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The driver-agent line protocol: every message round-trips; garbage is not obeyed. */
class AgentWireTest {
  static final VipSpec VIP = VipSpec.of("demo", "198.18.0.200/32");

  @Test
  void grantsCarryTheSendTimeTheViewAndTheHoldings() {
    GrantReply.Grant g =
        GrantReply.Grant.of(123_456, 17, Map.of(VIP.name(), new OwnedVip(VIP, 12, true)));

    String line = AgentWire.grant(g);

    assertThat(line).isEqualTo("grant 123456 17 demo,198.18.0.200/32,12,1");
    AgentWire.GrantMessage back =
        (AgentWire.GrantMessage) AgentWire.parseFromDriver(line).orElseThrow();
    assertThat(back.grant().requestSentAtMs()).isEqualTo(123_456);
    assertThat(back.grant().asOfIndex()).isEqualTo(17);
    OwnedVip v = back.grant().held().get(VipName.of("demo"));
    assertThat(v.epoch()).isEqualTo(12);
    assertThat(v.releasing()).isTrue();
    assertThat(v.spec().address().cidr()).isEqualTo("198.18.0.200/32");
  }

  @Test
  void anEmptyGrantRefusalsAndQuitParse() {
    assertThat(AgentWire.parseFromDriver("grant 5 9"))
        .hasValueSatisfying(m -> assertThat(((AgentWire.GrantMessage) m).grant().held()).isEmpty());
    String refuse = AgentWire.refuse(new GrantReply.Refusal(7, GrantReply.Reason.NODE_EXPIRED));
    assertThat(refuse).isEqualTo("refuse 7 NODE_EXPIRED");
    assertThat(AgentWire.parseFromDriver(refuse))
        .hasValueSatisfying(
            m ->
                assertThat(((AgentWire.RefuseMessage) m).refusal().reason())
                    .isEqualTo(GrantReply.Reason.NODE_EXPIRED));
    assertThat(AgentWire.parseFromDriver(AgentWire.quit()))
        .containsInstanceOf(AgentWire.Quit.class);
  }

  @Test
  void agentMessagesRoundTrip() {
    assertThat(AgentWire.parseFromAgent(AgentWire.join())).containsInstanceOf(AgentWire.Join.class);
    assertThat(AgentWire.parseFromAgent(AgentWire.renew(1000, 200)))
        .hasValue(new AgentWire.Renew(1000, 200));
    assertThat(AgentWire.parseFromAgent(AgentWire.release(VipName.of("demo"), 12)))
        .hasValue(new AgentWire.Release(VipName.of("demo"), 12));

    String event =
        AgentWire.event(
            "fence-armed",
            99,
            1_764_000_000_000_000L,
            NodeDataPlane.fields("deadline-ms", 5180, "note", "a b"));
    AgentWire.Event e = (AgentWire.Event) AgentWire.parseFromAgent(event).orElseThrow();
    assertThat(e.what()).isEqualTo("fence-armed");
    assertThat(e.monoNanos()).isEqualTo(99);
    assertThat(e.wallMicros()).isEqualTo(1_764_000_000_000_000L);
    assertThat(e.number("deadline-ms", -1)).isEqualTo(5180);
    assertThat(e.fields()).containsEntry("note", "a_b");
    assertThat(e.number("missing", -1)).isEqualTo(-1);
  }

  @Test
  void malformedLinesAreIgnored() {
    for (String bad :
        List.of(
            "",
            "hello",
            "renew x 200",
            "renew 1",
            "release demo",
            "release Bad_Name 1",
            "event x",
            "event x mono-ns=1",
            "join now",
            "x".repeat(AgentWire.LINE_LENGTH_MAX + 1))) {
      assertThat(AgentWire.parseFromAgent(bad)).as(bad).isEmpty();
    }
    for (String bad :
        List.of(
            "grant 1",
            "grant 1 2 demo,198.18.0.200/32,1",
            "grant 1 2 demo,198.18.0.200/32,1,2",
            "grant 1 2 demo,not-an-address,1,0",
            "refuse 1 NO_SUCH_REASON",
            "own demo")) {
      assertThat(AgentWire.parseFromDriver(bad)).as(bad).isEmpty();
    }
  }
}
