package io.raftvip.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --cluster failover, unreachable clusters, the bearer token and its errors. */
class ConnectionTest {

  static final String TOKEN = "s3cret-token-6f1d";

  @TempDir Path dir;

  @Test
  void anUnreachableClusterIsExitCode3NamingEveryEndpoint() {
    String a = FakeCluster.deadEndpoint();
    String b = FakeCluster.deadEndpoint();

    long start = System.nanoTime();
    AdminCli r = AdminCli.run("vip", "list", "-c", a + "," + b);
    long tookMs = (System.nanoTime() - start) / 1_000_000;

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo(
            "raftvip: cannot reach the cluster: "
                + a
                + " (connection refused), "
                + b
                + " (connection refused); check --cluster / RAFTVIP_CLUSTER and that the agents"
                + " run\n");
    assertThat(tookMs).isLessThan(5_000);
  }

  @Test
  void verboseAddsTheStackTrace() {
    AdminCli r = AdminCli.run("status", "--verbose", "-c", FakeCluster.deadEndpoint());

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err())
        .startsWith("raftvip: cannot reach the cluster: ")
        .contains("io.raftvip.cli.CommandFailedException")
        .contains("StatusRuntimeException: UNAVAILABLE");
  }

  @Test
  void aDeadFirstEndpointFailsOverToTheNext() throws Exception {
    try (FakeCluster live = FakeCluster.start("n2")) {
      live.service.seedVip("web", "198.18.0.200/24", "n1");
      String dead = FakeCluster.deadEndpoint();

      AdminCli r = AdminCli.run("status", "--json", "-c", dead + "," + live.endpoint());
      AdminCli get = AdminCli.run("vip", "get", "web", "-c", dead + ", " + live.endpoint());

      assertThat(r.exitCode()).as(r.err()).isZero();
      assertThat(r.err()).isEmpty();
      assertThat(r.out())
          .contains("\"answeredBy\":\"n2\",\"endpoint\":\"" + live.endpoint() + "\"");
      assertThat(get.exitCode()).isZero();
      assertThat(get.out()).contains("owner:          n1");
    }
  }

  @Test
  void aNodeWithoutQuorumFailsOverToTheNext() throws Exception {
    try (FakeCluster minority = FakeCluster.start("n1");
        FakeCluster majority = FakeCluster.start("n2")) {
      minority.service.noQuorum = true;

      AdminCli r =
          AdminCli.run("status", "--json", "-c", minority.endpoint() + "," + majority.endpoint());
      assertThat(r.exitCode()).as(r.err()).isZero();
      assertThat(r.out()).contains("\"answeredBy\":\"n2\"");
      assertThat(minority.calls.get()).isEqualTo(1);

      AdminCli both = AdminCli.run("status", "-c", minority.endpoint() + "," + minority.endpoint());

      // The same endpoint twice is tried once.
      assertThat(both.exitCode()).isEqualTo(3);
      assertThat(minority.calls.get()).isEqualTo(2);
    }
  }

  @Test
  void otherErrorsDoNotFailOver() throws Exception {
    try (FakeCluster a = FakeCluster.start("n1");
        FakeCluster b = FakeCluster.start("n2")) {
      AdminCli r = AdminCli.run("vip", "get", "web", "-c", a.endpoint() + "," + b.endpoint());

      assertThat(r.exitCode()).isEqualTo(4);
      assertThat(b.calls.get()).isZero();
    }
  }

  @Test
  void theTokenFromTheFileIsSentWithoutItsNewline() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    try (FakeCluster cluster = FakeCluster.withToken(TOKEN)) {
      AdminCli r = AdminCli.at(cluster, "vip", "list", "--token-file", file.toString());

      assertThat(r.exitCode()).as(r.err()).isZero();
    }
  }

  @Test
  void aMissingTokenIsExitCode6() throws Exception {
    try (FakeCluster cluster = FakeCluster.withToken(TOKEN)) {
      AdminCli r = AdminCli.at(cluster, "vip", "list");

      assertThat(r.exitCode()).isEqualTo(6);
      assertThat(r.err())
          .isEqualTo(
              "raftvip: missing bearer token (UNAUTHENTICATED from " + cluster.endpoint() + ")\n");
    }
  }

  @Test
  void aWrongTokenIsExitCode6AndNeverPrinted() throws Exception {
    String wrong = "wrong-token-9a7c";
    Path file = Files.writeString(dir.resolve("token"), wrong + "\r\n");
    try (FakeCluster cluster = FakeCluster.withToken(TOKEN)) {
      AdminCli r =
          AdminCli.at(
              cluster, "vip", "add", "web", "198.18.0.200/24", "--token-file", file.toString());
      AdminCli verbose =
          AdminCli.at(cluster, "status", "--verbose", "--json", "--token-file", file.toString());

      assertThat(r.exitCode()).isEqualTo(6);
      assertThat(r.err())
          .isEqualTo(
              "raftvip: bearer token not accepted (PERMISSION_DENIED from "
                  + cluster.endpoint()
                  + ")\n");
      assertThat(verbose.exitCode()).isEqualTo(6);
      assertThat(r.out() + r.err() + verbose.out() + verbose.err())
          .doesNotContain(wrong)
          .doesNotContain(TOKEN);
    }
  }

  @Test
  void unusableTokenFilesAreExitCode2WithoutTheToken() throws IOException {
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    Path spaced = Files.writeString(dir.resolve("spaced"), "abc def-hidden\n");

    AdminCli missing = AdminCli.run("status", "--token-file", dir.resolve("nope").toString());
    AdminCli blank = AdminCli.run("status", "--token-file", empty.toString());
    AdminCli space = AdminCli.run("status", "--token-file", spaced.toString());

    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err())
        .contains("--token-file " + dir.resolve("nope") + " cannot be read: no such file");
    assertThat(blank.exitCode()).isEqualTo(2);
    assertThat(blank.err()).contains("--token-file " + empty + " is empty");
    assertThat(space.exitCode()).isEqualTo(2);
    assertThat(space.err())
        .contains(
            "the token must be one line of printable ASCII without spaces (bad character at"
                + " position 4)")
        .doesNotContain("def-hidden");
  }

  @Test
  void tlsOptionsAreCheckedBeforeAnyCall() throws Exception {
    try (FakeCluster cluster = FakeCluster.start()) {
      AdminCli half = AdminCli.at(cluster, "status", "--tls-cert", "/etc/hostname");
      AdminCli missing =
          AdminCli.at(cluster, "status", "--tls-ca", dir.resolve("ca.pem").toString());

      assertThat(half.exitCode()).isEqualTo(2);
      assertThat(half.err())
          .contains("--tls-cert and --tls-key go together (mutual TLS); give both or neither");
      assertThat(missing.exitCode()).isEqualTo(2);
      assertThat(missing.err())
          .contains("--tls-ca " + dir.resolve("ca.pem") + " is not a readable file");
      assertThat(cluster.calls.get()).isZero();
    }
  }
}
