package io.raftvip.testlan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Netns
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StartJavaTest {
  @TempDir Path dir;

  @Test
  void childJvmRunsInTheNamespaceAndCloseKillsIt() throws Exception {
    Path log = dir.resolve("child/out.log");
    Process child;
    try (TestLan lan = TestLan.builder().name("java").nodes(2).client(false).start()) {
      Host n2 = lan.node(2);
      child = n2.startJava(PrintAddressesMain.class, List.of("a1", "a2"), log);
      ChildJvms.awaitLine(child, log, "READY");
      String out = ChildJvms.read(log);
      assertThat(out)
          .contains("eth0 " + n2.macString() + " ")
          .contains(n2.ipv4())
          .contains(n2.ipv6Address().getHostAddress())
          .contains("ARGS a1 a2");
      assertThat(out).doesNotContain(lan.node(1).ipv4());
      assertThat(child.isAlive()).isTrue();
    }
    assertThat(child.isAlive()).isFalse();
    assertThat(ProcessHandle.of(child.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }

  @Test
  void startRunsAnyCommandAndSignalsReachIt() throws Exception {
    Path log = dir.resolve("sleep.log");
    Process sleeper;
    try (TestLan lan = TestLan.builder().name("signal").nodes(1).client(false).start()) {
      Host n1 = lan.node(1);
      Process echo = n1.start(List.of("sh", "-c", "ip -o -4 addr show dev eth0"), log);
      assertThat(echo.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(Files.readString(log)).contains(n1.ipv4() + "/24");

      sleeper = n1.start(List.of("sleep", "120"), dir.resolve("sleeper.log"));
      // ip netns exec execs the command: the process we hold is sleep itself.
      assertThat(ProcessHandle.of(sleeper.pid()).flatMap(p -> p.info().command()).orElse(""))
          .endsWith("/sleep");
      Host.signal(sleeper, "STOP");
      assertThat(awaitState(sleeper.pid(), 'T')).isTrue();
      Host.signal(sleeper, "CONT");
      assertThat(awaitState(sleeper.pid(), 'S')).isTrue();
    }
    assertThat(sleeper.isAlive()).isFalse();
  }

  /** Polls /proc/<pid>/stat for a scheduler state, at most 5 s. */
  private static boolean awaitState(long pid, char state) throws Exception {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    for (int i = 0; i < 100; i++) {
      String s = Files.readString(stat);
      if (s.charAt(s.lastIndexOf(')') + 2) == state) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }
}
