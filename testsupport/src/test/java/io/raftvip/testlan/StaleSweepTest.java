package io.raftvip.testlan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Netns
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StaleSweepTest {
  @TempDir Path dir;

  @Test
  void removesOnlyNamespacesOfDeadRuns() throws Exception {
    long deadPid = deadPid();
    Process sleeper = new ProcessBuilder("sleep", "120").start();
    Process liveJvm = ChildJvms.startInRoot(PrintAddressesMain.class, dir.resolve("jvm.log"));
    String random = HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    String dead = "rvt" + deadPid + "xxxx-stale-sw";
    String reused = "rvt" + sleeper.pid() + "yyyy-reused-sw";
    String live = "rvt" + liveJvm.pid() + "wwww-live-sw";
    String own = "rvt" + ProcessHandle.current().pid() + "zzzz-own-sw";
    String other = "keepme-" + random;
    String digitsAfterPid = "rvt" + deadPid + "1234";
    List<String> created = new ArrayList<>();
    try {
      ChildJvms.awaitLine(liveJvm, dir.resolve("jvm.log"), "READY");
      for (String ns : List.of(dead, reused, live, own, other, digitsAfterPid)) {
        addNetns(ns);
        created.add(ns);
      }

      List<String> removed = StaleSweep.sweep();

      assertThat(removed).contains(dead, reused).doesNotContain(live, own, other, digitsAfterPid);
      assertThat(Lans.netnsList())
          .doesNotContain(dead, reused)
          .contains(live, own, other, digitsAfterPid);
    } finally {
      for (String ns : created) {
        Commands.run(List.of("ip", "netns", "del", ns), null, Duration.ofSeconds(10));
      }
      Commands.kill(sleeper);
      Commands.kill(liveJvm);
    }
  }

  @Test
  void namespacesOfAKilledJvmAreRemovedByTheNextStart() throws Exception {
    Path log = dir.resolve("holder.log");
    Process holder = ChildJvms.startInRoot(LanHolderMain.class, log);
    List<String> namespaces;
    try {
      namespaces = TeardownTest.namespacesOf(ChildJvms.awaitLine(holder, log, "READY"));
    } finally {
      Commands.kill(holder); // SIGKILL: no shutdown hook runs
    }
    assertThat(namespaces).hasSize(2);
    assertThat(Lans.netnsList()).containsAll(namespaces);

    try (TestLan lan = TestLan.builder().name("next").nodes(1).client(false).start()) {
      assertThat(Lans.netnsList()).doesNotContainAnyElementsOf(namespaces);
      assertThat(Lans.netnsList()).containsAll(lan.namespaces());
    }
  }

  /** A pid with no process: one of a child that has exited, checked not reused. */
  private static long deadPid() throws Exception {
    for (int i = 0; i < 10; i++) {
      Process p = new ProcessBuilder("true").start();
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
      if (ProcessHandle.of(p.pid()).isEmpty()) {
        return p.pid();
      }
    }
    throw new AssertionError("no dead pid found in 10 attempts");
  }

  private static void addNetns(String name) {
    Commands.runOrThrow(List.of("ip", "netns", "add", name), null, Duration.ofSeconds(10));
  }
}
