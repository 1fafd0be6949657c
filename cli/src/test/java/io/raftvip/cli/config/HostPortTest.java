package io.raftvip.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostPortTest {

  @ParameterizedTest
  @CsvSource({
    "198.18.0.11:7100, 198.18.0.11, 7100, 198.18.0.11:7100",
    "[2001:DB8::11]:7100, 2001:db8::11, 7100, [2001:db8::11]:7100",
    "Node1.Example.NET:1, node1.example.net, 1, node1.example.net:1",
    "localhost:65535, localhost, 65535, localhost:65535",
    "0.0.0.0:9109, 0.0.0.0, 9109, 0.0.0.0:9109",
  })
  void parses(String text, String host, int port, String canonical) {
    HostPort hp = HostPort.parse(text);

    assertThat(hp).isEqualTo(new HostPort(host, port));
    assertThat(hp.toString()).isEqualTo(canonical);
    assertThat(HostPort.parse(hp.toString())).isEqualTo(hp);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "198.18.0.11 | expected host:port like \"198.18.0.11:7100\", got \"198.18.0.11\"",
        "198.18.0.11:0 | \"198.18.0.11:0\": port 0 is not between 1 and 65535",
        "198.18.0.11:70000 | \"198.18.0.11:70000\": port 70000 is not between 1 and 65535",
        "198.18.0.11:http | \"198.18.0.11:http\": port \"http\" is not a number between 1 and"
            + " 65535",
        ":7100 | \":7100\" has no host; give the address to use, or \"0.0.0.0:7100\" for every"
            + " address of this host",
        "2001:db8::1:7100 | \"2001:db8::1:7100\": put an IPv6 address in brackets, like"
            + " \"[2001:db8::11]:7100\"",
        "[2001:db8::1:7100 | \"[2001:db8::1:7100\" has '[' without a closing ']'",
        "[2001:db8::1] | \"[2001:db8::1]\" has no port; expected [address]:port like"
            + " \"[2001:db8::11]:7100\"",
        "[198.18.0.1]:7100 | \"[198.18.0.1]:7100\": only IPv6 addresses go in brackets; write"
            + " \"198.18.0.1:7100\"",
        "198.18.0.256:7100 | \"198.18.0.256:7100\" is not a valid IPv4 address: octet 256 is"
            + " above 255",
        "bad_host:7100 | \"bad_host:7100\": \"bad_host\" is neither an IP address nor a valid"
            + " host name",
        "-x.example:7100 | \"-x.example:7100\": \"-x.example\" is neither an IP address nor a"
            + " valid host name",
      })
  void refusesWithTheReason(String text, String message) {
    assertThatThrownBy(() -> HostPort.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void clashesOnTheSamePortOfTheSameOrAWildcardAddress() {
    HostPort admin = HostPort.parse("198.18.0.11:7100");

    assertThat(admin.clashesWith(HostPort.parse("198.18.0.11:7100"))).isTrue();
    assertThat(admin.clashesWith(HostPort.parse("0.0.0.0:7100"))).isTrue();
    assertThat(HostPort.parse("[::]:7100").clashesWith(admin)).isTrue();
    assertThat(admin.clashesWith(HostPort.parse("198.18.0.11:7101"))).isFalse();
    assertThat(admin.clashesWith(HostPort.parse("127.0.0.1:7100"))).isFalse();
  }

  @Test
  void knowsWildcardsAndNames() {
    assertThat(HostPort.parse("0.0.0.0:1").isWildcard()).isTrue();
    assertThat(HostPort.parse("[::]:1").isWildcard()).isTrue();
    assertThat(HostPort.parse("198.18.0.1:1").isWildcard()).isFalse();
    assertThat(HostPort.parse("example.net:1").ip()).isEmpty();
    assertThat(HostPort.parse("example.net:1").isWildcard()).isFalse();
  }
}
