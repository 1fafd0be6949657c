package io.raftvip.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution tarball as an operator gets it (runs in the package phase, after the assembly):
 * unpacked into a temporary directory, {@code bin/raftvip --version} and {@code bin/raftvip config
 * check} on the shipped sample config work, and the systemd unit carries the privilege set the docs
 * promise.
 */
class DistributionTest {

  @TempDir Path dir;

  private record Run(int code, String out) {}

  private Run run(List<String> command) throws IOException, InterruptedException {
    Path log = dir.resolve("run-" + System.nanoTime() + ".log");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(command + " did not finish within 60 s");
    }
    return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  private Path unpack() throws Exception {
    String tarball = System.getProperty("raftvip.dist");
    assertThat(tarball).as("system property raftvip.dist (set by the pom)").isNotNull();
    assertThat(Path.of(tarball)).exists();
    Run tar = run(List.of("tar", "-xzf", tarball, "-C", dir.toString()));
    assertThat(tar.code()).as(tar.out()).isZero();
    List<Path> tops = new ArrayList<>();
    try (var s = Files.list(dir)) {
      s.filter(Files::isDirectory).forEach(tops::add);
    }
    assertThat(tops).hasSize(1);
    assertThat(tops.get(0).getFileName().toString()).startsWith("raftvip-");
    return tops.get(0);
  }

  @Test
  void unpackedTarballRunsVersionAndChecksTheSampleConfig() throws Exception {
    Path home = unpack();
    Path bin = home.resolve("bin/raftvip");
    assertThat(Files.getPosixFilePermissions(bin)).contains(PosixFilePermission.OWNER_EXECUTE);
    try (var s = Files.list(home.resolve("lib"))) {
      assertThat(s.map(p -> p.getFileName().toString()).toList())
          .contains("raftvip-cli.jar")
          .anyMatch(n -> n.startsWith("ratis-server-"))
          .anyMatch(n -> n.startsWith("raftvip-coordinator-"));
    }

    Run version = run(List.of(bin.toString(), "--version"));
    assertThat(version.code()).as(version.out()).isZero();
    assertThat(version.out()).contains("raftvip");

    for (String node : List.of("node1", "node2", "node3")) {
      Path config = home.resolve("config/" + node + ".yaml");
      Run check =
          run(List.of(bin.toString(), "config", "check", "--no-host-check", config.toString()));
      assertThat(check.code()).as(check.out()).isZero();
      assertThat(check.out()).contains("OK");
    }
    // A second run uses the class-data archive the first one wrote (if lib/ was writable).
    Run again = run(List.of(bin.toString(), "--version"));
    assertThat(again.code()).as(again.out()).isZero();
  }

  @Test
  void systemdUnitRunsTheAgentUnprivilegedWithOnlyTheTwoCapabilities() throws Exception {
    Path home = unpack();
    String unit = Files.readString(home.resolve("systemd/raftvip.service"), StandardCharsets.UTF_8);
    assertThat(unit)
        .contains("ExecStart=/opt/raftvip/bin/raftvip agent --config /etc/raftvip/raftvip.yaml")
        .contains("User=raftvip")
        .contains("AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW")
        .contains("CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW")
        .contains("Restart=on-failure")
        .contains("NoNewPrivileges=yes")
        .contains("ProtectSystem=strict");
    assertThat(home.resolve("docs/operations.md")).exists();
  }
}
