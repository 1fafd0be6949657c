package io.raftvip.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.testlan.Netns;
import io.raftvip.testlan.TestLan;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo end to end on real namespaces, with only the kill scenario: the VIP must move to another
 * node, no round may see two nodes answer, and everything must be gone afterwards. The outage bound
 * is a sanity check, not a timing target.
 */
@Netns
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DemoNamespaceTest {
  @TempDir Path dir;

  @Test
  void killTakesOverWithoutOverlapAndLeavesNothingBehind() throws Exception {
    StringWriter printed = new StringWriter();
    Path out = dir.resolve("demo-out");

    DemoRun.Result result =
        new DemoRun(
                DemoSettings.of(List.of(Scenario.KILL), 200, out), new PrintWriter(printed, true))
            .run();

    ScenarioReport kill = result.reports().get(0);
    ScenarioReport.Figures f = kill.figures();
    assertThat(kill.run().oldNode()).isEqualTo("n1");
    assertThat(kill.newNode()).isPresent().get().isNotEqualTo("n1");
    assertThat(kill.tookOver()).isTrue();
    assertThat(f.firstAnswerNewMs()).isPresent();
    assertThat(f.addressAddedMs()).isPresent();
    assertThat(f.overlapMs()).isZero();
    assertThat(f.directedRoundsWithTwo()).isZero();
    assertThat(f.arpRoundsWithTwo()).isZero();
    assertThat(f.directedRounds()).isGreaterThan(50);
    assertThat(f.arpRounds()).isGreaterThan(50);
    assertThat(f.outageMs()).isLessThan(2_000.0);
    // the old holder's kernel went silent at its fence deadline, before the leader moved the VIP
    assertThat(f.oldFenceDeadlineMs()).isPresent();
    assertThat(f.lastAnswerOldMs().orElse(0)).isLessThanOrEqualTo(f.assignedMs().orElseThrow());
    assertThat(result.leftover()).isEmpty();
    assertThat(DemoCommand.problems(result)).isEmpty();

    assertThat(Files.readString(result.json(), StandardCharsets.UTF_8))
        .contains("\"id\":\"kill\"")
        .contains("\"overlapMs\":0.0");
    assertThat(Files.readString(result.svg(), StandardCharsets.UTF_8)).startsWith("<svg");
    assertThat(out.resolve("probe.log")).isNotEmptyFile();
    String text = printed.toString();
    assertThat(text)
        .contains("kill: SIGKILL n1's agent")
        .contains("overlap: 0 ms")
        .contains("cleaned up: agents stopped, namespaces removed");

    // Other test JVMs may build namespaces meanwhile, so compare this run's own, by name.
    List<String> created = demoNamespaces(text);
    assertThat(created).hasSize(5);
    assertThat(netnsList()).doesNotContainAnyElementsOf(created);
    String ownPrefix = TestLan.NAMESPACE_PREFIX + ProcessHandle.current().pid();
    assertThat(netnsList()).noneMatch(n -> n.startsWith(ownPrefix));
  }

  /** The namespaces the demo printed in its "LAN up" line. */
  private static List<String> demoNamespaces(String printed) {
    for (String line : printed.split("\n")) {
      int i = line.indexOf("LAN up: namespaces ");
      if (i >= 0) {
        return List.of(line.substring(i + "LAN up: namespaces ".length()).trim().split(" "));
      }
    }
    throw new AssertionError("no 'LAN up' line in:\n" + printed);
  }

  private static List<String> netnsList() throws IOException, InterruptedException {
    Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    List<String> names = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        names.add(line.trim().split("\\s+")[0]);
      }
    }
    return names;
  }
}
