package io.raftvip.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.cli.config.AgentConfig;
import io.raftvip.cli.config.ConfigParser;
import io.raftvip.cli.config.FakeHost;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shipped three-node sample (cli/src/main/config) passes the checker operators will run. */
class SampleConfigsTest {

  static final Path SAMPLES = Path.of("src/main/config");

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void samplePassesConfigCheck(int node) {
    String file = SAMPLES.resolve("node" + node + ".yaml").toString();

    Cli r = Cli.run(FakeHost.of(List.of()), "config", "check", "--no-host-check", file);

    assertThat(r.err()).isEmpty();
    assertThat(r.out()).isEqualTo(file + ": OK (node n" + node + ", 3 peers, 2 VIPs)\n");
    assertThat(r.exitCode()).isZero();
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3})
  void samplesDescribeTheSameClusterAndVips(int node) {
    AgentConfig first = ConfigParser.parse(SAMPLES.resolve("node1.yaml")).config().orElseThrow();
    AgentConfig other =
        ConfigParser.parse(SAMPLES.resolve("node" + node + ".yaml")).config().orElseThrow();

    assertThat(other.node().id()).isEqualTo("n" + node);
    assertThat(other.cluster()).isEqualTo(first.cluster());
    assertThat(other.vips()).isEqualTo(first.vips());
    assertThat(other.healthChecks()).isEqualTo(first.healthChecks());
    assertThat(other.timing()).isEqualTo(first.timing());
    assertThat(other.admin().listen()).isEqualTo(other.self().adminAddress());
  }
}
