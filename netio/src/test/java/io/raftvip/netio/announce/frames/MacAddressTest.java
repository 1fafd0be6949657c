package io.raftvip.netio.announce.frames;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MacAddressTest {
  @Test
  void parsesFormatsAndRoundTripsBytes() {
    MacAddress m = MacAddress.parse("02:00:00:00:00:0B");
    assertThat(m.toString()).isEqualTo("02:00:00:00:00:0b");
    assertThat(m.bytes()).containsExactly(2, 0, 0, 0, 0, 11);
    assertThat(MacAddress.of(m.bytes())).isEqualTo(m);
    assertThat(MacAddress.parse("33-33-00-00-00-01")).isEqualTo(MacAddress.IPV6_ALL_NODES);
    assertThat(MacAddress.BROADCAST.toString()).isEqualTo("ff:ff:ff:ff:ff:ff");
    assertThat(MacAddress.IPV6_ALL_NODES.isMulticast()).isTrue();
    assertThat(m.isMulticast()).isFalse();
  }

  @Test
  void rejectsMalformedText() {
    assertThatThrownBy(() -> MacAddress.parse("02:00:00:00:00"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("02:00:00:00:00");
    assertThatThrownBy(() -> MacAddress.parse("02:00:00:00:00:xx"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MacAddress.of(new byte[5]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 5");
    assertThatThrownBy(() -> new MacAddress(1L << 48)).isInstanceOf(IllegalArgumentException.class);
  }
}
