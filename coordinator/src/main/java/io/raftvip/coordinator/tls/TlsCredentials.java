package io.raftvip.coordinator.tls;

import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's mutual-TLS identity and trust, re-read from the files of {@link TlsSettings} every
 * reload interval (when a file's modification time changed), and the credentials each transport
 * takes: the lease service and its channels, the Ratis server and client, the admin server. All of
 * them share one key manager, so a renewed certificate is presented on every new handshake after
 * the next reload; connections already open keep the certificate they were made with.
 *
 * <p>Two trust managers over the same CA file:
 *
 * <ul>
 *   <li>peer trust (Raft and lease traffic): the certificate must chain to the CA, a server must
 *       carry the dialled host in its SANs, and a client must carry one of the members' hosts in
 *       its SANs, so an admin client's certificate from the same CA cannot speak Raft;
 *   <li>admin trust (admin server): the client's certificate must chain to the CA.
 * </ul>
 *
 * <p>The re-read loop is ours, not grpc-util's {@code updateIdentityCredentials(File, File, period,
 * ...)}: in grpc-util 1.85 that one raises any period under a minute to one minute and re-reads
 * only when both the certificate and the key file changed, so a renewal that keeps its key would
 * never be picked up.
 *
 * <p>Owns one daemon thread, {@code raftvip-tls-reload-<node>}, that does the re-reads; {@link
 * #close()} stops it (the managers keep their last material). A failed re-read (half-written or
 * broken file) is logged once, with the file names only, and the old material stays in use until
 * the files change again. Replace the key before the certificate, each by a rename: a period that
 * sees only one of them changed installs a pair that does not match, and handshakes fail until the
 * next period reads the other. Nothing here logs key material.
 */
public final class TlsCredentials implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TlsCredentials.class);

  private final TlsSettings settings;
  private final AdvancedTlsX509KeyManager keyManager;
  private final AdvancedTlsX509TrustManager peerTrust;
  private final AdvancedTlsX509TrustManager adminTrust;
  private final ScheduledThreadPoolExecutor reloader;
  private final String node;

  // Modification times seen at the last read, good or bad: only a further change is read again.
  // Written by load() before the reload thread starts, then only by the reload thread.
  private volatile long certModifiedMs;
  private volatile long keyModifiedMs;
  private volatile long caModifiedMs;
  private volatile boolean statFailed;

  private TlsCredentials(
      TlsSettings settings,
      String node,
      AdvancedTlsX509KeyManager keyManager,
      AdvancedTlsX509TrustManager peerTrust,
      AdvancedTlsX509TrustManager adminTrust,
      ScheduledThreadPoolExecutor reloader) {
    this.settings = settings;
    this.node = node;
    this.keyManager = keyManager;
    this.peerTrust = peerTrust;
    this.adminTrust = adminTrust;
    this.reloader = reloader;
  }

  /**
   * Reads the three files now (so a wrong path or a bad file fails the start, naming the file) and
   * starts re-reading them.
   *
   * @param node this node, for the reload thread's name
   * @param memberHosts the host of every member as the others dial it (IP literal or name); a peer
   *     client certificate must name one of them
   * @throws IOException naming the file that is missing, unreadable or not valid PEM of its kind
   */
  public static TlsCredentials load(
      TlsSettings settings, String node, Collection<String> memberHosts) throws IOException {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(node, "node");
    Set<String> hosts = new TreeSet<>();
    for (String h : memberHosts) {
      hosts.add(normalize(h));
    }
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("TLS needs the members' hosts, got none");
    }
    checkReadable("certificate", settings.certFile());
    checkReadable("key", settings.keyFile());
    checkReadable("CA", settings.caFile());
    ScheduledThreadPoolExecutor reloader =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "raftvip-tls-reload-" + node);
              t.setDaemon(true);
              return t;
            });
    reloader.setRemoveOnCancelPolicy(true);
    TlsCredentials c = null;
    try {
      AdvancedTlsX509TrustManager peer =
          AdvancedTlsX509TrustManager.newBuilder()
              .setVerification(
                  AdvancedTlsX509TrustManager.Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION)
              .setSslSocketAndEnginePeerVerifier(new MemberVerifier(hosts))
              .build();
      AdvancedTlsX509TrustManager admin =
          AdvancedTlsX509TrustManager.newBuilder()
              .setVerification(
                  AdvancedTlsX509TrustManager.Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION)
              .build();
      c =
          new TlsCredentials(
              settings, node, new AdvancedTlsX509KeyManager(), peer, admin, reloader);
      c.certModifiedMs = modified(settings.certFile());
      c.keyModifiedMs = modified(settings.keyFile());
      c.caModifiedMs = modified(settings.caFile());
      c.loadIdentity();
      c.loadTrust();
      long periodMs = settings.reloadInterval().toMillis();
      reloader.scheduleWithFixedDelay(c::tick, periodMs, periodMs, TimeUnit.MILLISECONDS);
      log.info(
          "{}: mutual TLS with certificate {}, key {}, CA {}, re-read every {} ms",
          node,
          settings.certFile(),
          settings.keyFile(),
          settings.caFile(),
          periodMs);
      return c;
    } catch (CertificateException e) {
      discard(c, reloader);
      throw new IOException("cannot set up TLS trust: " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      discard(c, reloader);
      throw e;
    }
  }

  private static void discard(TlsCredentials c, ScheduledThreadPoolExecutor reloader) {
    if (c != null) {
      c.close();
    } else {
      reloader.shutdownNow();
    }
  }

  /** One period; an exception escaping here would end the periodic task for good. */
  private void tick() {
    try {
      reloadIfChanged();
    } catch (RuntimeException e) {
      log.warn("{}: TLS re-read failed: {}", node, e.toString());
    }
  }

  /**
   * Re-reads whatever changed since the last successful read: the key pair when the certificate or
   * the key file changed (either one: a renewal may keep the key), the CA when its file changed. A
   * failed read keeps the old material and is tried again next period. Runs on the reload thread;
   * package-private for tests.
   *
   * @return whether new material was installed
   */
  boolean reloadIfChanged() {
    boolean changed = false;
    long certMs;
    long keyMs;
    long caMs;
    try {
      certMs = modified(settings.certFile());
      keyMs = modified(settings.keyFile());
      caMs = modified(settings.caFile());
    } catch (IOException e) {
      // Mid-rename or deleted: look again next period, say it once.
      if (!statFailed) {
        log.warn("{}: cannot read the TLS files' times: {}", node, e.toString());
      }
      statFailed = true;
      return false;
    }
    statFailed = false;
    if (certMs != certModifiedMs || keyMs != keyModifiedMs) {
      // Taken before the read: a write during it changes the time again, and we read again.
      certModifiedMs = certMs;
      keyModifiedMs = keyMs;
      try {
        loadIdentity();
        log.info("{}: TLS certificate {} re-read", node, settings.certFile());
        changed = true;
      } catch (IOException e) {
        // Once per change; the files are read again when they change again.
        log.warn("{}: keeping the previous TLS certificate: {}", node, e.getMessage());
      }
    }
    if (caMs != caModifiedMs) {
      caModifiedMs = caMs;
      try {
        loadTrust();
        log.info("{}: TLS CA {} re-read", node, settings.caFile());
        changed = true;
      } catch (IOException e) {
        log.warn("{}: keeping the previous TLS CA: {}", node, e.getMessage());
      }
    }
    return changed;
  }

  private void loadIdentity() throws IOException {
    try {
      keyManager.updateIdentityCredentials(
          settings.certFile().toFile(), settings.keyFile().toFile());
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IOException(
          "cannot load the TLS certificate "
              + settings.certFile()
              + " with key "
              + settings.keyFile()
              + ": "
              + describe(e),
          e);
    }
  }

  private void loadTrust() throws IOException {
    for (AdvancedTlsX509TrustManager tm : List.of(peerTrust, adminTrust)) {
      try {
        tm.updateTrustCredentials(settings.caFile().toFile());
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        throw new IOException(
            "cannot load the TLS CA file " + settings.caFile() + ": " + describe(e), e);
      }
    }
  }

  private static long modified(Path file) throws IOException {
    return Files.getLastModifiedTime(file).toMillis();
  }

  /** The files and the reload period. */
  public TlsSettings settings() {
    return settings;
  }

  /** For the lease server: client certificate required, a member's. */
  public ServerCredentials peerServerCredentials() {
    return TlsServerCredentials.newBuilder()
        .keyManager(keyManager)
        .trustManager(peerTrust)
        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
        .build();
  }

  /** For channels to the other members' lease servers: present ours, check theirs. */
  public ChannelCredentials peerChannelCredentials() {
    return TlsChannelCredentials.newBuilder()
        .keyManager(keyManager)
        .trustManager(peerTrust)
        .build();
  }

  /** For the admin server: client certificate required, any the CA signed. */
  public ServerCredentials adminServerCredentials() {
    return TlsServerCredentials.newBuilder()
        .keyManager(keyManager)
        .trustManager(adminTrust)
        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
        .build();
  }

  /**
   * For Ratis' server, its server-to-server channels and its client (GrpcConfigKeys.TLS): mutual,
   * with the same reloading managers (Ratis hands them to its shaded Netty as they are).
   */
  public GrpcTlsConfig ratisConfig() {
    return new GrpcTlsConfig(keyManager, peerTrust, true);
  }

  /** Stops re-reading; the managers keep the last material. Idempotent. */
  @Override
  public void close() {
    reloader.shutdownNow();
  }

  private static void checkReadable(String what, Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("TLS " + what + " file " + file + " does not exist or is not a file");
    }
    if (!Files.isReadable(file)) {
      throw new IOException("TLS " + what + " file " + file + " is not readable");
    }
  }

  /** The failure's kind and message; parsers' messages name formats, never key bytes. */
  private static String describe(Exception e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : " (" + m + ")");
  }

  /** IP literals in canonical form (so "::1" equals "0:0:0:0:0:0:0:1"), names lower-case. */
  static String normalize(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (isIpLiteral(h)) {
      try {
        // A literal is parsed, never resolved.
        return InetAddress.getByName(h).getHostAddress();
      } catch (UnknownHostException e) {
        return h;
      }
    }
    return h;
  }

  private static boolean isIpLiteral(String h) {
    if (h.indexOf(':') >= 0) {
      return true;
    }
    return !h.isEmpty() && h.chars().allMatch(ch -> ch == '.' || (ch >= '0' && ch <= '9'));
  }

  /** The SANs (IP and DNS) of {@code cert}, normalized. */
  static Set<String> names(X509Certificate cert) throws CertificateParsingException {
    Set<String> out = new TreeSet<>();
    Collection<List<?>> sans = cert.getSubjectAlternativeNames();
    if (sans == null) {
      return out;
    }
    for (List<?> san : sans) {
      // RFC 5280 GeneralName tags: 2 = dNSName, 7 = iPAddress.
      int tag = (Integer) san.get(0);
      if ((tag == 2 || tag == 7) && san.get(1) instanceof String s) {
        out.add(normalize(s));
      }
    }
    return out;
  }

  /**
   * After the CA check: the peer's leaf certificate must name a member's host. For servers the
   * host-name check already proved more (the dialled host); for clients this is what keeps other
   * certificates of the same CA (admin clients) out of Raft and lease traffic.
   */
  private static final class MemberVerifier
      implements AdvancedTlsX509TrustManager.SslSocketAndEnginePeerVerifier {
    private final Set<String> hosts;

    MemberVerifier(Set<String> hosts) {
      this.hosts = Set.copyOf(hosts);
    }

    @Override
    public void verifyPeerCertificate(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      check(chain);
    }

    @Override
    public void verifyPeerCertificate(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      check(chain);
    }

    private void check(X509Certificate[] chain) throws CertificateException {
      if (chain == null || chain.length == 0) {
        throw new CertificateException("no peer certificate");
      }
      Set<String> names = names(chain[0]);
      for (String n : names) {
        if (hosts.contains(n)) {
          return;
        }
      }
      throw new CertificateException(
          "certificate "
              + chain[0].getSubjectX500Principal()
              + " names "
              + names
              + ", none of the members' hosts "
              + hosts);
    }
  }
}
