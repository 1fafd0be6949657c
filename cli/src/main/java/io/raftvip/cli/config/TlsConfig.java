package io.raftvip.cli.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Mutual TLS for Raft and the admin API: all three files or none.
 *
 * @param certFile this node's certificate chain, PEM
 * @param keyFile its private key, PEM (PKCS#8)
 * @param caFile the CA bundle that signs every member's and client's certificate, PEM
 */
public record TlsConfig(Path certFile, Path keyFile, Path caFile) {

  public TlsConfig {
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
    Objects.requireNonNull(caFile, "caFile");
    new Violations()
        .absolutePath("cert", certFile)
        .absolutePath("key", keyFile)
        .absolutePath("ca", caFile)
        .throwIfAny();
  }
}
