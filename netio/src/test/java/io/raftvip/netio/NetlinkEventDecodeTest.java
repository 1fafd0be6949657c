package io.raftvip.netio;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.netio.NetlinkEvent.AddressAdded;
import io.raftvip.netio.NetlinkEvent.AddressRemoved;
import io.raftvip.netio.NetlinkEvent.LinkChanged;
import io.raftvip.netio.NetlinkEvent.NeighbourChanged;
import io.raftvip.netio.nl.Fixtures;
import io.raftvip.netio.nl.NetlinkMessage;
import io.raftvip.netio.nl.Nlmsg;
import org.junit.jupiter.api.Test;

class NetlinkEventDecodeTest {

  @Test
  void recordedAddressNotificationsBecomeAddedAndRemoved() {
    NetlinkEvent added =
        NetlinkEvents.decode(Fixtures.message("event-newaddr-v6.hex")).orElseThrow();
    NetlinkEvent removed =
        NetlinkEvents.decode(Fixtures.message("event-deladdr-v6.hex")).orElseThrow();
    assertThat(added).isInstanceOf(AddressAdded.class);
    assertThat(((AddressAdded) added).address().cidr()).isEqualTo("2001:db8::200/128");
    assertThat(removed).isInstanceOf(AddressRemoved.class);
    assertThat(((AddressRemoved) removed).address().cidr()).isEqualTo("2001:db8::200/128");

    NetlinkEvent v4 =
        NetlinkEvents.decode(Fixtures.message("event-deladdr-v4-secondary.hex")).orElseThrow();
    assertThat(((AddressRemoved) v4).address().cidr()).isEqualTo("198.18.0.200/24");
  }

  @Test
  void recordedLinkAndNeighbourMessagesDecode() {
    assertThat(NetlinkEvents.decode(Fixtures.message("link-vip1.hex")).orElseThrow())
        .isInstanceOfSatisfying(
            LinkChanged.class, e -> assertThat(e.link().name()).isEqualTo("vip1"));
    assertThat(NetlinkEvents.decode(Fixtures.message("neigh-dump-client.hex")).orElseThrow())
        .isInstanceOfSatisfying(
            NeighbourChanged.class,
            e -> assertThat(e.neighbour().stateName()).isEqualTo("REACHABLE"));
  }

  @Test
  void otherMessagesAreNotEvents() {
    assertThat(NetlinkEvents.decode(new NetlinkMessage(Nlmsg.NLMSG_DONE, 0, 0, 0, new byte[4])))
        .isEmpty();
    assertThat(
            NetlinkEvents.decode(new NetlinkMessage(24 /* RTM_NEWROUTE */, 0, 0, 0, new byte[12])))
        .isEmpty();
  }
}
