package io.raftvip.testlan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fails on purpose while a test LAN with a running process is open; only {@link TeardownTest} runs
 * it, through a nested JUnit launcher (the name does not match surefire's includes). It records
 * what existed before the failure so the outer test can check it is all gone afterwards.
 */
@Netns
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public class DeliberatelyFailingLanCase {
  static final String FAILURE_MESSAGE = "deliberate failure with a test LAN open";

  static volatile List<String> namespacesWhileOpen = List.of();
  static volatile Process processWhileOpen;

  private TestLan lan;
  private Path log;

  @AfterEach
  void tearDown() throws Exception {
    if (lan != null) {
      lan.close();
    }
    if (log != null) {
      Files.deleteIfExists(log);
    }
  }

  @Test
  void failsWhileALanIsOpen() throws Exception {
    lan = TestLan.builder().name("failing").nodes(2).start();
    namespacesWhileOpen =
        Lans.netnsList().stream().filter(lan.namespaces()::contains).sorted().toList();
    log = Files.createTempFile("rvtlan-failing-", ".log");
    Files.deleteIfExists(log);
    processWhileOpen = lan.node(1).start(List.of("sleep", "120"), log);
    lan.partition(lan.node(1), lan.node(2));
    assertThat(1 + 1).as(FAILURE_MESSAGE).isEqualTo(3);
  }
}
