package io.raftvip.testlan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

@Netns
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TeardownTest {
  @TempDir Path dir;

  @Test
  void closeLeavesTheNamespaceListAsItWas() throws Exception {
    List<String> before = Lans.ownNamespaces();
    Process child;
    Capture capture;
    TestLan lan = TestLan.builder().name("teardown").nodes(3).start();
    try {
      assertThat(Lans.netnsList()).containsAll(lan.namespaces());
      child = lan.node(3).start(List.of("sleep", "120"), dir.resolve("sleep.log"));
      capture = lan.capture("arp");
      lan.isolate(lan.node(2));
    } finally {
      lan.close();
    }
    assertThat(Lans.ownNamespaces()).isEqualTo(before);
    assertThat(Lans.netnsList()).doesNotContainAnyElementsOf(lan.namespaces());
    assertThat(child.isAlive()).isFalse();
    assertThat(capture.isRunning()).isFalse();
    assertThat(TestLan.openLans()).doesNotContain(lan);
    lan.close(); // idempotent
  }

  @Test
  void aTestThatFailsWithALanOpenStillLeavesNothingBehind() {
    List<String> before = Lans.ownNamespaces();

    LauncherDiscoveryRequest request =
        LauncherDiscoveryRequestBuilder.request()
            .selectors(selectClass(DeliberatelyFailingLanCase.class))
            .filters(EngineFilter.includeEngines("junit-jupiter"))
            .build();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    LauncherFactory.create().execute(request, listener);
    TestExecutionSummary summary = listener.getSummary();

    assertThat(summary.getTestsFoundCount()).isEqualTo(1);
    assertThat(summary.getTestsFailedCount()).isEqualTo(1);
    assertThat(summary.getFailures()).hasSize(1);
    Throwable failure = summary.getFailures().get(0).getException();
    assertThat(failure).isInstanceOf(AssertionError.class);
    assertThat(failure.getMessage()).contains(DeliberatelyFailingLanCase.FAILURE_MESSAGE);

    List<String> seen = DeliberatelyFailingLanCase.namespacesWhileOpen;
    assertThat(seen).hasSize(4);
    assertThat(Lans.netnsList()).doesNotContainAnyElementsOf(seen);
    assertThat(Lans.ownNamespaces()).isEqualTo(before);
    assertThat(DeliberatelyFailingLanCase.processWhileOpen.isAlive()).isFalse();
  }

  @Test
  void theShutdownHookTearsDownWhenTheJvmIsTerminated() throws Exception {
    Path log = dir.resolve("holder.log");
    Process holder = ChildJvms.startInRoot(LanHolderMain.class, log);
    try {
      List<String> namespaces = namespacesOf(ChildJvms.awaitLine(holder, log, "READY"));
      assertThat(namespaces).hasSize(2);
      assertThat(Lans.netnsList()).containsAll(namespaces);

      Host.signal(holder, "TERM");
      assertThat(holder.waitFor(60, TimeUnit.SECONDS)).isTrue();

      assertThat(Lans.netnsList()).doesNotContainAnyElementsOf(namespaces);
    } finally {
      Commands.kill(holder);
    }
  }

  static List<String> namespacesOf(String readyLine) {
    String[] words = readyLine.trim().split(" ");
    return Arrays.asList(words).subList(1, words.length);
  }
}
