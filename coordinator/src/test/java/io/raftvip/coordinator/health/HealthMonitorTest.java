package io.raftvip.coordinator.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.health.HealthMonitor.HealthChanged;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HealthMonitorTest {

  private static final NodeId N1 = NodeId.of("n1");
  private static final Duration TIMEOUT = Duration.ofMillis(50);

  private final FakeLog raft = new FakeLog();
  private final List<HealthChanged> events = new CopyOnWriteArrayList<>();

  private HealthMonitor.Builder monitor() {
    return HealthMonitor.builder(N1)
        .submitter(raft::submit)
        .replicatedState(raft::state)
        .listener(events::add)
        .reconcileInterval(Duration.ofMillis(50));
  }

  @Test
  void reportsOnlyAfterRiseAndAgainAfterFall() throws Exception {
    raft.join(N1);
    AtomicBoolean up = new AtomicBoolean(true);
    AtomicInteger runs = new AtomicInteger();
    HealthCheck counted =
        CallbackCheck.of(
            "app",
            () -> {
              runs.incrementAndGet();
              return up.get();
            },
            TIMEOUT);
    AtomicInteger runsAtFirstReport = new AtomicInteger(-1);
    try (HealthMonitor m =
        monitor()
            .submitter(
                c -> {
                  runsAtFirstReport.compareAndSet(-1, runs.get());
                  return raft.submit(c);
                })
            .check("app", counted, new CheckSchedule(Duration.ofMillis(100), 3, 2))
            .start()) {
      assertThat(m.verdicts()).containsEntry("app", Verdict.UNKNOWN);
      await(() -> Boolean.TRUE.equals(raft.health(N1, "app").orElse(null)), 5_000, "healthy");
      assertThat(runsAtFirstReport.get())
          .as("first report only after rise (3) passes")
          .isEqualTo(3);
      assertThat(m.verdicts()).containsEntry("app", Verdict.HEALTHY);

      up.set(false);
      await(() -> Boolean.FALSE.equals(raft.health(N1, "app").orElse(null)), 5_000, "unhealthy");
      assertThat(events)
          .extracting(HealthChanged::verdict)
          .containsExactly(Verdict.HEALTHY, Verdict.UNHEALTHY);
      assertThat(events.get(1).last().reason()).isEqualTo("app failed");
      assertThat(raft.submitted().stream().filter(c -> c instanceof Command.ReportHealth))
          .containsExactly(
              new Command.ReportHealth(N1, "app", true),
              new Command.ReportHealth(N1, "app", false));
    }
  }

  @Test
  void retriesAFailedSubmitWithBackoff() throws Exception {
    raft.join(N1);
    raft.failNext(3);
    try (HealthMonitor m =
        monitor()
            .check(
                "app",
                CallbackCheck.of("app", () -> true, TIMEOUT),
                new CheckSchedule(Duration.ofMillis(100), 1, 1))
            .start()) {
      await(() -> raft.health(N1, "app").orElse(null) != null, 5_000, "the report to commit");
      long reports =
          raft.submitted().stream().filter(c -> c instanceof Command.ReportHealth).count();
      assertThat(reports).isEqualTo(4);
      assertThat(raft.health(N1, "app")).contains(true);
    }
  }

  @Test
  void reportsAgainWhenTheReplicatedHealthWasReset() throws Exception {
    raft.join(N1);
    try (HealthMonitor m =
        monitor()
            .check(
                "app",
                CallbackCheck.of("app", () -> true, TIMEOUT),
                new CheckSchedule(Duration.ofMillis(100), 1, 1))
            .start()) {
      await(() -> raft.health(N1, "app").orElse(null) != null, 5_000, "the first report");
      raft.expireAndRejoin(N1);
      assertThat(raft.health(N1, "app")).as("apply resets health on re-join").isEmpty();
      await(
          () -> Boolean.TRUE.equals(raft.health(N1, "app").orElse(null)),
          5_000,
          "the report after the re-join");
      assertThat(events).hasSize(1); // the verdict itself never changed
    }
  }

  @Test
  void waitsForTheNodeToJoinBeforeReconciling() throws Exception {
    try (HealthMonitor m =
        monitor()
            .check(
                "app",
                CallbackCheck.of("app", () -> true, TIMEOUT),
                new CheckSchedule(Duration.ofMillis(100), 1, 1))
            .start()) {
      // The transition's report is rejected (unknown node) and retried a bounded number of times.
      await(() -> events.size() == 1, 5_000, "the verdict");
      Thread.sleep(300);
      raft.join(N1);
      await(
          () -> Boolean.TRUE.equals(raft.health(N1, "app").orElse(null)),
          8_000,
          "the report once joined");
    }
  }

  @Test
  void aHungCheckFailsWithoutStarvingTheOthers() throws Exception {
    raft.join(N1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger otherRuns = new AtomicInteger();
    HealthCheck hung =
        new CallbackCheck(
            "stuck",
            () -> {
              // Ignores interrupts: the worst an embedder can do.
              long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
              while (release.getCount() > 0 && System.nanoTime() < end) {
                Thread.onSpinWait();
                Thread.yield();
              }
              return true;
            },
            TIMEOUT);
    HealthCheck fine =
        CallbackCheck.of(
            "fine",
            () -> {
              otherRuns.incrementAndGet();
              return true;
            },
            TIMEOUT);
    CheckSchedule s = new CheckSchedule(Duration.ofMillis(200), 1, 2);
    try (HealthMonitor m = monitor().check("stuck", hung, s).check("fine", fine, s).start()) {
      await(() -> m.verdicts().get("stuck") == Verdict.UNHEALTHY, 5_000, "the hung check to fail");
      assertThat(raft.health(N1, "stuck")).contains(false);
      await(() -> otherRuns.get() >= 3, 5_000, "the other check to keep running");
      assertThat(m.verdicts()).containsEntry("fine", Verdict.HEALTHY);
      release.countDown();
      await(() -> m.verdicts().get("stuck") == Verdict.HEALTHY, 5_000, "the check to recover");
    } finally {
      release.countDown();
    }
  }

  @Test
  void aRunThatOverrunsItsIntervalIsNeverOverlappedAndCountsAsFailed() throws Exception {
    raft.join(N1);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    AtomicInteger runs = new AtomicInteger();
    HealthCheck slow =
        new CallbackCheck(
            "slow",
            () -> {
              maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
              runs.incrementAndGet();
              try {
                Thread.sleep(1_000); // interrupted at timeout + grace
              } finally {
                running.decrementAndGet();
              }
              return true;
            },
            Duration.ofMillis(100));
    try (HealthMonitor m =
        monitor().check("slow", slow, new CheckSchedule(Duration.ofMillis(100), 1, 2)).start()) {
      await(() -> m.verdicts().get("slow") == Verdict.UNHEALTHY, 5_000, "the slow check to fail");
      await(() -> runs.get() >= 4, 5_000, "more runs");
      assertThat(maxRunning.get()).as("runs of one check never overlap").isEqualTo(1);
      assertThat(events.get(0).last().reason()).isEqualTo("no result within 150 ms");
    }
  }

  @Test
  void closeStopsItsThreads() throws Exception {
    HealthMonitor m =
        monitor()
            .check(
                "app",
                CallbackCheck.of("app", () -> true, TIMEOUT),
                CheckSchedule.every(Duration.ofMillis(100)))
            .start();
    await(() -> threads("raftvip-health-check-n1") == 1, 5_000, "the check thread");
    m.close();
    m.close();
    await(() -> threads("raftvip-health-") == 0, 5_000, "the monitor threads to end");
  }

  @Test
  void registrationsAreValidatedOnTheSpot() {
    HealthCheck c = CallbackCheck.of("app", () -> true, Duration.ofMillis(500));
    CheckSchedule s = CheckSchedule.every(Duration.ofSeconds(1));
    assertThatThrownBy(() -> monitor().check("Bad_Name", c, s))
        .hasMessageStartingWith("health check name \"Bad_Name\" must be");
    assertThatThrownBy(() -> monitor().check("app", c, s).check("app", c, s))
        .hasMessage("check app was already added");
    assertThatThrownBy(() -> monitor().check("app", c, CheckSchedule.every(Duration.ofMillis(400))))
        .hasMessage("timeout 500 ms of check app must not exceed its interval of 400 ms");
    assertThatThrownBy(() -> new CheckSchedule(Duration.ofMillis(5), 1, 1))
        .hasMessage("check interval 5 ms must be between 10 ms and 1 h");
    assertThatThrownBy(() -> new CheckSchedule(Duration.ofSeconds(1), 0, 1))
        .hasMessage("rise 0 must be between 1 and 100");
    assertThatThrownBy(() -> HealthMonitor.builder(N1).check("app", c, s).start())
        .hasMessage("submitter must be set");
  }

  private static long threads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
        .count();
  }

  static void await(BooleanSupplier condition, long ms, String what) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }
}
