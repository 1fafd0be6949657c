package io.raftvip.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.proto.admin.v1.OwnershipState;
import io.raftvip.proto.admin.v1.Vip;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code raftvip vip ...} against a fake admin endpoint: both output forms and every error. */
class VipCommandsTest {

  FakeCluster cluster;
  String at;

  @BeforeEach
  void start() {
    cluster = FakeCluster.start();
    at = cluster.endpoint();
  }

  @AfterEach
  void stop() throws InterruptedException {
    cluster.close();
  }

  @Test
  void listPrintsATableAndJson() {
    cluster.service.seedVip("web", "198.18.0.200/24", "n1");
    cluster.service.seedVip("db", "2001:db8::200/64", "n2");

    AdminCli text = AdminCli.at(cluster, "vip", "list");
    AdminCli json = AdminCli.at(cluster, "vip", "list", "--json");

    assertThat(text.exitCode()).isZero();
    assertThat(text.err()).isEmpty();
    assertThat(text.out())
        .isEqualTo(
            """
            NAME  ADDRESS           STATE  OWNER  EPOCH  INTERFACE  VRID  MODE
            db    2001:db8::200/64  owned  n2     2      -          -     sticky
            web   198.18.0.200/24   owned  n1     1      -          -     sticky
            """);
    assertThat(json.exitCode()).isZero();
    assertThat(json.out())
        .startsWith("{\"vips\":[{\"name\":\"db\",\"address\":\"2001:db8::200/64\"")
        .contains(
            "{\"name\":\"web\",\"address\":\"198.18.0.200/24\",\"interface\":null,\"vrid\":null,"
                + "\"priorities\":{},\"preempt\":false,\"healthChecks\":[],\"state\":\"owned\","
                + "\"owner\":\"n1\",\"epoch\":1,\"moveTarget\":null,\"leaseRemainingMs\":1500,"
                + "\"lastAnnouncementUnixMs\":1764000000000}")
        .endsWith("]}\n");
  }

  @Test
  void listOfNoVipsIsAHeaderOrAnEmptyArray() {
    assertThat(AdminCli.at(cluster, "vip", "list").out())
        .isEqualTo("NAME  ADDRESS  STATE  OWNER  EPOCH  INTERFACE  VRID  MODE\n");
    assertThat(AdminCli.at(cluster, "vip", "list", "--json").out()).isEqualTo("{\"vips\":[]}\n");
  }

  @Test
  void addSendsTheWholeSpecAndPrintsTheVip() {
    AdminCli r =
        AdminCli.at(
            cluster,
            "vip",
            "add",
            "web",
            "198.18.0.200/24",
            "--interface",
            "eth1",
            "--vrid",
            "51",
            "--priority",
            "n1=150",
            "--priority",
            "n2=100",
            "--preempt",
            "--health-check",
            "http");

    assertThat(r.exitCode()).as(r.err()).isZero();
    Vip v = cluster.service.vip("web");
    assertThat(v.getSpec().getAddress().getCidr()).isEqualTo("198.18.0.200/24");
    assertThat(v.getSpec().getInterface()).isEqualTo("eth1");
    assertThat(v.getSpec().getVrid()).isEqualTo(51);
    assertThat(v.getSpec().getPrioritiesMap())
        .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("n1", 150, "n2", 100));
    assertThat(v.getSpec().getPreempt()).isTrue();
    assertThat(v.getSpec().getHealthChecksList()).containsExactly("http");
    assertThat(r.out())
        .contains("name:           web")
        .contains("address:        198.18.0.200/24")
        .contains("state:          owned")
        .contains("owner:          n1")
        .contains("vrid:           51")
        .contains("mode:           preempt")
        .contains("priorities:     n1=150, n2=100")
        .contains("health checks:  http");
  }

  @Test
  void addJsonIsTheVipObject() {
    AdminCli r =
        AdminCli.at(cluster, "vip", "add", "web", "198.18.0.200/24", "--vrid", "7", "--json");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .isEqualTo(
            "{\"name\":\"web\",\"address\":\"198.18.0.200/24\",\"interface\":null,\"vrid\":7,"
                + "\"priorities\":{},\"preempt\":false,\"healthChecks\":[],\"state\":\"owned\","
                + "\"owner\":\"n1\",\"epoch\":1,\"moveTarget\":null,\"leaseRemainingMs\":1500,"
                + "\"lastAnnouncementUnixMs\":1764000000000}\n");
  }

  @Test
  void addingAnExistingVipIsRejectedWithExitCode5() {
    cluster.service.seedVip("web", "198.18.0.200/24", "n1");

    AdminCli r = AdminCli.at(cluster, "vip", "add", "web", "198.18.0.201/24");

    assertThat(r.exitCode()).isEqualTo(5);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo("raftvip: vip \"web\" already exists (ALREADY_EXISTS from " + at + ")\n");
  }

  @Test
  void getShowsOneVip() {
    cluster.service.seedVip("web", "198.18.0.200/24", "n2");

    AdminCli text = AdminCli.at(cluster, "vip", "get", "web");
    AdminCli json = AdminCli.at(cluster, "vip", "get", "web", "--json");

    assertThat(text.exitCode()).isZero();
    assertThat(text.out())
        .isEqualTo(
            """
            name:           web
            address:        198.18.0.200/24
            state:          owned
            owner:          n2
            epoch:          1
            lease left:     1500 ms
            announced:      2025-11-24T16:00:00Z
            interface:      (node default)
            vrid:           none
            mode:           sticky
            priorities:     every node 100
            health checks:  none
            """);
    assertThat(json.out()).startsWith("{\"name\":\"web\",").contains("\"owner\":\"n2\"");
  }

  @Test
  void anUnknownVipIsNotFoundWithExitCode4() {
    AdminCli r = AdminCli.at(cluster, "vip", "get", "nope");

    assertThat(r.exitCode()).isEqualTo(4);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("raftvip: vip \"nope\" not found (NOT_FOUND from " + at + ")\n");
  }

  @Test
  void setReplacesTheSpecKeepingTheAddressWhenLeftOut() {
    cluster.service.seedVip("web", "198.18.0.200/24", "n1");

    AdminCli r = AdminCli.at(cluster, "vip", "set", "web", "--priority", "n3=200", "--json");

    assertThat(r.exitCode()).as(r.err()).isZero();
    Vip v = cluster.service.vip("web");
    assertThat(v.getSpec().getAddress().getCidr()).isEqualTo("198.18.0.200/24");
    assertThat(v.getSpec().getPrioritiesMap())
        .containsExactlyEntriesOf(java.util.Map.of("n3", 200));
    assertThat(r.out()).contains("\"priorities\":{\"n3\":200}");
  }

  @Test
  void setWithAnotherAddressIsTheServersInvalidArgumentExitCode2() {
    cluster.service.seedVip("web", "198.18.0.200/24", "n1");

    AdminCli r = AdminCli.at(cluster, "vip", "set", "web", "198.18.0.201/24");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "raftvip: spec.address of vip \"web\" may not change (is 198.18.0.200/24); delete and"
                + " create instead (INVALID_ARGUMENT from "
                + at
                + ")\n");
  }

  @Test
  void setOfAnUnknownVipIsNotFound() {
    AdminCli r = AdminCli.at(cluster, "vip", "set", "nope", "--sticky");

    assertThat(r.exitCode()).isEqualTo(4);
    assertThat(r.err()).contains("vip \"nope\" not found (NOT_FOUND from " + at + ")");
  }

  @Test
  void rmDeletes() {
    cluster.service.seedVip("web", "198.18.0.200/24", "n1");
    cluster.service.seedVip("db", "198.18.0.201/24", "n1");

    AdminCli text = AdminCli.at(cluster, "vip", "rm", "web");
    AdminCli json = AdminCli.at(cluster, "vip", "rm", "db", "--json");
    AdminCli again = AdminCli.at(cluster, "vip", "rm", "db");

    assertThat(text.exitCode()).isZero();
    assertThat(text.out()).isEqualTo("deleted vip web\n");
    assertThat(json.out()).isEqualTo("{\"deleted\":\"db\"}\n");
    assertThat(cluster.service.vip("web")).isNull();
    assertThat(again.exitCode()).isEqualTo(4);
  }

  @Test
  void moveWaitsForTheNewOwnerAndShowsProgress() {
    cluster.service.seedVip("web", "198.18.0.200/24", "n1");

    AdminCli r = AdminCli.at(cluster, "vip", "move", "web", "--to", "n2", "--progress=always");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("state:          owned").contains("owner:          n2");
    assertThat(r.err())
        .contains("moving web from n1 to n2")
        .contains("vip web: releasing on n1, moving to n2")
        .containsPattern("moved web to n2 \\(epoch 2\\) in \\d+ ms");
    assertThat(cluster.service.vip("web").getOwner()).isEqualTo("n2");
  }

  @Test
  void moveJsonIsTheVipAfterTheMoveAndNoProgressOffATerminal() {
    cluster.service.seedVip("web", "198.18.0.200/24", "n1");

    AdminCli r = AdminCli.at(cluster, "vip", "move", "web", "--json");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).contains("\"state\":\"owned\",\"owner\":\"n2\",\"epoch\":2");
  }

  @Test
  void moveWithoutWaitReturnsTheReleasingVip() {
    cluster.service.seedVip("web", "198.18.0.200/24", "n1");
    cluster.service.settleAfterReads = -1;

    AdminCli r = AdminCli.at(cluster, "vip", "move", "web", "--to", "n3", "--no-wait", "--json");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains("\"state\":\"releasing\",\"owner\":\"n1\",\"epoch\":1,\"moveTarget\":\"n3\"");
  }

  @Test
  void aMoveThatDoesNotFinishInTimeIsExitCode3WithAReadBackHint() {
    cluster.service.seedVip("web", "198.18.0.200/24", "n1");
    cluster.service.settleAfterReads = -1;

    long start = System.nanoTime();
    AdminCli r = AdminCli.at(cluster, "vip", "move", "web", "--timeout", "400ms");
    long tookMs = (System.nanoTime() - start) / 1_000_000;

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err())
        .isEqualTo(
            "raftvip: move of vip \"web\" did not finish within 400ms; the change may still"
                + " commit; check with raftvip vip get web (DEADLINE_EXCEEDED waiting for "
                + at
                + ")\n");
    assertThat(tookMs).isBetween(350L, 3_000L);
  }

  @Test
  void moveToADrainedNodeIsRejectedWithExitCode5() {
    cluster.service.seedVip("web", "198.18.0.200/24", "n1");
    assertThat(AdminCli.at(cluster, "node", "drain", "n3", "--no-wait").exitCode()).isZero();

    AdminCli r = AdminCli.at(cluster, "vip", "move", "web", "--to", "n3");

    assertThat(r.exitCode()).isEqualTo(5);
    assertThat(r.err())
        .isEqualTo(
            "raftvip: cannot move vip \"web\" to drained node \"n3\" (FAILED_PRECONDITION from "
                + at
                + ")\n");
    assertThat(cluster.service.vip("web").getState())
        .isEqualTo(OwnershipState.OWNERSHIP_STATE_OWNED);
  }

  @Test
  void moveToAnUnknownNodeIsNotFound() {
    cluster.service.seedVip("web", "198.18.0.200/24", "n1");

    AdminCli r = AdminCli.at(cluster, "vip", "move", "web", "--to", "n9");

    assertThat(r.exitCode()).isEqualTo(4);
    assertThat(r.err()).contains("node \"n9\" not found (NOT_FOUND from " + at + ")");
  }
}
