package io.raftvip.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The records validate themselves when built in code, not only when parsed. */
class ConfigRecordsTest {

  static final UUID CLUSTER_ID = UUID.fromString("2f6c0a3e-8d1b-4c8e-9a57-3f5e2b1c4d6e");

  static PeerConfig peer(int i) {
    return PeerConfig.withDefaultLease(
        "n" + i,
        HostPort.parse("198.18.0.1" + i + ":7101"),
        HostPort.parse("198.18.0.1" + i + ":7100"));
  }

  static VipConfig vip(String name, String cidr) {
    return new VipConfig(
        name,
        IpPrefix.parse(cidr),
        Optional.empty(),
        OptionalInt.empty(),
        new TreeMap<>(),
        false,
        List.of());
  }

  @Test
  void timingCollectsEveryRangeViolation() {
    InvalidConfigException e =
        catchThrowableOfType(
            InvalidConfigException.class,
            () ->
                new TimingConfig(
                    Duration.ofMillis(10),
                    Duration.ofMillis(1),
                    Duration.ofMillis(50),
                    Duration.ofMillis(150),
                    Duration.ofMillis(300),
                    0,
                    Duration.ofMillis(-1),
                    Duration.ofMillis(10),
                    Duration.ofSeconds(5)));

    assertThat(e.violations())
        .extracting(ConfigViolation::toString)
        .containsExactly(
            "lease: must be between 50ms and 1m, got 10ms",
            "renew-interval: must be between 5ms and 30s, got 1ms",
            "clock-drift-bound: must be between 0.001% and 10%, got 0%",
            "fence-precision: must be between 0s and 10s, got -1ms");
    assertThat(e).hasMessageStartingWith("lease: must be between 50ms and 1m, got 10ms; ");
  }

  @Test
  void timingChecksRelationsOnceRangesHold() {
    assertThatThrownBy(
            () ->
                new TimingConfig(
                    Duration.ofMillis(200),
                    Duration.ofMillis(100),
                    Duration.ofMillis(100),
                    Duration.ofMillis(150),
                    Duration.ofMillis(100),
                    10_000,
                    Duration.ofMillis(20),
                    Duration.ofMillis(10),
                    Duration.ofSeconds(5)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "renew-interval: must be less than half of lease (200ms) so that one lost renewal"
                + " does not cost the lease, got 100ms; raft-rpc-timeout-max: must be at least"
                + " raft-rpc-timeout-min (150ms), got 100ms; leader-lease-ping: must be at most"
                + " half of raft-rpc-timeout-min (150ms) so that the leader's lease survives one"
                + " lost ping, got 100ms");
  }

  @Test
  void defaultsAreValid() {
    assertThat(TimingConfig.DEFAULTS.renewInterval()).isEqualTo(Duration.ofMillis(50));
    assertThat(AnnounceConfig.DEFAULTS.count()).isEqualTo(3);
    assertThat(CheckSchedule.DEFAULTS.fall()).isEqualTo(3);
    assertThat(NotifyConfig.NONE.timeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void agentConfigChecksAcrossSections() {
    NodeConfig node = new NodeConfig("n1", Path.of("/var/lib/raftvip"), "eth0");
    ClusterConfig cluster = new ClusterConfig(CLUSTER_ID, List.of(peer(1), peer(2), peer(3)));
    AdminConfig admin = new AdminConfig(peer(1).adminAddress(), Optional.empty());

    InvalidConfigException e =
        catchThrowableOfType(
            InvalidConfigException.class,
            () ->
                new AgentConfig(
                    node,
                    cluster,
                    admin,
                    Optional.empty(),
                    Optional.empty(),
                    TimingConfig.DEFAULTS,
                    AnnounceConfig.DEFAULTS,
                    new TreeMap<>(),
                    List.of(vip("web", "198.18.0.200/24"), vip("web", "198.18.0.200/25")),
                    NotifyConfig.NONE));

    assertThat(e.violations())
        .extracting(ConfigViolation::toString)
        .containsExactly(
            "vips[1].name: VIP name \"web\" is already used by vips[0]",
            "vips[1].address: 198.18.0.200/25 overlaps VIP \"web\" (198.18.0.200/24) at vips[0]:"
                + " the same address with another prefix length");
  }

  @Test
  void agentConfigKnowsItself() {
    NodeConfig node = new NodeConfig("n2", Path.of("/var/lib/raftvip"), "eth0");
    ClusterConfig cluster = new ClusterConfig(CLUSTER_ID, List.of(peer(1), peer(2), peer(3)));

    AgentConfig config =
        new AgentConfig(
            node,
            cluster,
            new AdminConfig(HostPort.parse("0.0.0.0:7100"), Optional.empty()),
            Optional.empty(),
            Optional.empty(),
            TimingConfig.DEFAULTS,
            AnnounceConfig.DEFAULTS,
            new TreeMap<>(),
            List.of(vip("web", "198.18.0.200/24")),
            NotifyConfig.NONE);

    assertThat(config.self()).isEqualTo(peer(2));
    assertThat(config.warnings())
        .extracting(ConfigViolation::toString)
        .containsExactly(
            "admin.listen: 0.0.0.0:7100 listens on every address of this host, including ones"
                + " outside the cluster network");
  }

  @Test
  void collectionsAreCopiedAndUnmodifiable() {
    TreeMap<String, Integer> priorities = new TreeMap<>(Map.of("n1", 150));
    java.util.ArrayList<String> checks = new java.util.ArrayList<>(List.of("web"));
    VipConfig vip =
        new VipConfig(
            "web",
            IpPrefix.parse("198.18.0.200/24"),
            Optional.empty(),
            OptionalInt.of(1),
            priorities,
            true,
            checks);

    priorities.put("n2", 1);
    checks.add("api");

    assertThat(vip.priorities()).containsOnlyKeys("n1");
    assertThat(vip.healthChecks()).containsExactly("web");
    assertThatThrownBy(() -> vip.priorities().put("n3", 1))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void violationPlaceholderMatchesSeeAlso() {
    ConfigViolation v = new ConfigViolation("b", "same as {}", Optional.of("a"));

    assertThat(v.under("vips[1]").toString()).isEqualTo("vips[1].b: same as vips[1].a");
    assertThat(v.message(p -> p + " (line 3)")).isEqualTo("same as a (line 3)");
    assertThatThrownBy(() -> new ConfigViolation("b", "no place", Optional.of("a")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConfigViolation.of("b", "a place {} but none given"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void healthChecksValidateTheirOwnFields() {
    assertThatThrownBy(
            () -> new HealthCheckConfig.Exec("Script", List.of("check"), CheckSchedule.DEFAULTS))
        .hasMessage(
            "\"Script\" is not a valid health check name: use 1 to 63 lower-case letters, digits"
                + " or '-', not starting or ending with '-'; command[0]: must be an absolute path"
                + " (no PATH lookup), got \"check\"");
    assertThatThrownBy(
            () ->
                new HealthCheckConfig.Http(
                    "api", java.net.URI.create("/health"), 600, CheckSchedule.DEFAULTS))
        .hasMessage(
            "url: must be an http:// or https:// URL with a host, got \"/health\";"
                + " expect-status: must be between 100 and 599, got 600");
  }
}
