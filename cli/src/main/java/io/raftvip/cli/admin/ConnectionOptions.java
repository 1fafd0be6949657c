package io.raftvip.cli.admin;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import io.raftvip.cli.config.HostPort;
import io.raftvip.cli.config.Units;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options every admin command shares (a picocli mixin): where the cluster is, how to
 * authenticate, how long to wait, and the output format. {@link #resolve} checks them and turns
 * them into {@link Settings} before any call.
 */
public final class ConnectionOptions {

  /** The admin port of a node on this host, as in the sample configs. */
  public static final String DEFAULT_CLUSTER = "127.0.0.1:7100";

  /** More endpoints than any cluster has voters: a typo or a pasted list, not a cluster. */
  static final int ENDPOINT_COUNT_MAX = 32;

  /** A token file is one line; anything bigger is the wrong file. */
  static final int TOKEN_FILE_BYTES_MAX = 16 * 1024;

  /** An endpoint that takes longer than this to accept a TCP connection counts as unreachable. */
  static final Duration CONNECT_TIMEOUT_MAX = Duration.ofSeconds(3);

  /** Longer than any sensible command; a typo like "10m" for "10s" still passes. */
  static final Duration TIMEOUT_MAX = Duration.ofHours(24);

  @Option(
      names = {"-c", "--cluster"},
      paramLabel = "HOST:PORT[,HOST:PORT...]",
      defaultValue = "${env:RAFTVIP_CLUSTER:-" + DEFAULT_CLUSTER + "}",
      description = {
        "Admin endpoints of the cluster, tried in order until one answers (unreachable or no"
            + " quorum: the next one). Env RAFTVIP_CLUSTER; default: ${DEFAULT-VALUE}.",
      })
  String cluster;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      defaultValue = "${env:RAFTVIP_TOKEN_FILE}",
      description = {
        "File with the bearer token sent as 'authorization: Bearer <token>' (trailing newline"
            + " ignored; the token is never printed). Env RAFTVIP_TOKEN_FILE.",
      })
  String tokenFile;

  @Option(
      names = "--tls-ca",
      paramLabel = "FILE",
      description = "PEM CA certificate(s) that sign the servers' certificates; enables TLS.")
  String tlsCa;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description = "PEM client certificate for mutual TLS (with --tls-key); enables TLS.")
  String tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description = "PEM PKCS#8 private key of --tls-cert.")
  String tlsKey;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "10s",
      description = {
        "Deadline of the whole command, e.g. 500ms, 10s, 2m (default ${DEFAULT-VALUE}; watch:"
            + " none unless given).",
      })
  String timeout;

  @Option(
      names = "--json",
      description = "Print JSON instead of text (field names in docs/cli.md).")
  boolean json;

  /** What the options mean once checked. The token is only here, never in a message. */
  public record Settings(
      List<HostPort> endpoints,
      ChannelCredentials credentials,
      boolean tls,
      Optional<String> bearerToken,
      Duration timeout,
      boolean timeoutGiven,
      Duration connectTimeout,
      boolean json) {

    @Override
    public String toString() {
      // Records print every component; keep the token out of logs and stack traces.
      return "Settings[endpoints="
          + endpoints
          + ", tls="
          + tls
          + ", token="
          + (bearerToken.isPresent() ? "(set)" : "(none)")
          + ", timeout="
          + timeout
          + "]";
    }
  }

  /**
   * Checks the options.
   *
   * @throws ParameterException naming the bad option and value (exit code 2)
   */
  Settings resolve(CommandSpec spec) {
    boolean timeoutGiven = spec.commandLine().getParseResult().hasMatchedOption("--timeout");
    Duration deadline = parseTimeout(spec);
    List<HostPort> endpoints = parseCluster(spec, cluster);
    Optional<String> token = readToken(spec);
    boolean tls = tlsCa != null || tlsCert != null || tlsKey != null;
    ChannelCredentials credentials =
        tls ? tlsCredentials(spec) : InsecureChannelCredentials.create();
    Duration connect = deadline.compareTo(CONNECT_TIMEOUT_MAX) < 0 ? deadline : CONNECT_TIMEOUT_MAX;
    return new Settings(endpoints, credentials, tls, token, deadline, timeoutGiven, connect, json);
  }

  private Duration parseTimeout(CommandSpec spec) {
    Duration d;
    try {
      d = Units.parseDuration(timeout);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--timeout: " + e.getMessage());
    }
    if (d.isNegative() || d.isZero()) {
      throw new ParameterException(
          spec.commandLine(), "--timeout must be positive, got \"" + timeout + "\"");
    }
    if (d.compareTo(TIMEOUT_MAX) > 0) {
      throw new ParameterException(
          spec.commandLine(), "--timeout " + timeout + " is longer than the maximum of 24h");
    }
    return d;
  }

  static List<HostPort> parseCluster(CommandSpec spec, String text) {
    String where = "--cluster";
    if (text == null || text.isBlank()) {
      throw new ParameterException(
          spec.commandLine(), where + " is empty; give host:port[,host:port...]");
    }
    String[] parts = text.split(",", -1);
    if (parts.length > ENDPOINT_COUNT_MAX) {
      throw new ParameterException(
          spec.commandLine(),
          where + " lists " + parts.length + " endpoints; at most " + ENDPOINT_COUNT_MAX);
    }
    Set<HostPort> seen = new LinkedHashSet<>();
    for (String part : parts) {
      String p = part.strip();
      if (p.isEmpty()) {
        throw new ParameterException(
            spec.commandLine(), where + " \"" + text + "\" has an empty entry");
      }
      try {
        seen.add(HostPort.parse(p));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), where + ": " + e.getMessage());
      }
    }
    return List.copyOf(new ArrayList<>(seen));
  }

  private Optional<String> readToken(CommandSpec spec) {
    if (tokenFile == null || tokenFile.isEmpty()) {
      return Optional.empty();
    }
    Path path = Path.of(tokenFile);
    String text;
    try {
      if (Files.size(path) > TOKEN_FILE_BYTES_MAX) {
        throw new ParameterException(
            spec.commandLine(),
            "--token-file " + tokenFile + " is larger than " + TOKEN_FILE_BYTES_MAX + " bytes");
      }
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ParameterException(
          spec.commandLine(), "--token-file " + tokenFile + " cannot be read: " + ioReason(e));
    }
    // Editors and `echo` add a newline; tokens never end in whitespace.
    String token = text.stripTrailing();
    if (token.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--token-file " + tokenFile + " is empty");
    }
    // Never quote the token: say where the bad character is, not what the token is.
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new ParameterException(
            spec.commandLine(),
            "--token-file "
                + tokenFile
                + ": the token must be one line of printable ASCII without spaces (bad character"
                + " at position "
                + (i + 1)
                + ")");
      }
    }
    return Optional.of(token);
  }

  private ChannelCredentials tlsCredentials(CommandSpec spec) {
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new ParameterException(
          spec.commandLine(),
          "--tls-cert and --tls-key go together (mutual TLS); give both or neither");
    }
    TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
    try {
      if (tlsCa != null) {
        b.trustManager(readable(spec, "--tls-ca", tlsCa).toFile());
      }
      if (tlsCert != null) {
        b.keyManager(
            readable(spec, "--tls-cert", tlsCert).toFile(),
            readable(spec, "--tls-key", tlsKey).toFile());
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "TLS files cannot be used: " + ioReason(e));
    }
    return b.build();
  }

  private static Path readable(CommandSpec spec, String option, String file) {
    Path path = Path.of(file);
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new ParameterException(
          spec.commandLine(), option + " " + file + " is not a readable file");
    }
    return path;
  }

  private static String ioReason(Exception e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
