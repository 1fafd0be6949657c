package io.raftvip.netio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MacAddressTest {

  @Test
  void vrrpVirtualMacs() {
    assertThat(VirtualMac.ipv4(7)).hasToString("00:00:5e:00:01:07");
    assertThat(VirtualMac.ipv4(1)).hasToString("00:00:5e:00:01:01");
    assertThat(VirtualMac.ipv6(255)).hasToString("00:00:5e:00:02:ff");
    assertThatThrownBy(() -> VirtualMac.ipv4(0)).hasMessageContaining("1..255, was 0");
    assertThatThrownBy(() -> VirtualMac.ipv6(256)).hasMessageContaining("1..255, was 256");
  }

  @Test
  void parseAndPrintRoundTrip() {
    MacAddress m = MacAddress.parse("02:00:00:00:00:0B");
    assertThat(m).hasToString("02:00:00:00:00:0b");
    assertThat(MacAddress.of(m.bytes())).isEqualTo(m).hasSameHashCodeAs(m);
    assertThat(MacAddress.parse("02-00-00-00-00-0b")).isEqualTo(m);
    assertThat(MacAddress.parse("ff:ff:ff:ff:ff:ff").isMulticast()).isTrue();
    assertThatThrownBy(() -> MacAddress.parse("02:00:00:00:00"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MacAddress.parse("02:00:00:00:00:zz"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MacAddress.of(new byte[5]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void constantsBytesAndOffsets() {
    MacAddress m = MacAddress.parse("02:00:00:00:00:0B");
    assertThat(m.bytes()).containsExactly(2, 0, 0, 0, 0, 11);
    assertThat(m.bits()).isEqualTo(0x0200_0000_000bL);
    assertThat(MacAddress.ofBits(m.bits())).isEqualTo(m);
    assertThat(MacAddress.parse("33-33-00-00-00-01")).isEqualTo(MacAddress.IPV6_ALL_NODES);
    assertThat(MacAddress.BROADCAST).hasToString("ff:ff:ff:ff:ff:ff");
    assertThat(MacAddress.IPV6_ALL_NODES.isMulticast()).isTrue();
    assertThat(MacAddress.ZERO.isZero()).isTrue();
    assertThat(m.isMulticast()).isFalse();
    assertThat(m.isZero()).isFalse();

    byte[] frame = new byte[10];
    m.writeTo(frame, 3);
    assertThat(frame).containsExactly(0, 0, 0, 2, 0, 0, 0, 0, 11, 0);
    assertThat(MacAddress.of(frame, 3)).isEqualTo(m);
  }

  @Test
  void rejectsMalformedInputNamingIt() {
    assertThatThrownBy(() -> MacAddress.parse("02:00:00:00:00"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("02:00:00:00:00");
    assertThatThrownBy(() -> MacAddress.parse("02:00:00:00:00:+f"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MacAddress.parse("02:00:00:00:00:1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MacAddress.of(new byte[5]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 5");
    assertThatThrownBy(() -> MacAddress.of(new byte[8], 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("offset 3 of a 8-byte array");
    assertThatThrownBy(() -> MacAddress.ofBits(1L << 48))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("48 bits");
  }

  @Test
  void bytesAreDefensiveCopies() {
    byte[] raw = {2, 0, 0, 0, 0, 1};
    MacAddress m = MacAddress.of(raw);
    raw[5] = 9;
    m.bytes()[5] = 9;
    assertThat(m).hasToString("02:00:00:00:00:01");
  }

  @Test
  void macvlanSpecValidatesOnTheSpot() {
    assertThatThrownBy(
            () -> MacvlanSpec.builder("vip1", "eth0", MacAddress.parse("01:00:5e:00:00:01")))
        .isInstanceOf(InvalidArgument.class)
        .hasMessageContaining("must be a unicast, non-zero address");
    assertThatThrownBy(() -> MacvlanSpec.builder("vip1", "vip1", VirtualMac.ipv4(1)))
        .hasMessageContaining("cannot be its own parent");
    assertThatThrownBy(() -> MacvlanSpec.builder("a-very-long-name", "eth0", VirtualMac.ipv4(1)))
        .hasMessageContaining("1..15 characters");
    assertThatThrownBy(
            () -> MacvlanSpec.builder("vip1", "eth0", VirtualMac.ipv4(1)).mode(MacvlanMode.VEPA))
        .hasMessageContaining("mode VEPA is not PRIVATE or BRIDGE");
    MacvlanSpec s = MacvlanSpec.builder("vip1", "eth0", VirtualMac.ipv4(1)).tag("vip-42").build();
    assertThat(s.alias()).isEqualTo("raftvip:vip-42");
    assertThat(s.mode()).isEqualTo(MacvlanMode.PRIVATE);
  }
}
