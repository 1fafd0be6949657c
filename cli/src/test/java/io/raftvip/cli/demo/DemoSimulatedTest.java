package io.raftvip.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code raftvip demo --simulated}: three real RaftVipNodes in this JVM on in-memory data planes.
 * Kill and move must take over without overlap; pause and partition are said to be skipped; the
 * output says SIMULATED; the nodes' threads are gone afterwards. No root needed.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DemoSimulatedTest {
  @TempDir Path dir;

  @Test
  void killAndMoveTakeOverWithoutOverlapAndSaySimulated() throws Exception {
    StringWriter printed = new StringWriter();
    Path out = dir.resolve("sim-out");

    DemoRun.Result result;
    try {
      result =
          new DemoRun(
                  DemoSettings.of(List.of(Scenario.values()), true, out),
                  new PrintWriter(printed, true))
              .run();
    } finally {
      System.out.println(printed);
    }

    assertThat(result.reports())
        .extracting(r -> r.run().scenario())
        .containsExactly(Scenario.KILL, Scenario.MOVE);
    for (ScenarioReport r : result.reports()) {
      String id = r.run().scenario().id();
      assertThat(r.tookOver()).as("%s: the VIP moved", id).isTrue();
      assertThat(r.figures().overlapMs()).as("%s: overlap", id).isZero();
      assertThat(r.figures().kernelRoundsWithTwo()).as("%s: samples with two", id).isZero();
      assertThat(r.figures().directedRounds()).as("%s: directed rounds", id).isGreaterThan(50);
      assertThat(r.figures().committedMs()).as("%s: committed", id).isPresent();
      assertThat(r.figures().firstAnswerNewMs()).as("%s: first answer", id).isPresent();
      assertThat(r.figures().oldFenceClosedMs()).as("%s: old fence closed", id).isPresent();
    }
    ScenarioReport kill = result.reports().get(0);
    assertThat(kill.figures().oldFenceClosedMs().orElseThrow())
        .as("a killed owner's fence closes at its deadline, before the takeover is committed")
        .isLessThanOrEqualTo(kill.figures().committedMs().orElseThrow());
    assertThat(result.leftover()).isEmpty();
    assertThat(DemoCommand.problems(result)).isEmpty();
    String text = printed.toString();
    assertThat(text)
        .contains("SIMULATED")
        .contains("pause: skipped in --simulated")
        .contains("partition: skipped in --simulated")
        .contains("overlap: 0 ms")
        .contains("cleaned up: in-process nodes stopped");
    assertThat(Files.readString(result.json(), StandardCharsets.UTF_8))
        .contains("\"simulated\":true");
    assertThat(Files.readString(result.svg(), StandardCharsets.UTF_8)).contains("SIMULATED");
  }
}
