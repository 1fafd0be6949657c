package io.raftvip.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input is exit 2 with a precise message, and no call reaches the cluster. */
class InputValidationTest {

  FakeCluster cluster;

  @BeforeEach
  void start() {
    cluster = FakeCluster.start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    cluster.close();
  }

  static List<Arguments> badInput() {
    List<Arguments> a = new ArrayList<>();
    a.add(
        Arguments.of(
            "vip add web 198.18.0.300/24",
            "VIP address \"198.18.0.300/24\" is not a valid IPv4 address: octet 300 is above"
                + " 255"));
    a.add(
        Arguments.of(
            "vip add web 198.18.0.200",
            "VIP address \"198.18.0.200\" has no prefix length; write it as address/prefix, e.g."
                + " \"198.18.0.200/24\" (/32 or /128 for no connected route)"));
    a.add(
        Arguments.of(
            "vip add web 198.18.0.200/33",
            "VIP address \"198.18.0.200/33\": prefix length 33 is above 32, the maximum for"
                + " IPv4"));
    a.add(
        Arguments.of(
            "vip add web 2001:db8::200/129",
            "VIP address \"2001:db8::200/129\": prefix length 129 is above 128, the maximum for"
                + " IPv6"));
    a.add(
        Arguments.of(
            "vip add web 198.18.0.0/24",
            "VIP address \"198.18.0.0/24\" cannot float between hosts: 198.18.0.0/24 is the"
                + " network address of its subnet, not a host address"));
    a.add(
        Arguments.of(
            "vip add Web 198.18.0.200/24",
            "VIP name \"Web\" is invalid: use 1 to 63 lower-case letters, digits or '-', starting"
                + " with a letter or digit"));
    a.add(Arguments.of("vip add web", "Missing required parameter: 'ADDRESS/PREFIX'"));
    a.add(
        Arguments.of(
            "vip add web 198.18.0.200/24 --vrid 0",
            "--vrid 0 is out of range 1..255 (leave --vrid out for no virtual MAC)"));
    a.add(
        Arguments.of(
            "vip add web 198.18.0.200/24 --vrid 256",
            "--vrid 256 is out of range 1..255 (leave --vrid out for no virtual MAC)"));
    a.add(
        Arguments.of(
            "vip add web 198.18.0.200/24 --priority n1=256",
            "--priority \"n1=256\": priority 256 is above 255"));
    a.add(
        Arguments.of(
            "vip add web 198.18.0.200/24 --priority n1",
            "--priority \"n1\" must be NODE=PRIORITY, like n1=150"));
    a.add(
        Arguments.of(
            "vip add web 198.18.0.200/24 --priority n1=-1",
            "--priority \"n1=-1\": priority must be a number 0..255"));
    a.add(
        Arguments.of(
            "vip add web 198.18.0.200/24 --priority N1=5",
            "--priority \"N1=5\": node id \"N1\" is invalid: use 1 to 63 lower-case letters,"
                + " digits or '-', starting with a letter or digit"));
    a.add(
        Arguments.of(
            "vip add web 198.18.0.200/24 --priority n1=5 --priority n1=6",
            "--priority names node \"n1\" twice"));
    a.add(
        Arguments.of(
            "vip add web 198.18.0.200/24 --preempt --sticky",
            "--preempt and --sticky exclude each other; give one"));
    a.add(
        Arguments.of(
            "vip add web 198.18.0.200/24 --interface eth0/1",
            "--interface \"eth0/1\" is not a valid interface name: use 1 to 15 printable"
                + " characters without '/', ':' or spaces"));
    a.add(
        Arguments.of(
            "vip add web 198.18.0.200/24 --health-check a --health-check a",
            "--health-check \"a\" is given twice"));
    a.add(
        Arguments.of(
            "vip set web 198.18.0.200/24 --vrid 300",
            "--vrid 300 is out of range 1..255 (leave --vrid out for no virtual MAC)"));
    a.add(Arguments.of("vip set web --vrid 300", "--vrid 300 is out of range 1..255"));
    a.add(Arguments.of("vip get a_b", "VIP name \"a_b\" is invalid"));
    a.add(Arguments.of("vip move web --to N2", "--to node id \"N2\" is invalid"));
    a.add(Arguments.of("node drain n_1", "node id \"n_1\" is invalid"));
    a.add(
        Arguments.of(
            "node add n4 --raft 198.18.0.14 --admin 198.18.0.14:7100",
            "--raft: expected host:port like \"198.18.0.11:7100\", got \"198.18.0.14\""));
    a.add(
        Arguments.of(
            "node add n4 --raft 0.0.0.0:7101 --admin 198.18.0.14:7100",
            "--raft: \"0.0.0.0:7101\" is a wildcard address; give the address other nodes dial"));
    a.add(
        Arguments.of(
            "node add n4 --raft 198.18.0.14:7100 --admin 198.18.0.14:7100",
            "--raft and --admin are both 198.18.0.14:7100; they need different ports"));
    a.add(
        Arguments.of(
            "node add n4 --admin 198.18.0.14:7100", "Missing required option: '--raft=HOST:PORT'"));
    a.add(Arguments.of("leader transfer --to X", "--to node id \"X\" is invalid"));
    a.add(Arguments.of("watch --count 0", "--count 0 must be at least 1"));
    a.add(Arguments.of("watch --from-index -1", "--from-index -1 must not be negative"));
    a.add(
        Arguments.of(
            "status --timeout 10",
            "--timeout: expected a duration like \"200ms\" or \"1.5s\", got \"10\""));
    a.add(Arguments.of("status --timeout 0s", "--timeout must be positive, got \"0s\""));
    return a;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInput")
  void isExitCode2WithAPreciseMessageAndNoCall(String command, String message) {
    AdminCli r = AdminCli.at(cluster, command.split(" "));

    assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("raftvip: ").contains(message).contains("--help");
    assertThat(cluster.calls.get()).as("calls that reached the cluster").isZero();
  }

  @Test
  void aGroupWithoutSubcommandIsExitCode2() {
    AdminCli r = AdminCli.run("vip");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("raftvip: Missing required subcommand");
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("badClusters")
  void aBadClusterListIsExitCode2(String cluster, String message) {
    AdminCli r = AdminCli.run("status", "-c", cluster);

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains(message);
  }

  static List<Arguments> badClusters() {
    return List.of(
        Arguments.of("", "--cluster is empty; give host:port[,host:port...]"),
        Arguments.of("127.0.0.1:7100,,127.0.0.1:7101", "has an empty entry"),
        Arguments.of("127.0.0.1", "--cluster: expected host:port like"),
        Arguments.of("::1:7100", "put an IPv6 address in brackets"),
        Arguments.of("127.0.0.1:70000", "is not between 1 and 65535"));
  }
}
