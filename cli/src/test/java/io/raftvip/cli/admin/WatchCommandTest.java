package io.raftvip.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code raftvip watch}: --count, --from-index resume, --timeout, compaction, broken streams. */
class WatchCommandTest {

  FakeCluster cluster;
  String at;
  long first;

  @BeforeEach
  void start() {
    cluster = FakeCluster.start();
    at = cluster.endpoint();
    first = cluster.service.seedVip("web", "198.18.0.200/24", "n1");
    cluster.service.seedVip("db", "2001:db8::200/64", "n2");
    cluster.service.electLeader("n3");
  }

  @AfterEach
  void stop() throws InterruptedException {
    cluster.close();
  }

  @Test
  void countStopsAfterThatManyEventsInText() {
    AdminCli r =
        AdminCli.at(cluster, "watch", "--from-index", Long.toString(first), "--count", "2");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out())
        .isEqualTo(
            "#101 2025-11-24T16:00:00.101Z vip_assigned web -> n1 epoch 1 (created)\n"
                + "#102 2025-11-24T16:00:00.102Z vip_assigned db -> n2 epoch 2 (created)\n");
  }

  @Test
  void jsonIsOneObjectPerLineAndResumesFromTheNextIndex() {
    AdminCli one =
        AdminCli.at(
            cluster, "watch", "--from-index", Long.toString(first), "--count", "2", "--json");
    String[] lines = one.out().split("\n");
    assertThat(lines).hasSize(2);
    assertThat(lines[0])
        .isEqualTo(
            "{\"index\":101,\"unixMs\":1764000000101,\"type\":\"vip_assigned\",\"vip\":\"web\","
                + "\"owner\":\"n1\",\"epoch\":1,\"reason\":\"created\"}");
    long last = Long.parseLong(lines[1].replaceAll("^\\{\"index\":(\\d+),.*$", "$1"));

    AdminCli resumed =
        AdminCli.at(
            cluster, "watch", "--from-index", Long.toString(last + 1), "--count", "1", "--json");

    assertThat(resumed.exitCode()).isZero();
    assertThat(resumed.out())
        .isEqualTo(
            "{\"index\":103,\"unixMs\":1764000000103,\"type\":\"leader_changed\","
                + "\"leaderId\":\"n3\",\"term\":4}\n");
  }

  @Test
  void fromNowOnWaitsForTheNextEvent() throws Exception {
    CompletableFuture<AdminCli> watch =
        CompletableFuture.supplyAsync(
            () -> AdminCli.at(cluster, "watch", "--count", "1", "--timeout", "10s"));
    waitForWatcher();
    cluster.service.electLeader("n2");

    AdminCli r = watch.get(10, TimeUnit.SECONDS);

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("#104 2025-11-24T16:00:00.104Z leader_changed n2 term 5\n");
  }

  @Test
  void vipAndNodeChangesCarryTheirDetailInJson() throws Exception {
    CompletableFuture<AdminCli> watch =
        CompletableFuture.supplyAsync(
            () -> AdminCli.at(cluster, "watch", "--count", "3", "--json", "--timeout", "10s"));
    waitForWatcher();
    assertThat(AdminCli.at(cluster, "vip", "rm", "db").exitCode()).isZero();
    assertThat(AdminCli.at(cluster, "node", "undrain", "n2").exitCode()).isZero();
    assertThat(AdminCli.at(cluster, "vip", "move", "web", "--no-wait").exitCode()).isZero();

    AdminCli r = watch.get(10, TimeUnit.SECONDS);

    assertThat(r.exitCode()).as(r.err()).isZero();
    String[] lines = r.out().split("\n");
    assertThat(lines).hasSize(3);
    assertThat(lines[0])
        .startsWith(
            "{\"index\":104,\"unixMs\":1764000000104,\"type\":\"vip_changed\",\"vip\":\"db\","
                + "\"deleted\":true,\"detail\":{\"name\":\"db\",");
    assertThat(lines[1])
        .startsWith(
            "{\"index\":105,\"unixMs\":1764000000105,\"type\":\"node_changed\",\"node\":\"n2\","
                + "\"removed\":false,\"detail\":{\"id\":\"n2\",");
    assertThat(lines[2])
        .isEqualTo(
            "{\"index\":106,\"unixMs\":1764000000106,\"type\":\"vip_released\",\"vip\":\"web\","
                + "\"previousOwner\":\"n1\",\"epoch\":1,\"reason\":\"move\"}");
  }

  @Test
  void aTimeoutWithoutCountEndsTheWatchWithExitCode0() {
    long start = System.nanoTime();
    AdminCli r =
        AdminCli.at(cluster, "watch", "--from-index", Long.toString(first), "--timeout", "300ms");
    long tookMs = (System.nanoTime() - start) / 1_000_000;

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out().split("\n")).hasSize(3);
    assertThat(tookMs).isBetween(250L, 5_000L);
  }

  @Test
  void aTimeoutBeforeCountIsExitCode3WithWhereToResume() {
    AdminCli r =
        AdminCli.at(
            cluster,
            "watch",
            "--from-index",
            Long.toString(first),
            "--count",
            "10",
            "--timeout",
            "300ms");

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.out().split("\n")).hasSize(3);
    assertThat(r.err())
        .isEqualTo("raftvip: watch: 3 of 10 events within 300ms; resume with --from-index 104\n");
  }

  @Test
  void aCompactedIndexIsOutOfRangeExitCode5() {
    cluster.service.oldestKept = 50;

    AdminCli r = AdminCli.at(cluster, "watch", "--from-index", "5", "--count", "1");

    assertThat(r.exitCode()).isEqualTo(5);
    assertThat(r.err())
        .isEqualTo(
            "raftvip: index 5 is compacted; the oldest available index is 50 (OUT_OF_RANGE from "
                + at
                + ")\n");
  }

  @Test
  void aDeadFirstEndpointFailsOver() {
    AdminCli r =
        AdminCli.run(
            "watch",
            "--from-index",
            Long.toString(first),
            "--count",
            "1",
            "-c",
            FakeCluster.deadEndpoint() + "," + at);

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("#101 ");
  }

  @Test
  void aBrokenStreamIsExitCode3WithWhereToResume() throws Exception {
    CompletableFuture<AdminCli> watch =
        CompletableFuture.supplyAsync(
            () ->
                AdminCli.at(
                    cluster,
                    "watch",
                    "--from-index",
                    Long.toString(first),
                    "--count",
                    "100",
                    "--timeout",
                    "10s"));
    waitForWatcher();
    cluster.close();

    AdminCli r = watch.get(10, TimeUnit.SECONDS);

    assertThat(r.exitCode()).as(r.err()).isEqualTo(3);
    assertThat(r.out().split("\n")).hasSize(3);
    assertThat(r.err())
        .startsWith("raftvip: watch: the stream from " + at + " broke after 3 events (")
        .endsWith("); resume with --from-index 104\n");
  }

  /** Bounded: 5 s in 10 ms steps. */
  private void waitForWatcher() throws InterruptedException {
    for (int i = 0; i < 500 && cluster.service.watcherCount() == 0; i++) {
      Thread.sleep(10);
    }
    assertThat(cluster.service.watcherCount()).as("watchers").isEqualTo(1);
  }
}
