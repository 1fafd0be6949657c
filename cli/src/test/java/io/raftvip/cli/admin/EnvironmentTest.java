package io.raftvip.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.cli.Main;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RAFTVIP_CLUSTER and RAFTVIP_TOKEN_FILE, through a child JVM (the environment of this one cannot
 * change): the real {@code main}, its exit status and its two streams.
 */
class EnvironmentTest {

  static final long CHILD_WAIT_S = 60;

  @TempDir Path dir;

  @Test
  void clusterAndTokenComeFromTheEnvironment() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "env-token-1234\n");
    try (FakeCluster cluster = FakeCluster.withToken("env-token-1234")) {
      Path out = dir.resolve("out");
      Path err = dir.resolve("err");
      ProcessBuilder pb =
          new ProcessBuilder(
                  List.of(
                      ProcessHandle.current().info().command().orElse("java"),
                      "-cp",
                      System.getProperty("java.class.path"),
                      Main.class.getName(),
                      "vip",
                      "list",
                      "--json"))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      pb.environment()
          .put("RAFTVIP_CLUSTER", FakeCluster.deadEndpoint() + "," + cluster.endpoint());
      pb.environment().put("RAFTVIP_TOKEN_FILE", token.toString());
      Process p = pb.start();
      try {
        assertThat(p.waitFor(CHILD_WAIT_S, TimeUnit.SECONDS)).as("child finished").isTrue();
      } finally {
        p.destroyForcibly();
      }

      assertThat(p.exitValue()).as(Files.readString(err)).isZero();
      assertThat(Files.readString(out, StandardCharsets.UTF_8)).isEqualTo("{\"vips\":[]}\n");
      assertThat(Files.readString(err)).isEmpty();
    }
  }
}
