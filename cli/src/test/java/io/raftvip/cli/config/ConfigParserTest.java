package io.raftvip.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A good config in, the right model out; defaults; round trips; file-level failures. */
class ConfigParserTest {

  static final String FULL =
      """
      node:
        id: n2
        storage-dir: /srv/raftvip
        interface: eth1
      cluster:
        id: 2F6C0A3E-8D1B-4C8E-9A57-3F5E2B1C4D6E
        peers:
          - {id: n1, raft: 198.18.0.11:7101, admin: 198.18.0.11:7100}
          - {id: n2, raft: '[2001:db8::12]:7101', admin: '[2001:DB8::12]:7100'}
          - {id: n3, raft: node3.example.net:7101, admin: Node3.Example.NET:7100}
      admin:
        listen: '[2001:db8::12]:7100'
        token-file: /etc/raftvip/token
      tls:
        cert: /etc/raftvip/node.pem
        key: /etc/raftvip/node.key
        ca: /etc/raftvip/ca.pem
      metrics:
        listen: 127.0.0.1:9109
      timing:
        lease: 1.5s
        renew-interval: 300ms
        leader-lease-ping: 100ms
        raft-rpc-timeout-min: 200ms
        raft-rpc-timeout-max: 400ms
        clock-drift-bound: 0.05%
        fence-precision: 250ms
        expiry-margin: 25ms
        move-hold-down: 2m
      announce:
        count: 5
        interval: 50ms
        refresh: 0s
      health-checks:
        web: {type: tcp, target: 127.0.0.1:80, interval: 1s, timeout: 500ms, rise: 2, fall: 3}
        script: {type: exec, command: ["/usr/local/bin/check", "--quiet"], interval: 2s, timeout: 1s}
        api: {type: http, url: "https://127.0.0.1:8443/health", expect-status: 204}
      vips:
        - name: web
          address: 198.18.0.200/24
          interface: eth0
          vrid: 51
          priorities: {n1: 150, n2: 100}
          preempt: true
          health-checks: [web, script]
        - name: api
          address: 2001:DB8::0:200/64
      notify:
        on-owner: /usr/local/bin/became-owner
        on-release: /usr/local/bin/released
        timeout: 30s
      """;

  @Test
  void readsEveryField() {
    ConfigResult result = ConfigParser.parse("full.yaml", FULL);

    assertThat(result.problems()).isEmpty();
    assertThat(result.ok()).isTrue();
    AgentConfig c = result.config().orElseThrow();

    assertThat(c.node()).isEqualTo(new NodeConfig("n2", Path.of("/srv/raftvip"), "eth1"));
    assertThat(c.cluster().id()).isEqualTo(UUID.fromString("2f6c0a3e-8d1b-4c8e-9a57-3f5e2b1c4d6e"));
    assertThat(c.cluster().peers()).extracting(PeerConfig::id).containsExactly("n1", "n2", "n3");
    assertThat(c.self().raftAddress()).isEqualTo(new HostPort("2001:db8::12", 7101));
    assertThat(c.self().adminAddress().toString()).isEqualTo("[2001:db8::12]:7100");
    assertThat(c.cluster().peers().get(2).adminAddress())
        .isEqualTo(new HostPort("node3.example.net", 7100));
    assertThat(c.admin())
        .isEqualTo(
            new AdminConfig(
                HostPort.parse("[2001:db8::12]:7100"), Optional.of(Path.of("/etc/raftvip/token"))));
    assertThat(c.tls())
        .contains(
            new TlsConfig(
                Path.of("/etc/raftvip/node.pem"),
                Path.of("/etc/raftvip/node.key"),
                Path.of("/etc/raftvip/ca.pem")));
    assertThat(c.metrics()).contains(new MetricsConfig(HostPort.parse("127.0.0.1:9109")));
    assertThat(c.timing())
        .isEqualTo(
            new TimingConfig(
                Duration.ofMillis(1500),
                Duration.ofMillis(300),
                Duration.ofMillis(100),
                Duration.ofMillis(200),
                Duration.ofMillis(400),
                500,
                Duration.ofMillis(250),
                Duration.ofMillis(25),
                Duration.ofMinutes(2)));
    assertThat(c.timing().clockDriftBoundFraction()).isEqualTo(0.0005);
    assertThat(c.announce()).isEqualTo(new AnnounceConfig(5, Duration.ofMillis(50), Duration.ZERO));
    assertThat(c.announce().refreshEnabled()).isFalse();
    assertThat(c.healthChecks().keySet()).containsExactly("api", "script", "web");
    assertThat(c.healthChecks().get("web"))
        .isEqualTo(
            new HealthCheckConfig.Tcp(
                "web",
                HostPort.parse("127.0.0.1:80"),
                new CheckSchedule(Duration.ofSeconds(1), Duration.ofMillis(500), 2, 3)));
    assertThat(c.healthChecks().get("script"))
        .isEqualTo(
            new HealthCheckConfig.Exec(
                "script",
                List.of("/usr/local/bin/check", "--quiet"),
                new CheckSchedule(Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 3)));
    assertThat(c.healthChecks().get("api"))
        .isEqualTo(
            new HealthCheckConfig.Http(
                "api", URI.create("https://127.0.0.1:8443/health"), 204, CheckSchedule.DEFAULTS));
    VipConfig web = c.vips().get(0);
    assertThat(web.name()).isEqualTo("web");
    assertThat(web.address()).isEqualTo(IpPrefix.parse("198.18.0.200/24"));
    assertThat(web.interfaceName()).contains("eth0");
    assertThat(web.vrid()).isEqualTo(OptionalInt.of(51));
    assertThat(web.virtualMac()).contains("00:00:5e:00:01:33");
    assertThat(web.priorities()).containsExactly(entry("n1", 150), entry("n2", 100));
    assertThat(web.preempt()).isTrue();
    assertThat(web.healthChecks()).containsExactly("web", "script");
    VipConfig api = c.vips().get(1);
    assertThat(api.address().toString()).isEqualTo("2001:db8::200/64");
    assertThat(api.interfaceOn(c.node().interfaceName())).isEqualTo("eth1");
    assertThat(api.vrid()).isEmpty();
    assertThat(api.priorities()).isEmpty();
    assertThat(api.preempt()).isFalse();
    assertThat(api.healthChecks()).isEmpty();
    assertThat(c.notifications())
        .isEqualTo(
            new NotifyConfig(
                Optional.of(Path.of("/usr/local/bin/became-owner")),
                Optional.of(Path.of("/usr/local/bin/released")),
                Duration.ofSeconds(30)));
  }

  private static java.util.Map.Entry<String, Integer> entry(String k, int v) {
    return java.util.Map.entry(k, v);
  }

  @Test
  void fillsDefaults() {
    AgentConfig c =
        ConfigParser.parse("base.yaml", ConfigErrorsTest.BASE + "tls:\nmetrics: ~\n")
            .config()
            .orElseThrow();

    assertThat(c.node().storageDir()).isEqualTo(NodeConfig.DEFAULT_STORAGE_DIR);
    assertThat(c.admin().listen()).isEqualTo(c.self().adminAddress());
    assertThat(c.admin().tokenFile()).isEmpty();
    assertThat(c.tls()).as("an empty section is an absent one").isEmpty();
    assertThat(c.metrics()).isEmpty();
    assertThat(c.timing()).isEqualTo(TimingConfig.DEFAULTS);
    assertThat(c.timing().lease()).isEqualTo(Duration.ofMillis(200));
    assertThat(c.timing().clockDriftBoundPpm()).isEqualTo(10_000);
    assertThat(c.announce()).isEqualTo(AnnounceConfig.DEFAULTS);
    assertThat(c.healthChecks()).isEmpty();
    assertThat(c.vips()).isEmpty();
    assertThat(c.notifications()).isEqualTo(NotifyConfig.NONE);
    assertThat(c.warnings()).isEmpty();
  }

  @Test
  void roundTripsThroughTheWriter() {
    AgentConfig full = ConfigParser.parse("full.yaml", FULL).config().orElseThrow();
    AgentConfig base =
        ConfigParser.parse("base.yaml", ConfigErrorsTest.BASE).config().orElseThrow();

    for (AgentConfig c : List.of(full, base)) {
      String yaml = ConfigWriter.toYaml(c);
      ConfigResult again = ConfigParser.parse("written.yaml", yaml);

      assertThat(again.problems()).as(yaml).isEmpty();
      assertThat(again.config()).contains(c);
      assertThat(ConfigWriter.toYaml(again.config().orElseThrow())).isEqualTo(yaml);
    }
  }

  @Test
  void writerSpellsOutDefaults() {
    AgentConfig base =
        ConfigParser.parse("base.yaml", ConfigErrorsTest.BASE).config().orElseThrow();

    String yaml = ConfigWriter.toYaml(base);

    assertThat(yaml)
        .contains("storage-dir: /var/lib/raftvip\n")
        .contains("  listen: 198.18.0.11:7100\n")
        .contains("  lease: 200ms\n")
        .contains("  clock-drift-bound: 1%\n")
        .contains("  move-hold-down: 3s\n")
        .contains("  refresh: 10s\n");
  }

  @Test
  void recordsWhereEachValueWasWritten() {
    ConfigResult result = ConfigParser.parse("full.yaml", FULL);

    Positions p = result.positions();
    assertThat(p.exact("node.id")).contains(new Positions.Position(2, 7));
    assertThat(p.exact("timing")).contains(new Positions.Position(20, 1));
    assertThat(p.exact("timing.lease")).contains(new Positions.Position(21, 10));
    assertThat(p.exact("cluster.peers[1]")).contains(new Positions.Position(9, 7));
    assertThat(p.exact("vips[0].priorities.n2")).contains(new Positions.Position(43, 27));
    assertThat(p.of("timing.unwritten")).isEqualTo(new Positions.Position(20, 1));
    assertThat(p.of("nothing.here")).isEqualTo(Positions.TOP);
  }

  @Test
  void warnsButAcceptsOneMemberAndWildcards() {
    String yaml =
        """
        node: {id: solo, interface: lo}
        cluster:
          id: 2f6c0a3e-8d1b-4c8e-9a57-3f5e2b1c4d6e
          peers: [{id: solo, raft: 127.0.0.1:7101, admin: 127.0.0.1:7100}]
        admin: {listen: '[::]:7100'}
        metrics: {listen: 0.0.0.0:9109}
        """;

    ConfigResult result = ConfigParser.parse("solo.yaml", yaml);

    assertThat(result.ok()).isTrue();
    assertThat(result.errors()).isEmpty();
    assertThat(result.warnings())
        .extracting(ConfigProblem::format)
        .containsExactly(
            "solo.yaml:4:3: warning: cluster.peers: a single voting member tolerates no failure;"
                + " use it for tests only",
            "solo.yaml:5:17: warning: admin.listen: [::]:7100 listens on every address of this"
                + " host, including ones outside the cluster network",
            "solo.yaml:6:19: warning: metrics.listen: 0.0.0.0:9109 serves metrics on every"
                + " address of this host");
    assertThat(result.config().orElseThrow().warnings()).hasSize(3);
  }

  @Test
  void aliasesResolveToTheirAnchors() {
    String yaml =
        ConfigErrorsTest.BASE
            + """
            health-checks:
              a: &check {type: tcp, target: 127.0.0.1:80}
              b: *check
            """;

    AgentConfig c = ConfigParser.parse("alias.yaml", yaml).config().orElseThrow();

    assertThat(c.healthChecks()).containsOnlyKeys("a", "b");
  }

  @Test
  void readsFilesAndReportsUnreadableOnes(@TempDir Path dir) throws IOException {
    Path good = Files.writeString(dir.resolve("good.yaml"), ConfigErrorsTest.BASE);
    Path latin1 = Files.write(dir.resolve("latin1.yaml"), new byte[] {'n', ':', ' ', (byte) 0xe9});
    Path big = dir.resolve("big.yaml");
    Files.write(big, new byte[ConfigParser.FILE_SIZE_MAX_BYTES + 1]);

    assertThat(ConfigParser.parse(good).ok()).isTrue();
    assertThat(ConfigParser.parse(good).file()).isEqualTo(good.toString());
    assertThat(ConfigParser.parse(dir.resolve("missing.yaml")).problems())
        .extracting(ConfigProblem::format)
        .containsExactly(dir.resolve("missing.yaml") + ": no such file");
    assertThat(ConfigParser.parse(latin1).problems())
        .extracting(ConfigProblem::format)
        .containsExactly(latin1 + ": is not UTF-8 text");
    assertThat(ConfigParser.parse(big).problems())
        .extracting(ConfigProblem::format)
        .containsExactly(big + ": is 1048577 bytes; a config file may have at most 1048576 bytes");
    assertThat(ConfigParser.parse(dir).errors())
        .singleElement()
        .satisfies(p -> assertThat(p.format()).startsWith(dir + ": cannot read: "));
  }

  @Test
  void checkHostOnAResultWithoutConfigChangesNothing() {
    ConfigResult broken = ConfigParser.parse("broken.yaml", "node: [");

    assertThat(broken.checkHost(FakeHost.of(List.of()))).isEqualTo(broken);
  }

  @Test
  void hostCheckPassesOnAMatchingHost() {
    ConfigResult result = ConfigParser.parse("full.yaml", FULL);
    FakeHost host =
        FakeHost.of(List.of("lo", "eth0", "eth1"), "127.0.0.1", "2001:db8::12")
            .withReadable(
                Path.of("/etc/raftvip/token"),
                Path.of("/etc/raftvip/node.pem"),
                Path.of("/etc/raftvip/node.key"),
                Path.of("/etc/raftvip/ca.pem"))
            .withExecutable(
                Path.of("/usr/local/bin/became-owner"),
                Path.of("/usr/local/bin/released"),
                Path.of("/usr/local/bin/check"));

    ConfigResult checked = result.checkHost(host);

    assertThat(checked.problems()).isEmpty();
    assertThat(checked.ok()).isTrue();
  }
}
