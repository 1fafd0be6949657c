package io.raftvip.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code raftvip node ...}, {@code leader transfer} and {@code status} against a fake endpoint. */
class NodeCommandsTest {

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
    cluster.service.seedVip("web", "198.18.0.200/24", "n2");

    AdminCli text = AdminCli.at(cluster, "node", "list");
    AdminCli json = AdminCli.at(cluster, "node", "list", "--json");

    assertThat(text.exitCode()).isZero();
    assertThat(text.out())
        .isEqualTo(
            """
            ID  STATUS  ROLE      DRAINED  VIPS  HEALTH  RAFT              ADMIN
            n1  active  leader    no       -     web:ok  198.18.0.11:7101  198.18.0.11:7100
            n2  active  follower  no       web   web:ok  198.18.0.12:7101  198.18.0.12:7100
            n3  active  follower  no       -     web:ok  198.18.0.13:7101  198.18.0.13:7100
            """);
    assertThat(json.exitCode()).isZero();
    assertThat(json.out())
        .startsWith(
            "{\"nodes\":[{\"id\":\"n1\",\"raftAddress\":\"198.18.0.11:7101\","
                + "\"adminAddress\":\"198.18.0.11:7100\",\"status\":\"active\",\"drained\":false,"
                + "\"leader\":true,\"health\":{\"web\":true},\"ownedVips\":[]}")
        .contains("\"id\":\"n2\"")
        .contains("\"ownedVips\":[\"web\"]");
  }

  @Test
  void drainWaitsUntilTheNodeOwnsNothing() {
    cluster.service.seedVip("web", "198.18.0.200/24", "n1");
    cluster.service.seedVip("db", "198.18.0.201/24", "n1");

    AdminCli r = AdminCli.at(cluster, "node", "drain", "n1", "--progress=always", "--json");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out())
        .isEqualTo(
            "{\"id\":\"n1\",\"raftAddress\":\"198.18.0.11:7101\",\"adminAddress\":"
                + "\"198.18.0.11:7100\",\"status\":\"active\",\"drained\":true,\"leader\":true,"
                + "\"health\":{\"web\":true},\"ownedVips\":[]}\n");
    assertThat(r.err())
        .contains("draining n1")
        .contains("n1: 2 VIPs left: db, web")
        .containsPattern("n1 owns no VIP \\(\\d+ ms\\)");
    assertThat(cluster.service.vip("web").getOwner()).isEqualTo("n2");
  }

  @Test
  void drainTextAndUndrain() {
    AdminCli drain = AdminCli.at(cluster, "node", "drain", "n3");
    AdminCli undrain = AdminCli.at(cluster, "node", "undrain", "n3");

    assertThat(drain.exitCode()).isZero();
    assertThat(drain.err()).isEmpty();
    assertThat(drain.out()).contains("n3  active  follower  yes");
    assertThat(undrain.exitCode()).isZero();
    assertThat(undrain.out()).contains("n3  active  follower  no");
    assertThat(cluster.service.node("n3").getDrained()).isFalse();
  }

  @Test
  void aDrainThatDoesNotFinishInTimeIsExitCode3() {
    cluster.service.seedVip("web", "198.18.0.200/24", "n1");
    cluster.service.settleAfterReads = -1;

    AdminCli r = AdminCli.at(cluster, "node", "drain", "n1", "--timeout", "300ms");

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err())
        .isEqualTo(
            "raftvip: drain of node \"n1\" did not finish within 300ms; the change may still"
                + " commit; check with raftvip node list (DEADLINE_EXCEEDED waiting for "
                + at
                + ")\n");
  }

  @Test
  void unknownNodesAreNotFound() {
    assertThat(AdminCli.at(cluster, "node", "drain", "n9").exitCode()).isEqualTo(4);
    assertThat(AdminCli.at(cluster, "node", "undrain", "n9").exitCode()).isEqualTo(4);
    AdminCli rm = AdminCli.at(cluster, "node", "rm", "n9");
    assertThat(rm.exitCode()).isEqualTo(4);
    assertThat(rm.err()).isEqualTo("raftvip: node \"n9\" not found (NOT_FOUND from " + at + ")\n");
  }

  @Test
  void addAndRemove() {
    AdminCli add =
        AdminCli.at(
            cluster,
            "node",
            "add",
            "n4",
            "--raft",
            "198.18.0.14:7101",
            "--admin",
            "[2001:db8::14]:7100",
            "--json");
    AdminCli again =
        AdminCli.at(
            cluster, "node", "add", "n4", "--raft", "198.18.0.14:7101", "--admin", "h4:7100");
    AdminCli rm = AdminCli.at(cluster, "node", "rm", "n4");
    AdminCli rmJson = AdminCli.at(cluster, "node", "rm", "n3", "--json");

    assertThat(add.exitCode()).as(add.err()).isZero();
    assertThat(add.out())
        .startsWith(
            "{\"id\":\"n4\",\"raftAddress\":\"198.18.0.14:7101\","
                + "\"adminAddress\":\"[2001:db8::14]:7100\"");
    assertThat(again.exitCode()).isEqualTo(5);
    assertThat(again.err())
        .isEqualTo("raftvip: node \"n4\" is already a member (ALREADY_EXISTS from " + at + ")\n");
    assertThat(rm.exitCode()).isZero();
    assertThat(rm.out()).isEqualTo("removed node n4\n");
    assertThat(rmJson.out()).isEqualTo("{\"removed\":\"n3\"}\n");
  }

  @Test
  void removingANodeThatOwnsVipsIsRejected() {
    cluster.service.seedVip("web", "198.18.0.200/24", "n2");

    AdminCli r = AdminCli.at(cluster, "node", "rm", "n2");

    assertThat(r.exitCode()).isEqualTo(5);
    assertThat(r.err())
        .isEqualTo(
            "raftvip: node \"n2\" still owns VIPs; drain it first (FAILED_PRECONDITION from "
                + at
                + ")\n");
  }

  @Test
  void leaderTransfer() {
    AdminCli text = AdminCli.at(cluster, "leader", "transfer", "--to", "n3", "--progress=always");
    AdminCli json = AdminCli.at(cluster, "leader", "transfer", "--json");
    AdminCli unknown = AdminCli.at(cluster, "leader", "transfer", "--to", "n9");

    assertThat(text.exitCode()).isZero();
    assertThat(text.out()).isEqualTo("leader: n3\n");
    assertThat(text.err())
        .contains("transferring leadership to n3")
        .containsPattern("n3 leads \\(\\d+ ms\\)");
    assertThat(json.exitCode()).isZero();
    assertThat(json.out()).isEqualTo("{\"newLeader\":\"n1\"}\n");
    assertThat(json.err()).isEmpty();
    assertThat(unknown.exitCode()).isEqualTo(4);
    assertThat(cluster.service.leader()).isEqualTo("n1");
  }

  @Test
  void statusInBothForms() {
    cluster.service.seedVip("web", "198.18.0.200/24", "n1");

    AdminCli text = AdminCli.at(cluster, "status");
    AdminCli json = AdminCli.at(cluster, "status", "--json");

    assertThat(text.exitCode()).isZero();
    assertThat(text.out())
        .startsWith(
            "cluster:       2f6c0a3e-8d1b-4c8e-9a57-3f5e2b1c4d6e\n"
                + "leader:        n1 (term 3)\n"
                + "quorum:        yes\n"
                + "commit index:  101 (applied 101 on n1)\n"
                + "answered by:   n1 via "
                + at
                + "\n\nID  STATUS")
        .contains("n1  active  leader    no       web");
    assertThat(json.exitCode()).isZero();
    assertThat(json.out())
        .startsWith(
            "{\"clusterId\":\"2f6c0a3e-8d1b-4c8e-9a57-3f5e2b1c4d6e\",\"leaderId\":\"n1\","
                + "\"term\":3,\"commitIndex\":101,\"appliedIndex\":101,\"hasQuorum\":true,"
                + "\"answeredBy\":\"n1\",\"endpoint\":\""
                + at
                + "\",\"nodes\":[{\"id\":\"n1\"");
  }

  @Test
  void noQuorumIsExitCode3WithTheServersMessage() {
    cluster.service.noQuorum = true;

    AdminCli status = AdminCli.at(cluster, "status");
    AdminCli add = AdminCli.at(cluster, "vip", "add", "web", "198.18.0.200/24");

    assertThat(status.exitCode()).isEqualTo(3);
    assertThat(status.err())
        .isEqualTo(
            "raftvip: no quorum: 1 of 3 voters reachable from n1 (UNAVAILABLE from " + at + ")\n");
    assertThat(add.exitCode()).isEqualTo(3);
  }
}
