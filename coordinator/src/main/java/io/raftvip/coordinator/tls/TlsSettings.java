package io.raftvip.coordinator.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where a node's mutual-TLS material lives and how often it is re-read. Only paths: the key's
 * contents never pass through this record, so printing it (logs, errors) shows no secret.
 *
 * @param certFile this node's certificate chain, PEM, leaf first; its subject alternative names
 *     must contain the host the other members dial (the member's host: an IP SAN for an address, a
 *     DNS SAN for a name)
 * @param keyFile the certificate's private key, PEM PKCS#8 ({@code BEGIN PRIVATE KEY})
 * @param caFile the CA certificate(s), PEM, that sign every member's and every admin client's
 *     certificate; nothing else is trusted
 * @param reloadInterval how often the three files are checked for a change (modification time) and
 *     re-read; {@value #RELOAD_INTERVAL_MS_MIN} ms to 1 h
 */
public record TlsSettings(Path certFile, Path keyFile, Path caFile, Duration reloadInterval) {

  /** Default re-read period: a renewed certificate is in use within a minute. */
  public static final Duration RELOAD_INTERVAL_DEFAULT = Duration.ofSeconds(60);

  /** Shorter periods only burn stat() calls; tests use 1 s. */
  public static final long RELOAD_INTERVAL_MS_MIN = 100;

  public static final Duration RELOAD_INTERVAL_MAX = Duration.ofHours(1);

  public TlsSettings {
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
    Objects.requireNonNull(caFile, "caFile");
    Objects.requireNonNull(reloadInterval, "reloadInterval");
    if (reloadInterval.toMillis() < RELOAD_INTERVAL_MS_MIN
        || reloadInterval.compareTo(RELOAD_INTERVAL_MAX) > 0) {
      throw new IllegalArgumentException(
          "TLS reload interval "
              + reloadInterval
              + " must be between "
              + RELOAD_INTERVAL_MS_MIN
              + " ms and "
              + RELOAD_INTERVAL_MAX);
    }
  }

  /** The three files, re-read every {@link #RELOAD_INTERVAL_DEFAULT}. */
  public static TlsSettings of(Path certFile, Path keyFile, Path caFile) {
    return new TlsSettings(certFile, keyFile, caFile, RELOAD_INTERVAL_DEFAULT);
  }

  /** The same files with another reload period. */
  public TlsSettings withReloadInterval(Duration interval) {
    return new TlsSettings(certFile, keyFile, caFile, interval);
  }
}
