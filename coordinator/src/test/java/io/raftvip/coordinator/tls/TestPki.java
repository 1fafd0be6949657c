package io.raftvip.coordinator.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throwaway certificate authorities made with {@code /usr/bin/openssl} at test time: EC P-256,
 * valid two days, PKCS#8 keys. Nothing here is ever used outside a test's temporary directory.
 */
final class TestPki {

  private static final long OPENSSL_TIMEOUT_S = 30;
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  /** A CA: its certificate and key. */
  record Ca(Path dir, String name, Path cert, Path key) {

    /**
     * Issues a certificate usable as TLS server and client.
     *
     * @param sans e.g. "IP:127.0.0.1", "DNS:admin.example"
     */
    Leaf issue(String name, String... sans) throws IOException {
      Path key = dir.resolve(name + ".key");
      Path csr = dir.resolve(name + ".csr");
      Path cert = dir.resolve(name + ".pem");
      Path ext = dir.resolve(name + ".ext");
      List<String> lines = new ArrayList<>();
      lines.add("basicConstraints=critical,CA:FALSE");
      lines.add("keyUsage=critical,digitalSignature");
      lines.add("extendedKeyUsage=serverAuth,clientAuth");
      if (sans.length > 0) {
        lines.add("subjectAltName=" + String.join(",", sans));
      }
      Files.write(ext, lines, StandardCharsets.US_ASCII);
      openssl(
          dir,
          "req",
          "-new",
          "-newkey",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:P-256",
          "-nodes",
          "-keyout",
          key.toString(),
          "-out",
          csr.toString(),
          "-subj",
          "/CN=" + name);
      long serial = SERIAL.incrementAndGet();
      openssl(
          dir,
          "x509",
          "-req",
          "-in",
          csr.toString(),
          "-CA",
          this.cert.toString(),
          "-CAkey",
          this.key.toString(),
          "-set_serial",
          Long.toString(serial),
          "-days",
          "2",
          "-extfile",
          ext.toString(),
          "-out",
          cert.toString());
      return new Leaf(cert, key, serial);
    }
  }

  /** An issued certificate, its PKCS#8 key and its serial number. */
  record Leaf(Path cert, Path key, long serial) {

    /** Copies the pair to {@code certTo}/{@code keyTo}, key first, each by an atomic rename. */
    void installAt(Path certTo, Path keyTo) throws IOException {
      Path tmpKey = keyTo.resolveSibling(keyTo.getFileName() + ".tmp");
      Path tmpCert = certTo.resolveSibling(certTo.getFileName() + ".tmp");
      Files.copy(key, tmpKey, StandardCopyOption.REPLACE_EXISTING);
      Files.copy(cert, tmpCert, StandardCopyOption.REPLACE_EXISTING);
      Files.move(
          tmpKey, keyTo, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      Files.move(
          tmpCert, certTo, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    TlsSettings settings(Path ca) {
      return TlsSettings.of(cert, key, ca);
    }
  }

  private TestPki() {}

  /** A new self-signed CA in {@code parent/name}. */
  static Ca ca(Path parent, String name) throws IOException {
    Path dir = Files.createDirectories(parent.resolve(name));
    Path key = dir.resolve("ca.key");
    Path cert = dir.resolve("ca.pem");
    openssl(
        dir,
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        key.toString(),
        "-out",
        cert.toString(),
        "-days",
        "2",
        "-subj",
        "/CN=" + name,
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign");
    return new Ca(dir, name, cert, key);
  }

  private static void openssl(Path dir, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add("/usr/bin/openssl");
    cmd.addAll(List.of(args));
    Path log = dir.resolve("openssl.log");
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    try {
      if (!p.waitFor(OPENSSL_TIMEOUT_S, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(
            "openssl " + args[0] + " did not finish in " + OPENSSL_TIMEOUT_S + " s");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (p.exitValue() != 0) {
      throw new IOException(
          "openssl " + String.join(" ", args) + " failed: " + Files.readString(log));
    }
  }
}
