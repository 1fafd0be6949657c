package io.raftvip.netio;

import static io.raftvip.netio.nl.Fixtures.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.netio.nl.Fixtures;
import io.raftvip.netio.nl.Rtnl;
import org.junit.jupiter.api.Test;

class NeighbourCodecTest {

  @Test
  void dumpRequestFiltersByIndexAttribute() {
    assertThat(NeighbourCodec.dumpRequest(Rtnl.AF_INET, 2).body())
        .isEqualTo(hex("02 00 0000 00000000 0000 00 00" + " 0800 0800 02000000"));
    assertThat(NeighbourCodec.dumpRequest(Rtnl.AF_INET6, 0).body())
        .isEqualTo(hex("0a 00 0000 00000000 0000 00 00"));
  }

  @Test
  void decodesRecordedReachableEntry() {
    Neighbour n = NeighbourCodec.decode(Fixtures.message("neigh-dump-client.hex")).orElseThrow();
    assertThat(n.ifindex()).isEqualTo(2);
    assertThat(n.address()).isEqualTo(AddressCodecTest.addr("198.18.0.100"));
    assertThat(n.mac()).contains(MacAddress.parse("02:00:00:00:00:64"));
    assertThat(n.states()).containsExactly(NudState.REACHABLE);
    assertThat(n.stateName()).isEqualTo("REACHABLE");
  }

  @Test
  void stateNamesJoinBits() {
    Neighbour n =
        new Neighbour(1, AddressCodecTest.addr("198.18.0.1"), java.util.Optional.empty(), 0x44);
    assertThat(n.stateName()).isEqualTo("STALE|NOARP");
    assertThat(
            new Neighbour(1, AddressCodecTest.addr("198.18.0.1"), java.util.Optional.empty(), 0)
                .stateName())
        .isEqualTo("NONE");
  }
}
