package io.raftvip.netio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AddressSpecTest {

  @Test
  void prefixBeyondTheFamilyIsRejectedWithTheValue() {
    assertThatThrownBy(() -> AddressSpec.of("198.18.0.200/33"))
        .isInstanceOf(InvalidArgument.class)
        .hasMessage(
            "address spec 198.18.0.200/33: prefix length 33 is out of range 0..32 for an IPv4 address");
    assertThatThrownBy(() -> AddressSpec.of("2001:db8::1/129"))
        .isInstanceOf(InvalidArgument.class)
        .hasMessageContaining("prefix length 129 is out of range 0..128 for an IPv6 address");
    assertThat(((InvalidArgument) catchInvalid(() -> AddressSpec.of("198.18.0.1/-1"))).errno())
        .isZero();
  }

  @Test
  void onlyLiteralsAreAcceptedSoNothingAsksDns() {
    assertThatThrownBy(() -> AddressSpec.of("vip.example.com/32"))
        .isInstanceOf(InvalidArgument.class)
        .hasMessageContaining("is not an IP address literal");
    assertThatThrownBy(() -> AddressSpec.of("198.18.0.1"))
        .hasMessageContaining("expected address/prefix");
  }

  @Test
  void lifetimesAreCheckedBeforeSending() {
    assertThatThrownBy(() -> AddressSpec.builder("198.18.0.1/32").validLifetimeSec(0))
        .isInstanceOf(InvalidArgument.class)
        .hasMessageContaining("valid lifetime 0 s is out of range 1..4294967295");
    assertThatThrownBy(
            () ->
                AddressSpec.builder("198.18.0.1/32")
                    .validLifetimeSec(2)
                    .preferredLifetimeSec(3)
                    .build())
        .isInstanceOf(InvalidArgument.class)
        .hasMessageContaining("preferred lifetime 3 s exceeds valid lifetime 2 s");
    AddressSpec ok =
        AddressSpec.builder("198.18.0.1/32").validLifetimeSec(3).preferredLifetimeSec(0).build();
    assertThat(ok.validLifetimeSec()).isEqualTo(3);
    assertThat(ok.preferredLifetimeSec()).isZero();
    AddressSpec forever = AddressSpec.of("198.18.0.1/32");
    assertThat(forever.validLifetimeSec()).isEqualTo(0xFFFFFFFFL);
  }

  @Test
  void labelsAreCheckedOnTheSpotAndAgainstTheInterface() {
    assertThatThrownBy(() -> AddressSpec.builder("198.18.0.1/32").label("eth0:0123456789a"))
        .isInstanceOf(InvalidArgument.class)
        .hasMessageContaining("1..15 characters");
    assertThatThrownBy(() -> AddressSpec.builder("2001:db8::1/128").label("eth0"))
        .hasMessageContaining("IPv6 addresses have no label");
    Link eth0 = link("eth0");
    AddressSpec other = AddressSpec.builder("198.18.0.1/32").label("eth1:rv").build();
    assertThatThrownBy(() -> AddressTable.label(eth0, other, "add address"))
        .isInstanceOf(InvalidArgument.class)
        .hasMessage(
            "add address 198.18.0.1/32 on eth0 (ifindex 2): label 'eth1:rv' must be 'eth0' or start with 'eth0:'");
    assertThat(AddressTable.label(eth0, AddressSpec.of("198.18.0.1/32"), "add"))
        .isEqualTo("eth0:rv");
    assertThat(
            AddressTable.label(
                eth0, AddressSpec.builder("198.18.0.1/32").label("eth0").build(), "add"))
        .isEqualTo("eth0");
    assertThat(AddressTable.label(link("abcdefghijklmn"), AddressSpec.of("198.18.0.1/32"), "add"))
        .isEqualTo("abcdefghijklmn"); // "abcdefghijklmn:rv" would not fit 15 characters
    assertThat(AddressTable.label(eth0, AddressSpec.of("2001:db8::1/128"), "add")).isNull();
  }

  @Test
  void broadcastOnlyForIpv4Subnets() {
    assertThat(AddressSpec.of("198.18.0.200/24").broadcast())
        .contains(AddressCodecTest.addr("198.18.0.255"));
    assertThat(AddressSpec.of("198.18.0.201/30").broadcast())
        .contains(AddressCodecTest.addr("198.18.0.203"));
    assertThat(AddressSpec.of("198.18.0.201/0").broadcast())
        .contains(AddressCodecTest.addr("255.255.255.255"));
    assertThat(AddressSpec.of("198.18.0.200/31").broadcast()).isEmpty();
    assertThat(AddressSpec.of("198.18.0.200/32").broadcast()).isEmpty();
    assertThat(AddressSpec.of("2001:db8::1/64").broadcast()).isEmpty();
  }

  @Test
  void ipv6SkipsDadUnlessAsked() {
    assertThat(AddressSpec.of("2001:db8::1/128").noDad()).isTrue();
    assertThat(
            AddressSpec.builder("2001:db8::1/128").duplicateAddressDetection(true).build().noDad())
        .isFalse();
    assertThat(AddressSpec.of("198.18.0.1/32").noDad()).isFalse();
  }

  private static RuntimeException catchInvalid(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("expected an exception");
  }

  private static Link link(String name) {
    return new Link(
        2,
        name,
        Optional.empty(),
        1500,
        OperState.UP,
        1,
        Optional.empty(),
        Optional.empty(),
        0,
        Optional.empty(),
        Map.of());
  }

  @Test
  void cidrTextUsesTheRfc5952Form() {
    assertThat(
            List.of(
                AddressSpec.of("2001:db8:0::200/128").cidr(),
                AddressSpec.of("198.18.0.200/32").cidr()))
        .containsExactly("2001:db8::200/128", "198.18.0.200/32");
    assertThat(text("::")).isEqualTo("::");
    assertThat(text("::1")).isEqualTo("::1");
    assertThat(text("fe80::ff:fe00:b")).isEqualTo("fe80::ff:fe00:b");
    assertThat(text("2001:db8:0:1:0:0:0:1")).isEqualTo("2001:db8:0:1::1"); // longest run wins
    assertThat(text("2001:0:0:1:0:0:1:1")).isEqualTo("2001::1:0:0:1:1"); // first on a tie
    assertThat(text("2001:db8:1:1:1:1:0:1")).isEqualTo("2001:db8:1:1:1:1:0:1"); // one zero stays
    assertThat(text("1:0:0:0:0:0:0:0")).isEqualTo("1::");
  }

  private static String text(String literal) {
    return AddressSpec.text(AddressCodecTest.addr(literal));
  }
}
