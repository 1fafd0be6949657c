package io.raftvip.testlan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** startPiped: a line protocol with a process in a namespace, stderr to the log, close kills it. */
@Netns
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StartPipedTest {
  @TempDir Path dir;

  @Test
  void stdinAndStdoutArePipesAndStderrGoesToTheLog() throws Exception {
    Path log = dir.resolve("piped.log");
    Process p;
    try (TestLan lan = TestLan.builder().name("piped").nodes(1).client(false).start()) {
      p =
          lan.node(1)
              .startPiped(
                  List.of(
                      "sh",
                      "-c",
                      "echo started >&2; while read l; do echo \"got $l in $(ip -o -4 addr show"
                          + " dev eth0 | awk '{print $4}')\"; done"),
                  log);
      Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      in.write("hello\n");
      in.flush();

      assertThat(out.readLine()).isEqualTo("got hello in " + lan.node(1).ipv4() + "/24");
      assertThat(p.isAlive()).isTrue();
      assertThat(Files.readString(log)).contains("started");
    }
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
  }
}
