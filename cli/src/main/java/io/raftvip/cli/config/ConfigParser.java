package io.raftvip.cli.config;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads an agent config file into an {@link AgentConfig}, or into every problem it has.
 *
 * <p>The YAML is composed into SnakeYAML's node tree, never constructed into Java objects, so that
 * each value keeps its line and column, duplicate keys can be caught (SnakeYAML's loader would keep
 * the last), and no YAML tag can instantiate a class. Reading goes on past an error: a bad value
 * fails its section, the other sections are still read and cross-checked, and all problems come
 * back sorted by line.
 *
 * <p>Stateless; each call owns its state, so calls may run concurrently.
 */
public final class ConfigParser {

  /** A config is a page of YAML; a megabyte is a mistake (or an attack), not a config. */
  public static final int FILE_SIZE_MAX_BYTES = 1 << 20;

  // Anchors and deep nesting have no use in this schema; keep the composer's work small.
  private static final int ALIAS_COUNT_MAX = 20;
  private static final int NESTING_DEPTH_MAX = 16;

  private static final Pattern UUID_TEXT =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]{1,10}");

  private static final String SECTIONS =
      "node, cluster, admin, tls, metrics, timing, announce, health-checks, vips, notify";

  private ConfigParser() {}

  /** Reads {@code file}, naming it in problems as the path was given. */
  public static ConfigResult parse(Path file) {
    String name = file.toString();
    String text;
    try {
      long size = Files.size(file);
      if (size > FILE_SIZE_MAX_BYTES) {
        return fileProblem(
            name,
            "is "
                + size
                + " bytes; a config file may have at most "
                + FILE_SIZE_MAX_BYTES
                + " bytes");
      }
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      return fileProblem(name, "no such file");
    } catch (AccessDeniedException e) {
      return fileProblem(name, "permission denied");
    } catch (MalformedInputException e) {
      return fileProblem(name, "is not UTF-8 text");
    } catch (IOException e) {
      return fileProblem(name, "cannot read: " + e.getMessage());
    }
    return parse(name, text);
  }

  /** Reads {@code text}, naming it {@code file} in problems. */
  public static ConfigResult parse(String file, String text) {
    return new Reading(file).read(text);
  }

  private static ConfigResult fileProblem(String file, String message) {
    return ConfigResult.fileError(file, message);
  }

  /** One file being read: the problems and positions found so far. */
  private static final class Reading {
    private final String file;
    private final List<ConfigProblem> problems = new ArrayList<>();
    private final Positions.Builder positionsBuilder = new Positions.Builder();
    private Positions positions;

    Reading(String file) {
      this.file = file;
    }

    ConfigResult read(String text) {
      Node root;
      try {
        root = compose(text);
      } catch (MarkedYAMLException e) {
        syntaxError(e);
        return result(Optional.empty());
      } catch (YAMLException e) {
        problems.add(
            new ConfigProblem(
                ConfigProblem.Severity.ERROR, file, 0, 0, "", "invalid YAML: " + e.getMessage()));
        return result(Optional.empty());
      }
      if (root == null || isNull(root)) {
        error(1, 1, "", "the file is empty; expected the sections " + SECTIONS);
        return result(Optional.empty());
      }
      if (!(root instanceof MappingNode)) {
        error(
            root.getStartMark(),
            "",
            "expected a mapping of the sections " + SECTIONS + ", got " + describe(root));
        return result(Optional.empty());
      }
      positionsBuilder.put("", root.getStartMark().getLine(), root.getStartMark().getColumn());
      return result(readAgent(new Section("", (MappingNode) root)));
    }

    private Node compose(String text) {
      LoaderOptions options = new LoaderOptions();
      options.setCodePointLimit(FILE_SIZE_MAX_BYTES);
      options.setMaxAliasesForCollections(ALIAS_COUNT_MAX);
      options.setNestingDepthLimit(NESTING_DEPTH_MAX);
      options.setAllowRecursiveKeys(false);
      return new Yaml(options).compose(new StringReader(text));
    }

    private void syntaxError(MarkedYAMLException e) {
      Mark at = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      if (at != null
          && e.getContext() != null
          && e.getContext().startsWith("expected a single document")) {
        error(at, "", "a second YAML document starts here; a config file holds exactly one");
        return;
      }
      StringBuilder message = new StringBuilder("syntax error: ");
      String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
      message.append(problem);
      if (problem.startsWith("expected <block end>")
          || problem.startsWith("mapping values are not allowed")) {
        // SnakeYAML's words for the usual mistakes: a key indented wrong, or "key: a: b".
        message.append(" (check the indentation, and quote values that contain \": \")");
      }
      Mark context = e.getContextMark();
      if (e.getContext() != null && context != null && context != at) {
        message
            .append(" (")
            .append(e.getContext())
            .append(" at line ")
            .append(context.getLine() + 1)
            .append(", column ")
            .append(context.getColumn() + 1)
            .append(')');
      }
      if (at == null) {
        problems.add(
            new ConfigProblem(ConfigProblem.Severity.ERROR, file, 0, 0, "", message.toString()));
      } else {
        error(at, "", message.toString());
      }
    }

    private ConfigResult result(Optional<AgentConfig> config) {
      if (positions == null) {
        positions = positionsBuilder.build();
      }
      return new ConfigResult(file, config, problems, positions);
    }

    // ---- the sections ---------------------------------------------------------------------

    private Optional<AgentConfig> readAgent(Section top) {
      NodeConfig node = top.required("node", "a mapping with id and interface", this::readNode);
      ClusterConfig cluster =
          top.required("cluster", "a mapping with id and peers", this::readCluster);
      PeerConfig self =
          node == null || cluster == null ? null : cluster.peer(node.id()).orElse(null);
      AdminConfig admin =
          top.optional(
              "admin", () -> self == null ? null : defaultAdmin(self), s -> readAdmin(s, self));
      Optional<TlsConfig> tls = top.optionalSection("tls", this::readTls);
      Optional<MetricsConfig> metrics = top.optionalSection("metrics", this::readMetrics);
      TimingConfig timing = top.optional("timing", () -> TimingConfig.DEFAULTS, this::readTiming);
      AnnounceConfig announce =
          top.optional("announce", () -> AnnounceConfig.DEFAULTS, this::readAnnounce);
      SortedMap<String, HealthCheckConfig> checks = readHealthChecks(top);
      List<VipConfig> vips = readVips(top);
      NotifyConfig notify = top.optional("notify", () -> NotifyConfig.NONE, this::readNotify);
      top.finish();
      positions = positionsBuilder.build();

      // Cross-section rules run on whatever parsed, so one bad section hides nothing else.
      List<ConfigViolation> errors = new ArrayList<>();
      List<ConfigViolation> warnings = new ArrayList<>();
      AgentConfig.check(
          node,
          cluster,
          admin,
          metrics == null ? null : metrics.orElse(null),
          checks,
          vips,
          errors,
          warnings);
      errors.forEach(
          v -> problems.add(Problems.at(ConfigProblem.Severity.ERROR, file, positions, v)));
      warnings.forEach(
          v -> problems.add(Problems.at(ConfigProblem.Severity.WARNING, file, positions, v)));
      if (problems.stream().anyMatch(ConfigProblem::isError)
          || node == null
          || cluster == null
          || admin == null
          || tls == null
          || metrics == null
          || timing == null
          || announce == null
          || checks == null
          || vips == null
          || vips.contains(null)
          || notify == null) {
        return Optional.empty();
      }
      AgentConfig config =
          build(
              "",
              () ->
                  new AgentConfig(
                      node, cluster, admin, tls, metrics, timing, announce, checks, vips, notify));
      return Optional.ofNullable(config);
    }

    private NodeConfig readNode(Section s) {
      String id = s.requiredScalar("id", "a node id like \"n1\"", Function.identity());
      Path storageDir =
          s.scalar(
              "storage-dir", NodeConfig.DEFAULT_STORAGE_DIR, "an absolute path", Reading::path);
      String ifname =
          s.requiredScalar("interface", "an interface name like \"eth0\"", Function.identity());
      s.finish();
      return s.failed() ? null : build(s.path, () -> new NodeConfig(id, storageDir, ifname));
    }

    private ClusterConfig readCluster(Section s) {
      UUID id =
          s.requiredScalar(
              "id",
              "a UUID like \"2f6c0a3e-8d1b-4c8e-9a57-3f5e2b1c4d6e\" (uuidgen makes one)",
              Reading::uuid);
      List<PeerConfig> peers = new ArrayList<>();
      List<Section> items = s.requiredListOfSections("peers", "a list of {id, raft, admin}");
      if (items != null) {
        for (Section item : items) {
          peers.add(readPeer(item));
        }
      }
      s.finish();
      if (s.failed() || items == null || peers.contains(null)) {
        return null;
      }
      return build(s.path, () -> new ClusterConfig(id, peers));
    }

    private PeerConfig readPeer(Section s) {
      String id = s.requiredScalar("id", "a node id like \"n1\"", Function.identity());
      HostPort raft = s.requiredScalar("raft", HOST_PORT, HostPort::parse);
      HostPort admin = s.requiredScalar("admin", HOST_PORT, HostPort::parse);
      HostPort lease = s.scalar("lease", null, HOST_PORT, HostPort::parse);
      s.finish();
      return s.failed()
          ? null
          : build(
              s.path,
              () ->
                  lease == null
                      ? PeerConfig.withDefaultLease(id, raft, admin)
                      : new PeerConfig(id, raft, admin, lease));
    }

    private static AdminConfig defaultAdmin(PeerConfig self) {
      return new AdminConfig(self.adminAddress(), Optional.empty());
    }

    private AdminConfig readAdmin(Section s, PeerConfig self) {
      HostPort listen =
          s.scalar("listen", self == null ? null : self.adminAddress(), HOST_PORT, HostPort::parse);
      Path token = s.scalar("token-file", null, "an absolute path", Reading::path);
      s.finish();
      if (s.failed() || listen == null) {
        return null;
      }
      return build(s.path, () -> new AdminConfig(listen, Optional.ofNullable(token)));
    }

    private TlsConfig readTls(Section s) {
      Path cert = s.scalar("cert", null, "an absolute path", Reading::path);
      Path key = s.scalar("key", null, "an absolute path", Reading::path);
      Path ca = s.scalar("ca", null, "an absolute path", Reading::path);
      s.finish();
      if (s.failed()) {
        return null;
      }
      List<String> missing = new ArrayList<>();
      if (cert == null) {
        missing.add("cert");
      }
      if (key == null) {
        missing.add("key");
      }
      if (ca == null) {
        missing.add("ca");
      }
      if (!missing.isEmpty()) {
        s.sectionError(
            "give all of cert, key and ca, or leave the tls section out; missing "
                + String.join(", ", missing));
        return null;
      }
      return build(s.path, () -> new TlsConfig(cert, key, ca));
    }

    private MetricsConfig readMetrics(Section s) {
      HostPort listen = s.requiredScalar("listen", HOST_PORT, HostPort::parse);
      s.finish();
      return s.failed() ? null : build(s.path, () -> new MetricsConfig(listen));
    }

    private TimingConfig readTiming(Section s) {
      TimingConfig d = TimingConfig.DEFAULTS;
      Duration lease = s.duration("lease", d.lease());
      Duration renew = s.duration("renew-interval", d.renewInterval());
      Duration ping = s.duration("leader-lease-ping", d.leaderLeasePing());
      Duration rpcMin = s.duration("raft-rpc-timeout-min", d.raftRpcTimeoutMin());
      Duration rpcMax = s.duration("raft-rpc-timeout-max", d.raftRpcTimeoutMax());
      Integer drift =
          s.scalar(
              "clock-drift-bound",
              d.clockDriftBoundPpm(),
              Units.PERCENT_EXAMPLE,
              Units::parsePercentPpm);
      Duration fence = s.duration("fence-precision", d.fencePrecision());
      Duration margin = s.duration("expiry-margin", d.expiryMargin());
      Duration holdDown = s.duration("move-hold-down", d.moveHoldDown());
      s.finish();
      if (s.failed()) {
        return null;
      }
      return build(
          s.path,
          () ->
              new TimingConfig(lease, renew, ping, rpcMin, rpcMax, drift, fence, margin, holdDown));
    }

    private AnnounceConfig readAnnounce(Section s) {
      AnnounceConfig d = AnnounceConfig.DEFAULTS;
      Integer count = s.scalar("count", d.count(), WHOLE_NUMBER, Reading::integer);
      Duration interval = s.duration("interval", d.interval());
      Duration refresh = s.duration("refresh", d.refresh());
      s.finish();
      return s.failed() ? null : build(s.path, () -> new AnnounceConfig(count, interval, refresh));
    }

    private SortedMap<String, HealthCheckConfig> readHealthChecks(Section top) {
      SortedMap<String, HealthCheckConfig> out = new TreeMap<>();
      if (!top.has("health-checks")) {
        top.take("health-checks");
        return out;
      }
      Section all = top.section("health-checks");
      if (all == null) {
        return null;
      }
      boolean failed = false;
      for (String name : all.keys()) {
        Section s = all.section(name);
        HealthCheckConfig check = s == null ? null : readHealthCheck(name, s);
        if (check == null) {
          failed = true;
        } else {
          out.put(name, check);
        }
      }
      all.finish();
      return failed ? null : out;
    }

    private HealthCheckConfig readHealthCheck(String name, Section s) {
      String type =
          s.requiredScalar(
              "type",
              "one of tcp, http, exec",
              t -> {
                if (!t.equals("tcp") && !t.equals("http") && !t.equals("exec")) {
                  throw new IllegalArgumentException(
                      "expected one of tcp, http, exec, got " + Texts.quote(t));
                }
                return t;
              });
      if (type == null) {
        // Which keys belong here depends on the type; without one, judge none of them.
        s.ignoreRest();
        return null;
      }
      CheckSchedule d = CheckSchedule.DEFAULTS;
      Duration interval = s.duration("interval", d.interval());
      Duration timeout = s.duration("timeout", d.timeout());
      Integer rise = s.scalar("rise", d.rise(), WHOLE_NUMBER, Reading::integer);
      Integer fall = s.scalar("fall", d.fall(), WHOLE_NUMBER, Reading::integer);
      Supplier<HealthCheckConfig> make;
      switch (type) {
        case "tcp" -> {
          HostPort target = s.requiredScalar("target", HOST_PORT, HostPort::parse);
          make =
              () ->
                  new HealthCheckConfig.Tcp(name, target, schedule(interval, timeout, rise, fall));
        }
        case "http" -> {
          URI url =
              s.requiredScalar("url", "a URL like \"http://127.0.0.1:8080/health\"", Reading::url);
          Integer status =
              s.scalar(
                  "expect-status",
                  HealthCheckConfig.Http.DEFAULT_EXPECT_STATUS,
                  WHOLE_NUMBER,
                  Reading::integer);
          make =
              () ->
                  new HealthCheckConfig.Http(
                      name, url, status, schedule(interval, timeout, rise, fall));
        }
        default -> {
          List<String> command =
              s.requiredScalarList(
                  "command", "a list like [\"/usr/local/bin/check\", \"--quiet\"]");
          make =
              () ->
                  new HealthCheckConfig.Exec(
                      name, command, schedule(interval, timeout, rise, fall));
        }
      }
      s.finish();
      if (s.failed()) {
        return null;
      }
      return build(s.path, make);
    }

    /** Built inside the check's constructor call, so its violations land under the check. */
    private static CheckSchedule schedule(
        Duration interval, Duration timeout, Integer rise, Integer fall) {
      return new CheckSchedule(interval, timeout, rise, fall);
    }

    private List<VipConfig> readVips(Section top) {
      List<VipConfig> out = new ArrayList<>();
      if (!top.has("vips")) {
        top.take("vips");
        return out;
      }
      List<Section> items = top.listOfSections("vips", "a list of VIP definitions");
      if (items == null) {
        return null;
      }
      for (Section item : items) {
        out.add(readVip(item));
      }
      return out;
    }

    private VipConfig readVip(Section s) {
      String name = s.requiredScalar("name", "a VIP name like \"web\"", Function.identity());
      IpPrefix address =
          s.requiredScalar(
              "address",
              "an address with prefix like \"198.18.0.200/24\" or \"2001:db8::200/64\"",
              IpPrefix::parse);
      String ifname =
          s.scalar("interface", null, "an interface name like \"eth0\"", Function.identity());
      Integer vrid = s.scalar("vrid", null, WHOLE_NUMBER, Reading::integer);
      SortedMap<String, Integer> priorities = new TreeMap<>();
      boolean prioritiesRead = true;
      if (s.has("priorities")) {
        Section p = s.section("priorities");
        if (p != null) {
          for (String peer : p.keys()) {
            Integer priority = p.requiredScalar(peer, WHOLE_NUMBER, Reading::integer);
            if (priority != null) {
              priorities.put(peer, priority);
            }
          }
          p.finish();
          prioritiesRead = !p.failed();
        }
      } else {
        s.take("priorities");
      }
      Boolean preempt = s.scalar("preempt", false, "true or false", Reading::bool);
      List<String> checks =
          s.scalarList("health-checks", "a list of health check names like [web]");
      s.finish();
      if (s.failed() || !prioritiesRead) {
        return null;
      }
      return build(
          s.path,
          () ->
              new VipConfig(
                  name,
                  address,
                  Optional.ofNullable(ifname),
                  vrid == null ? OptionalInt.empty() : OptionalInt.of(vrid),
                  priorities,
                  preempt,
                  checks == null ? List.of() : checks));
    }

    private NotifyConfig readNotify(Section s) {
      Path onOwner = s.scalar("on-owner", null, "an absolute path", Reading::path);
      Path onRelease = s.scalar("on-release", null, "an absolute path", Reading::path);
      Duration timeout = s.duration("timeout", NotifyConfig.NONE.timeout());
      s.finish();
      if (s.failed()) {
        return null;
      }
      return build(
          s.path,
          () ->
              new NotifyConfig(
                  Optional.ofNullable(onOwner), Optional.ofNullable(onRelease), timeout));
    }

    /**
     * Runs a record constructor; its violations become problems under {@code path}. Returns null
     * when it refused.
     */
    private <T> T build(String path, Supplier<T> constructor) {
      try {
        return constructor.get();
      } catch (InvalidConfigException e) {
        Positions current = positionsBuilder.build();
        for (ConfigViolation v : e.violations()) {
          problems.add(Problems.at(ConfigProblem.Severity.ERROR, file, current, v.under(path)));
        }
        return null;
      }
    }

    // ---- scalars ------------------------------------------------------------------------

    private static final String HOST_PORT = "host:port like \"198.18.0.11:7100\"";
    private static final String WHOLE_NUMBER = "a whole number";

    private static Path path(String text) {
      try {
        return Path.of(text);
      } catch (InvalidPathException e) {
        throw new IllegalArgumentException(
            Texts.quote(text) + " is not a valid path: " + e.getReason());
      }
    }

    private static UUID uuid(String text) {
      if (!UUID_TEXT.matcher(text).matches()) {
        throw new IllegalArgumentException(
            "expected a UUID like \"2f6c0a3e-8d1b-4c8e-9a57-3f5e2b1c4d6e\" (uuidgen makes one),"
                + " got "
                + Texts.quote(text));
      }
      return UUID.fromString(text.toLowerCase(Locale.ROOT));
    }

    private static Integer integer(String text) {
      if (!INTEGER.matcher(text).matches()) {
        throw new IllegalArgumentException("expected a whole number, got " + Texts.quote(text));
      }
      long value = Long.parseLong(text);
      if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(text + " is out of range");
      }
      return (int) value;
    }

    private static Boolean bool(String text) {
      return switch (text) {
        case "true" -> true;
        case "false" -> false;
        default ->
            throw new IllegalArgumentException("expected true or false, got " + Texts.quote(text));
      };
    }

    private static URI url(String text) {
      try {
        return new URI(text);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(
            Texts.quote(text) + " is not a valid URL: " + e.getReason());
      }
    }

    // ---- problems -----------------------------------------------------------------------

    private void error(Mark at, String path, String message) {
      error(at.getLine() + 1, at.getColumn() + 1, path, message);
    }

    private void error(int line, int column, String path, String message) {
      problems.add(
          new ConfigProblem(ConfigProblem.Severity.ERROR, file, line, column, path, message));
    }

    private static boolean isNull(Node node) {
      return node instanceof ScalarNode && node.getTag().equals(Tag.NULL);
    }

    private static String describe(Node node) {
      if (node instanceof MappingNode) {
        return "a mapping";
      }
      if (node instanceof SequenceNode) {
        return "a list";
      }
      if (isNull(node)) {
        return "nothing";
      }
      return Texts.quote(((ScalarNode) node).getValue());
    }

    /**
     * One YAML mapping being read. Every key the code asks for is known; at {@link #finish} the
     * others are reported as unknown, with the nearest known key as a suggestion.
     */
    private final class Section {
      final String path;
      private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
      private final Set<String> known = new LinkedHashSet<>();
      private boolean failed;
      private boolean ignoreRest;

      Section(String path, MappingNode node) {
        this.path = path;
        Map<String, Mark> firstAt = new LinkedHashMap<>();
        for (NodeTuple t : node.getValue()) {
          Node key = t.getKeyNode();
          if (!(key instanceof ScalarNode) || isNull(key)) {
            error(
                key.getStartMark(),
                "",
                "keys must be plain text, got "
                    + describe(key)
                    + " as a key "
                    + ConfigPaths.describe(path));
            continue;
          }
          String name = ((ScalarNode) key).getValue();
          Mark first = firstAt.putIfAbsent(name, key.getStartMark());
          if (first != null) {
            error(
                key.getStartMark(),
                "",
                "duplicate key "
                    + Texts.quote(name)
                    + " "
                    + ConfigPaths.describe(path)
                    + " (first at line "
                    + (first.getLine() + 1)
                    + ", column "
                    + (first.getColumn() + 1)
                    + ")");
            continue;
          }
          entries.put(name, t);
        }
      }

      boolean failed() {
        return failed;
      }

      /** The keys in file order, each then known (for name -> value mappings). */
      List<String> keys() {
        known.addAll(entries.keySet());
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
          Mark at = e.getValue().getKeyNode().getStartMark();
          positionsBuilder.put(ConfigPaths.join(path, e.getKey()), at.getLine(), at.getColumn());
        }
        return List.copyOf(entries.keySet());
      }

      /** True when {@code key} is present with a value other than null. */
      boolean has(String key) {
        NodeTuple t = entries.get(key);
        return t != null && !isNull(t.getValueNode());
      }

      /** The value of {@code key}, or null when absent or null; records its position. */
      Node take(String key) {
        known.add(key);
        NodeTuple t = entries.get(key);
        if (t == null) {
          return null;
        }
        Node value = t.getValueNode();
        String at = ConfigPaths.join(path, key);
        Mark mark =
            value instanceof ScalarNode ? value.getStartMark() : t.getKeyNode().getStartMark();
        if (isNull(value)) {
          mark = t.getKeyNode().getStartMark();
        }
        positionsBuilder.put(at, mark.getLine(), mark.getColumn());
        return isNull(value) ? null : value;
      }

      /** Reports {@code message} about this section as a whole. */
      void sectionError(String message) {
        Positions.Position at = positionsBuilder.build().of(path);
        Reading.this.error(at.line(), at.column(), path, message);
        failed = true;
      }

      private void valueError(Node value, String key, String message) {
        Reading.this.error(value.getStartMark(), ConfigPaths.join(path, key), message);
        failed = true;
      }

      <T> T scalar(String key, T defaultValue, String expected, Function<String, T> parse) {
        Node value = take(key);
        if (value == null) {
          return defaultValue;
        }
        return parseScalar(key, value, expected, parse);
      }

      <T> T requiredScalar(String key, String expected, Function<String, T> parse) {
        NodeTuple t = entries.get(key);
        Node value = take(key);
        if (value == null) {
          if (t == null) {
            missing(key, expected);
          } else {
            valueError(t.getValueNode(), key, "expected " + expected + ", got nothing");
          }
          return null;
        }
        return parseScalar(key, value, expected, parse);
      }

      private void missing(String key, String expected) {
        // At the section's key ("node:"), or the list item ("- {id: n1}"), not its first entry.
        Positions.Position at = positionsBuilder.build().of(path);
        Reading.this.error(
            at.line(),
            at.column(),
            "",
            "missing required key "
                + Texts.quote(key)
                + " "
                + ConfigPaths.describe(path)
                + " ("
                + expected
                + ")");
        failed = true;
      }

      private <T> T parseScalar(
          String key, Node value, String expected, Function<String, T> parse) {
        if (!(value instanceof ScalarNode)) {
          valueError(value, key, "expected " + expected + ", got " + describe(value));
          return null;
        }
        try {
          return parse.apply(((ScalarNode) value).getValue());
        } catch (IllegalArgumentException e) {
          valueError(value, key, e.getMessage());
          return null;
        }
      }

      Duration duration(String key, Duration defaultValue) {
        return scalar(key, defaultValue, Units.DURATION_EXAMPLE, Units::parseDuration);
      }

      /** A nested mapping; null (after an error) when the value is not one. */
      Section section(String key) {
        Node value = take(key);
        if (value == null) {
          NodeTuple t = entries.get(key);
          if (t != null) {
            valueError(t.getValueNode(), key, "expected a mapping, got nothing");
          }
          return null;
        }
        if (!(value instanceof MappingNode)) {
          valueError(value, key, "expected a mapping, got " + describe(value));
          return null;
        }
        return new Section(ConfigPaths.join(path, key), (MappingNode) value);
      }

      /** A required section read by {@code reader}; null when missing or broken. */
      <T> T required(String key, String expected, Function<Section, T> reader) {
        if (!has(key)) {
          NodeTuple t = entries.get(key);
          take(key);
          if (t == null) {
            missing(key, expected);
          } else {
            valueError(t.getValueNode(), key, "expected " + expected + ", got nothing");
          }
          return null;
        }
        Section s = section(key);
        return s == null ? null : reader.apply(s);
      }

      /** An optional section: {@code absent} when not written, null when broken. */
      <T> T optional(String key, Supplier<T> absent, Function<Section, T> reader) {
        if (!has(key)) {
          take(key);
          return absent.get();
        }
        Section s = section(key);
        return s == null ? null : reader.apply(s);
      }

      /** An optional section: empty when not written, null when broken. */
      <T> Optional<T> optionalSection(String key, Function<Section, T> reader) {
        if (!has(key)) {
          take(key);
          return Optional.empty();
        }
        Section s = section(key);
        T value = s == null ? null : reader.apply(s);
        return value == null ? null : Optional.of(value);
      }

      private List<Node> list(String key, String expected) {
        Node value = take(key);
        if (value == null) {
          return null;
        }
        if (!(value instanceof SequenceNode)) {
          valueError(value, key, "expected " + expected + ", got " + describe(value));
          return null;
        }
        return ((SequenceNode) value).getValue();
      }

      /** A list of mappings; null (after an error) when absent or broken. */
      List<Section> listOfSections(String key, String expected) {
        List<Node> items = list(key, expected);
        if (items == null) {
          return null;
        }
        List<Section> out = new ArrayList<>();
        boolean broken = false;
        String listPath = ConfigPaths.join(path, key);
        for (int i = 0; i < items.size(); i++) {
          Node item = items.get(i);
          String at = ConfigPaths.index(listPath, i);
          positionsBuilder.put(at, item.getStartMark().getLine(), item.getStartMark().getColumn());
          if (!(item instanceof MappingNode)) {
            Reading.this.error(
                item.getStartMark(), at, "expected a mapping, got " + describe(item));
            failed = true;
            broken = true;
            continue;
          }
          out.add(new Section(at, (MappingNode) item));
        }
        return broken ? null : out;
      }

      List<Section> requiredListOfSections(String key, String expected) {
        return present(key, expected) ? listOfSections(key, expected) : null;
      }

      /**
       * Whether a required key is there with a value; when not, reports it (missing, or present
       * with nothing) and consumes the key.
       */
      private boolean present(String key, String expected) {
        if (!entries.containsKey(key)) {
          take(key);
          missing(key, expected);
          return false;
        }
        if (!has(key)) {
          NodeTuple t = entries.get(key);
          take(key);
          valueError(t.getValueNode(), key, "expected " + expected + ", got nothing");
          return false;
        }
        return true;
      }

      /** A list of scalars; null when absent or broken. */
      List<String> scalarList(String key, String expected) {
        List<Node> items = list(key, expected);
        if (items == null) {
          return null;
        }
        List<String> out = new ArrayList<>();
        boolean broken = false;
        String listPath = ConfigPaths.join(path, key);
        for (int i = 0; i < items.size(); i++) {
          Node item = items.get(i);
          String at = ConfigPaths.index(listPath, i);
          positionsBuilder.put(at, item.getStartMark().getLine(), item.getStartMark().getColumn());
          if (!(item instanceof ScalarNode) || isNull(item)) {
            Reading.this.error(item.getStartMark(), at, "expected text, got " + describe(item));
            failed = true;
            broken = true;
            continue;
          }
          out.add(((ScalarNode) item).getValue());
        }
        return broken ? null : out;
      }

      List<String> requiredScalarList(String key, String expected) {
        return present(key, expected) ? scalarList(key, expected) : null;
      }

      /** Stop judging keys: the section's shape is unknown (e.g. a health check without a type). */
      void ignoreRest() {
        ignoreRest = true;
      }

      /** Reports every key nobody asked for. */
      void finish() {
        if (ignoreRest) {
          return;
        }
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
          if (known.contains(e.getKey())) {
            continue;
          }
          String key = e.getKey();
          String hint;
          if (key.equals("<<")) {
            hint = " (YAML merge keys are not supported; write the keys out)";
          } else {
            hint =
                Texts.suggest(key, known)
                    .map(s -> " (did you mean " + Texts.quote(s) + "?)")
                    .orElse(known.isEmpty() ? "" : " (expected one of: " + Texts.list(known) + ")");
          }
          Reading.this.error(
              e.getValue().getKeyNode().getStartMark(),
              "",
              "unknown key " + Texts.quote(key) + " " + ConfigPaths.describe(path) + hint);
        }
      }
    }
  }
}
