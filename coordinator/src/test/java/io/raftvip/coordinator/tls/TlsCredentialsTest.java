package io.raftvip.coordinator.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading and re-reading the PEM files, without a network. */
class TlsCredentialsTest {

  @TempDir Path dir;

  TestPki.Ca ca;
  TestPki.Leaf first;
  Path cert;
  Path key;

  @BeforeEach
  void files() throws IOException {
    ca = TestPki.ca(dir, "ca");
    first = ca.issue("first", "IP:127.0.0.1");
    cert = dir.resolve("cert.pem");
    key = dir.resolve("key.pem");
    first.installAt(cert, key);
  }

  private TlsCredentials load() throws IOException {
    return TlsCredentials.load(
        new TlsSettings(cert, key, ca.cert(), Duration.ofHours(1)), "n1", List.of("127.0.0.1"));
  }

  private static BigInteger served(TlsCredentials c) {
    X509ExtendedKeyManager km =
        (X509ExtendedKeyManager) c.ratisConfig().getKeyManager().getKeyManager();
    String alias = km.chooseEngineServerAlias("EC", null, null);
    return km.getCertificateChain(alias)[0].getSerialNumber();
  }

  @Test
  void aRenewedPairIsServedAfterTheNextReadAndAnUnchangedOneIsNotReRead() throws Exception {
    try (TlsCredentials c = load()) {
      assertThat(served(c)).isEqualTo(BigInteger.valueOf(first.serial()));
      assertThat(c.reloadIfChanged()).isFalse();

      TestPki.Leaf second = ca.issue("second", "IP:127.0.0.1");
      second.installAt(cert, key);
      bump(cert, key);
      assertThat(c.reloadIfChanged()).isTrue();
      assertThat(served(c)).isEqualTo(BigInteger.valueOf(second.serial()));
      assertThat(c.reloadIfChanged()).isFalse();
    }
  }

  @Test
  void aChangeOfTheCertificateFileAloneIsEnough() throws Exception {
    try (TlsCredentials c = load()) {
      bump(cert);
      assertThat(c.reloadIfChanged()).isTrue();
    }
  }

  @Test
  void aBrokenFileKeepsTheOldMaterialUntilItIsFixed() throws Exception {
    try (TlsCredentials c = load()) {
      String good = Files.readString(cert);
      Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nnot base64\n", StandardCharsets.UTF_8);
      bump(cert);
      assertThat(c.reloadIfChanged()).isFalse();
      assertThat(served(c)).isEqualTo(BigInteger.valueOf(first.serial()));
      Files.writeString(cert, good, StandardCharsets.UTF_8);
      bump(cert);
      assertThat(c.reloadIfChanged()).isTrue();
      assertThat(served(c)).isEqualTo(BigInteger.valueOf(first.serial()));
    }
  }

  @Test
  void errorsNameTheFileAndNeverItsContents() throws Exception {
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(
            () ->
                TlsCredentials.load(
                    TlsSettings.of(cert, missing, ca.cert()), "n1", List.of("127.0.0.1")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("key file " + missing);

    // The certificate where the key should be: a parse error, reported without the PEM.
    String keyBody = Files.readAllLines(key).get(1);
    Path swapped = dir.resolve("swapped.key");
    Files.copy(cert, swapped);
    assertThatThrownBy(
            () ->
                TlsCredentials.load(
                    TlsSettings.of(cert, swapped, ca.cert()), "n1", List.of("127.0.0.1")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(swapped.toString())
        .hasMessageNotContaining(Files.readAllLines(cert).get(1))
        .hasMessageNotContaining(keyBody);

    // Paths only: printing the settings shows no key material.
    assertThat(TlsSettings.of(cert, key, ca.cert()).toString())
        .contains(key.toString())
        .doesNotContain(keyBody);
  }

  @Test
  void settingsCheckTheReloadInterval() {
    assertThatThrownBy(() -> TlsSettings.of(cert, key, ca.cert()).withReloadInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reload interval PT0S");
    assertThat(TlsSettings.of(cert, key, ca.cert()).reloadInterval())
        .isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void hostsCompareInCanonicalForm() {
    assertThat(TlsCredentials.normalize("::1"))
        .isEqualTo(TlsCredentials.normalize("0:0:0:0:0:0:0:1"));
    assertThat(TlsCredentials.normalize("Node1.Example")).isEqualTo("node1.example");
    assertThat(TlsCredentials.normalize("198.18.0.11")).isEqualTo("198.18.0.11");
  }

  /** Moves the files' modification time forward a second, whatever the clock's resolution. */
  private static void bump(Path... files) throws IOException {
    for (Path f : files) {
      FileTime t = Files.getLastModifiedTime(f);
      Files.setLastModifiedTime(f, FileTime.fromMillis(t.toMillis() + 1_000));
    }
  }
}
