package io.raftvip.coordinator.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftvip.coordinator.api.RaftVipNode.VipEvent;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.notify.NotifyHooks.Kind;
import io.raftvip.coordinator.notify.NotifyHooks.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NotifyHooksTest {

  private static final VipName WEB = VipName.of("web");

  @TempDir Path dir;

  private final LinkedBlockingQueue<Run> runs = new LinkedBlockingQueue<>();

  @Test
  void runsTheScriptPerKindWithEventVipAndEpochAndReportsTheExitCode() throws Exception {
    Path out = dir.resolve("out");
    List<String> script =
        List.of("/bin/sh", "-c", "echo \"$1 $2 $3\" >> " + out + "; [ \"$1\" != released ]", "sh");
    try (NotifyHooks hooks =
        NotifyHooks.builder()
            .script(Kind.BECAME_OWNER, script)
            .script(Kind.RELEASED, script)
            .script(Kind.STOPPED, script)
            .script(Kind.LEASE_LOST, script)
            .timeout(Duration.ofSeconds(5))
            .observer(runs::add)
            .build()) {
      hooks.onEvent(new VipEvent.BecameOwner(WEB, 7));
      hooks.onEvent(new VipEvent.EffectFailed(WEB, "AddAddress", "boom")); // no script kind
      hooks.onEvent(new VipEvent.Released(WEB, 9));
      hooks.onEvent(new VipEvent.Stopped(WEB));
      hooks.onEvent(new VipEvent.LeaseLost(WEB));
      List<Run> done = take(4);
      assertThat(done)
          .extracting(Run::kind)
          .containsExactly(Kind.BECAME_OWNER, Kind.RELEASED, Kind.STOPPED, Kind.LEASE_LOST);
      assertThat(done.get(0).outcome().orElseThrow().exitCode()).hasValue(0);
      assertThat(done.get(1).outcome().orElseThrow().exitCode()).hasValue(1);
      assertThat(Files.readAllLines(out))
          .containsExactly("owner web 7", "released web 9", "stopped web -", "lease-lost web -");
      assertThat(hooks.dropped()).isZero();
    }
  }

  @Test
  void onlyConfiguredKindsRun() throws Exception {
    try (NotifyHooks hooks =
        NotifyHooks.builder()
            .script(Kind.RELEASED, List.of("/bin/true"))
            .observer(runs::add)
            .build()) {
      hooks.onEvent(new VipEvent.BecameOwner(WEB, 3));
      hooks.onEvent(new VipEvent.Released(WEB, 3));
      assertThat(take(1)).extracting(Run::kind).containsExactly(Kind.RELEASED);
      assertThat(runs.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }
  }

  @Test
  void aHungScriptIsKilledByPidAndTheNextEventStillRuns() throws Exception {
    Path pid = dir.resolve("pid");
    List<String> script = List.of("/bin/sh", "-c", "echo $$ > " + pid + "; exec sleep 30");
    try (NotifyHooks hooks =
        NotifyHooks.builder()
            .script(Kind.BECAME_OWNER, script)
            .script(Kind.RELEASED, List.of("/bin/true"))
            .timeout(Duration.ofSeconds(2))
            .observer(runs::add)
            .build()) {
      long start = System.nanoTime();
      hooks.onEvent(new VipEvent.BecameOwner(WEB, 4));
      hooks.onEvent(new VipEvent.Released(WEB, 4));
      long enqueueMs = (System.nanoTime() - start) / 1_000_000;
      List<Run> done = take(2);
      // Waiting for the hung script would take its 2 s timeout; the bound is loose for a busy box.
      assertThat(enqueueMs).as("onEvent only enqueues").isLessThan(1_000);
      assertThat(done.get(0).outcome().orElseThrow().timedOut()).isTrue();
      assertThat(done.get(0).outcome().orElseThrow().killed()).isGreaterThanOrEqualTo(1);
      long scriptPid = Long.parseLong(Files.readString(pid).strip());
      assertThat(ProcessHandle.of(scriptPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      assertThat(done.get(1).outcome().orElseThrow().exitCode()).hasValue(0);
    }
  }

  @Test
  void aFullQueueDropsWithoutBlocking() throws Exception {
    try (NotifyHooks hooks =
        NotifyHooks.builder()
            .script(Kind.BECAME_OWNER, List.of("/bin/sleep", "1"))
            .queueMax(1)
            .observer(runs::add)
            .build()) {
      long start = System.nanoTime();
      for (int i = 1; i <= 5; i++) {
        hooks.onEvent(new VipEvent.BecameOwner(WEB, i));
      }
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      // Blocking on the full queue would take at least three script runs (3 s).
      assertThat(tookMs).isLessThan(1_000);
      // One runs, one waits, three are dropped.
      assertThat(hooks.dropped()).isEqualTo(3);
      assertThat(take(2)).extracting(r -> r.epoch().getAsLong()).containsExactly(1L, 2L);
    }
  }

  @Test
  void settingsAreValidatedOnTheSpot() {
    assertThatThrownBy(() -> NotifyHooks.builder().script(Kind.BECAME_OWNER, List.of()))
        .hasMessage("command of notify script owner must have 1 to 64 arguments, not 0");
    assertThatThrownBy(
            () ->
                NotifyHooks.builder()
                    .script(Kind.RELEASED, List.of("/bin/true"))
                    .script(Kind.RELEASED, List.of("/bin/false")))
        .hasMessage("notify script for released was already set to [/bin/true]");
    assertThatThrownBy(() -> NotifyHooks.builder().queueMax(0))
        .hasMessage("notify queue size 0 must be between 1 and 4096");
    assertThatThrownBy(() -> NotifyHooks.builder().timeout(Duration.ofMinutes(6)))
        .hasMessage("timeout 360000 ms of notify scripts must be between 1 ms and 5 min");
  }

  private List<Run> take(int n) throws InterruptedException {
    List<Run> out = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      Run r = runs.poll(10, TimeUnit.SECONDS);
      if (r == null) {
        throw new AssertionError("only " + out.size() + " of " + n + " runs finished: " + out);
      }
      out.add(r);
    }
    return out;
  }
}
