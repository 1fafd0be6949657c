package io.raftvip.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** --tls-ca / --tls-cert / --tls-key against a fake endpoint that requires client certificates. */
class TlsTest {

  FakeCluster cluster;

  @BeforeEach
  void start() {
    cluster = FakeCluster.withMutualTls();
  }

  @AfterEach
  void stop() throws InterruptedException {
    cluster.close();
  }

  static String file(String name) {
    return FakeCluster.tlsFile(name).toString();
  }

  @Test
  void mutualTlsWorks() {
    AdminCli r =
        AdminCli.at(
            cluster,
            "status",
            "--json",
            "--tls-ca",
            file("ca.pem"),
            "--tls-cert",
            file("client.pem"),
            "--tls-key",
            file("client.key"));

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("\"answeredBy\":\"n1\"");
  }

  @Test
  void plaintextToATlsServerIsUnreachable() {
    AdminCli r = AdminCli.at(cluster, "status", "--timeout", "3s");

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err())
        .startsWith(
            "raftvip: cannot reach the cluster: "
                + cluster.endpoint()
                + " (connection closed during setup; TLS on one side only?)");
  }

  @Test
  void aServerSignedByAnotherCaIsUnreachableWithATlsReason() {
    AdminCli r =
        AdminCli.at(
            cluster,
            "status",
            "--tls-ca",
            file("other-ca.pem"),
            "--tls-cert",
            file("client.pem"),
            "--tls-key",
            file("client.key"));

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err())
        .startsWith("raftvip: cannot reach the cluster: " + cluster.endpoint() + " (TLS failed: ");
    assertThat(cluster.calls.get()).isZero();
  }

  @Test
  void withoutAClientCertificateTheServerRefuses() {
    AdminCli r = AdminCli.at(cluster, "status", "--tls-ca", file("ca.pem"), "--timeout", "3s");

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err())
        .startsWith("raftvip: cannot reach the cluster: " + cluster.endpoint() + " (TLS failed: ")
        .contains("CERTIFICATE_REQUIRED");
    assertThat(cluster.calls.get()).isZero();
  }
}
