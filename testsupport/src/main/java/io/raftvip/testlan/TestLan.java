package io.raftvip.testlan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throw-away Ethernet LAN made of network namespaces: a switch namespace holding bridge {@code
 * br0} (STP off, forward delay 0, multicast snooping off so IPv6 multicast and NDP flood), node
 * namespaces {@code n1..nN} and optionally a client namespace, each joined to the bridge by a veth
 * pair whose host end is {@code eth0}. See {@link Host} for addresses and MACs.
 *
 * <pre>{@code
 * try (TestLan lan = TestLan.builder().name("fence").nodes(2).start()) {
 *   Host a = lan.node(1);
 *   a.execOrThrow("ping", "-c", "1", "-W", "1", lan.node(2).ipv4());
 *   lan.partition(a, lan.node(2));
 * }
 * }</pre>
 *
 * <p>Namespace names are {@code rvt<pid><tag>-<name>-n1}, {@code ...-c} and {@code ...-sw}, where
 * {@code <tag>} is 4 random letters. {@link #close()} kills every process started through the LAN
 * and deletes its namespaces; a JVM shutdown hook does the same for LANs still open when the JVM
 * exits, and {@link Builder#start()} first deletes namespaces of earlier runs whose JVM is dead.
 * Set {@code -Draftvip.keepNamespaces=true} to keep the namespaces after close for debugging.
 *
 * <p>Thread-safe: faults and close are serialized.
 */
public final class TestLan implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TestLan.class);

  /** Prefix of every namespace this fixture creates; the stale sweep relies on it. */
  public static final String NAMESPACE_PREFIX = "rvt";

  /** Most nodes a LAN can have (node MACs and addresses stay below the client's). */
  public static final int NODES_MAX = 8;

  /** The bridge in the switch namespace. */
  public static final String BRIDGE = "br0";

  /** The IPv4 subnet of every test LAN. */
  public static final String IPV4_SUBNET = "198.18.0.0/24";

  /** The IPv6 subnet of every test LAN. */
  public static final String IPV6_SUBNET = "2001:db8::/64";

  /** Name of the nftables tables (inet, arp, netdev) that partition() creates in hosts. */
  public static final String PARTITION_TABLE = "rvtlan_partition";

  /** Keep namespaces after close() for debugging (processes are still killed). */
  public static final String KEEP_NAMESPACES_PROPERTY = "raftvip.keepNamespaces";

  static final int NAMESPACE_NAME_LENGTH_MAX = 40;
  static final int LABEL_LENGTH_MAX = 20;
  static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_-]{1," + LABEL_LENGTH_MAX + "}");
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
  static final int TAG_ATTEMPTS_MAX = 16;

  /** LANs not yet closed, torn down by the shutdown hook. */
  private static final Set<TestLan> OPEN = ConcurrentHashMap.newKeySet();

  /** Tags handed out in this JVM, so two LANs of one run can never collide. */
  private static final Set<String> USED_TAGS = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(TestLan::closeAllOpen, "testlan-shutdown-teardown"));
  }

  private final String name;
  private final String prefix;
  private final String switchNetns;
  private final List<Host> nodes;
  private final Host client;
  private final boolean ipv6;

  private final List<String> createdNamespaces = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private final Set<Capture> captures = new LinkedHashSet<>();

  /** host -> peers whose traffic that host drops. */
  private final Map<Host, Set<Host>> dropped = new LinkedHashMap<>();

  private boolean closed;

  private TestLan(String name, String prefix, int nodeCount, boolean withClient, boolean ipv6) {
    this.name = name;
    this.prefix = prefix;
    this.ipv6 = ipv6;
    this.switchNetns = prefix + "-sw";
    List<Host> list = new ArrayList<>();
    for (int i = 1; i <= nodeCount; i++) {
      list.add(new Host(this, i, "n" + i, prefix + "-n" + i, "p" + i, ipv6));
    }
    this.nodes = List.copyOf(list);
    this.client = withClient ? new Host(this, 0, "client", prefix + "-c", "pc", ipv6) : null;
  }

  /** Returns a builder with defaults: name "lan", 3 nodes, a client, IPv6 on. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Throws a {@link TestLanException} unless this process may build namespaces (root, or
   * CAP_SYS_ADMIN + CAP_NET_ADMIN + CAP_NET_RAW). {@link Builder#start()} calls it.
   */
  public static void requireRoot() {
    if (!Commands.hasNamespacePrivileges()) {
      throw new TestLanException(Commands.ROOT_MESSAGE);
    }
  }

  /** Returns the label given to {@link Builder#name(String)}. */
  public String name() {
    return name;
  }

  /** Returns the prefix shared by this LAN's namespace names, e.g. {@code rvt12345kcmp-fence}. */
  public String prefix() {
    return prefix;
  }

  /** Returns the switch namespace, which holds {@link #BRIDGE} and the ports. */
  public String switchNetns() {
    return switchNetns;
  }

  /** Returns node {@code i}, 1-based. */
  public Host node(int i) {
    if (i < 1 || i > nodes.size()) {
      throw new IllegalArgumentException("node index must be in 1.." + nodes.size() + ", was " + i);
    }
    return nodes.get(i - 1);
  }

  /** Returns the nodes in order n1..nN. */
  public List<Host> nodes() {
    return nodes;
  }

  /** Returns whether the LAN has a client. */
  public boolean hasClient() {
    return client != null;
  }

  /**
   * Returns the client host.
   *
   * @throws IllegalStateException if built with {@code client(false)}
   */
  public Host client() {
    if (client == null) {
      throw new IllegalStateException("test LAN " + name + " was built with client(false)");
    }
    return client;
  }

  /** Returns the nodes followed by the client, if any. */
  public List<Host> hosts() {
    List<Host> all = new ArrayList<>(nodes);
    if (client != null) {
      all.add(client);
    }
    return List.copyOf(all);
  }

  /** Returns every namespace of this LAN: the switch, the nodes, the client. */
  public List<String> namespaces() {
    List<String> all = new ArrayList<>();
    all.add(switchNetns);
    for (Host h : hosts()) {
      all.add(h.netns());
    }
    return List.copyOf(all);
  }

  /** Returns whether IPv6 addresses were configured. */
  public boolean ipv6() {
    return ipv6;
  }

  /**
   * Pulls the cable: sets {@code host}'s port on the switch down, so {@code host} sees carrier loss
   * (NO-CARRIER, operstate LOWERLAYERDOWN/DOWN) while its own eth0 stays administratively up.
   */
  public synchronized void cutLink(Host host) {
    requireMine(host);
    ip(switchNetns, "link", "set", host.switchPort(), "down");
  }

  /** Plugs the cable back in: undoes {@link #cutLink(Host)}. */
  public synchronized void restoreLink(Host host) {
    requireMine(host);
    ip(switchNetns, "link", "set", host.switchPort(), "up");
  }

  /**
   * Sets {@code host}'s own eth0 administratively down. Its addresses stay configured (IPv6 too:
   * keep_addr_on_down is on) but its routes and neighbours go.
   */
  public synchronized void linkDown(Host host) {
    requireMine(host);
    ip(host.netns(), "link", "set", Host.IFNAME, "down");
  }

  /** Sets {@code host}'s eth0 administratively up again. */
  public synchronized void linkUp(Host host) {
    requireMine(host);
    ip(host.netns(), "link", "set", Host.IFNAME, "up");
  }

  /**
   * Cuts {@code a} and {@code b} off from each other, both ways, while both keep talking to
   * everyone else. Each of the two drops, on ingress in its own namespace, every frame whose
   * Ethernet source is the other's MAC (netdev ingress hook on eth0), every IP packet from the
   * other's addresses (inet prerouting) and every ARP packet from the other's IPv4 address (arp
   * input), all in nftables tables named {@link #PARTITION_TABLE}. Drops are silent, like a real
   * partition: senders see timeouts, not errors.
   *
   * <p>Not covered: frames the other host sends from a different MAC and address (e.g. a VIP on a
   * macvlan) are only dropped in the direction back to it.
   */
  public synchronized void partition(Host a, Host b) {
    requireMine(a);
    requireMine(b);
    if (a == b) {
      throw new IllegalArgumentException("cannot partition " + a.name() + " from itself");
    }
    drop(a, b);
    drop(b, a);
  }

  /** Partitions {@code host} from every other node; the client still reaches everyone. */
  public synchronized void isolate(Host host) {
    requireMine(host);
    for (Host other : nodes) {
      if (other != host) {
        partition(host, other);
      }
    }
  }

  /** Undoes {@link #partition(Host, Host)} for this one pair; other partitions stay. */
  public synchronized void heal(Host a, Host b) {
    requireMine(a);
    requireMine(b);
    undrop(a, b);
    undrop(b, a);
  }

  /** Removes every partition: deletes the partition tables this LAN created, and only those. */
  public synchronized void heal() {
    requireOpen();
    for (Host host : List.copyOf(dropped.keySet())) {
      nft(
          host,
          String.join(
              "\n",
              "delete table inet " + PARTITION_TABLE,
              "delete table arp " + PARTITION_TABLE,
              "delete table netdev " + PARTITION_TABLE,
              ""));
      dropped.remove(host);
    }
  }

  /**
   * Starts tcpdump on the bridge, in the switch namespace, with a BPF {@code filter} (e.g. {@code
   * "arp or icmp6"}; empty for everything), and returns once it is capturing (bounded 5 s).
   */
  public synchronized Capture capture(String filter) {
    requireOpen();
    Capture capture = Capture.start(this, switchNetns, filter);
    captures.add(capture);
    return capture;
  }

  /**
   * Kills every process started through this LAN (and their descendants), stops captures and
   * deletes the namespaces. Idempotent; also run by a JVM shutdown hook for LANs left open.
   */
  @Override
  public void close() {
    List<Capture> toClose;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = new ArrayList<>(captures);
    }
    try {
      for (Capture capture : toClose) {
        try {
          capture.close();
        } catch (RuntimeException e) {
          log.warn("closing a capture of test LAN {} failed", prefix, e);
        }
      }
      List<Process> toKill;
      synchronized (this) {
        toKill = new ArrayList<>(processes);
      }
      for (Process process : toKill) {
        if (process.isAlive() && !Commands.kill(process)) {
          log.warn("process {} started in test LAN {} survived SIGKILL", process.pid(), prefix);
        }
      }
      killStrayDescendants();
      if (Boolean.getBoolean(KEEP_NAMESPACES_PROPERTY)) {
        log.warn("keeping namespaces of test LAN {}: {}", prefix, createdNamespaces);
      } else {
        deleteNamespaces();
      }
    } finally {
      OPEN.remove(this);
    }
  }

  @Override
  public String toString() {
    return "TestLan["
        + prefix
        + ", "
        + nodes.size()
        + " nodes"
        + (client != null ? " + client" : "")
        + "]";
  }

  synchronized void requireOpen() {
    if (closed) {
      throw new IllegalStateException("test LAN " + prefix + " is closed");
    }
  }

  synchronized void track(Process process) {
    if (closed) {
      Commands.kill(process);
      throw new IllegalStateException(
          "test LAN " + prefix + " was closed while starting a process");
    }
    processes.removeIf(p -> !p.isAlive());
    processes.add(process);
  }

  synchronized void forget(Capture capture) {
    captures.remove(capture);
  }

  /** Tears down every LAN still open; the shutdown hook. */
  static void closeAllOpen() {
    for (TestLan lan : List.copyOf(OPEN)) {
      try {
        lan.close();
      } catch (RuntimeException e) {
        log.warn("tearing down test LAN {} at JVM exit failed", lan.prefix, e);
      }
    }
  }

  private void build() {
    // All namespaces in one ip process.
    StringBuilder add = new StringBuilder();
    for (String ns : namespaces()) {
      add.append("netns add ").append(ns).append('\n');
    }
    synchronized (this) {
      createdNamespaces.addAll(namespaces());
    }
    Commands.runOrThrow(
        List.of(Commands.tool("ip"), "-batch", "-"), add.toString(), COMMAND_TIMEOUT);

    // The switch only forwards; without IPv6 on it, its own RS/MLD never show up in captures.
    sysctl(switchNetns, "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
    StringBuilder sw = new StringBuilder();
    sw.append("link set lo up\n");
    sw.append("link add ")
        .append(BRIDGE)
        .append(" type bridge stp_state 0 forward_delay 0 mcast_snooping 0\n");
    for (Host h : hosts()) {
      sw.append("link add ")
          .append(h.switchPort())
          .append(" type veth peer name ")
          .append(Host.IFNAME)
          .append(" address ")
          .append(h.macString())
          .append(" netns ")
          .append(h.netns())
          .append('\n');
      sw.append("link set ").append(h.switchPort()).append(" master ").append(BRIDGE).append('\n');
      sw.append("link set ").append(h.switchPort()).append(" up\n");
    }
    sw.append("link set ").append(BRIDGE).append(" up\n");
    ipBatch(switchNetns, sw.toString());

    for (Host h : hosts()) {
      if (ipv6) {
        // accept_dad=0: the link-local address is usable at once (NDP from fe80::).
        // keep_addr_on_down=1: linkDown() must not delete the IPv6 address, as for IPv4.
        // router_solicitations=0: no RS noise in captures; there is no router.
        sysctl(
            h.netns(),
            "net.ipv6.conf.eth0.accept_dad=0",
            "net.ipv6.conf.eth0.keep_addr_on_down=1",
            "net.ipv6.conf.eth0.router_solicitations=0");
      } else {
        sysctl(
            h.netns(),
            "net.ipv6.conf.all.disable_ipv6=1",
            "net.ipv6.conf.default.disable_ipv6=1",
            "net.ipv6.conf.eth0.disable_ipv6=1");
      }
      StringBuilder batch = new StringBuilder();
      batch.append("link set lo up\n");
      batch
          .append("addr add ")
          .append(h.ipv4())
          .append("/24 dev ")
          .append(Host.IFNAME)
          .append('\n');
      if (ipv6) {
        batch
            .append("addr add ")
            .append(h.ipv6())
            .append("/64 dev ")
            .append(Host.IFNAME)
            .append(" nodad\n");
      }
      batch.append("link set ").append(Host.IFNAME).append(" up\n");
      ipBatch(h.netns(), batch.toString());
    }
  }

  private void drop(Host host, Host peer) {
    Set<Host> peers = dropped.get(host);
    StringBuilder script = new StringBuilder();
    if (peers == null) {
      script.append(
          String.join(
              "\n",
              "table inet " + PARTITION_TABLE + " {",
              "  set peers4 { type ipv4_addr; }",
              "  set peers6 { type ipv6_addr; }",
              "  chain prerouting {",
              "    type filter hook prerouting priority -400; policy accept;",
              "    ip saddr @peers4 drop",
              "    ip6 saddr @peers6 drop",
              "  }",
              "}",
              "table arp " + PARTITION_TABLE + " {",
              "  set peers4 { type ipv4_addr; }",
              "  chain input {",
              "    type filter hook input priority -400; policy accept;",
              "    arp saddr ip @peers4 drop",
              "  }",
              "}",
              "table netdev " + PARTITION_TABLE + " {",
              "  set peermacs { type ether_addr; }",
              "  chain ingress {",
              "    type filter hook ingress device \""
                  + Host.IFNAME
                  + "\" priority -500;"
                  + " policy accept;",
              "    ether saddr @peermacs drop",
              "  }",
              "}",
              ""));
    } else if (peers.contains(peer)) {
      return;
    }
    script.append(elements("add", peer));
    nft(host, script.toString());
    dropped.computeIfAbsent(host, h -> new LinkedHashSet<>()).add(peer);
  }

  private void undrop(Host host, Host peer) {
    Set<Host> peers = dropped.get(host);
    if (peers == null || !peers.contains(peer)) {
      return;
    }
    nft(host, elements("delete", peer));
    peers.remove(peer);
  }

  private String elements(String verb, Host peer) {
    StringBuilder s = new StringBuilder();
    s.append(verb)
        .append(" element inet ")
        .append(PARTITION_TABLE)
        .append(" peers4 { ")
        .append(peer.ipv4())
        .append(" }\n");
    if (ipv6) {
      s.append(verb)
          .append(" element inet ")
          .append(PARTITION_TABLE)
          .append(" peers6 { ")
          .append(peer.ipv6())
          .append(" }\n");
    }
    s.append(verb)
        .append(" element arp ")
        .append(PARTITION_TABLE)
        .append(" peers4 { ")
        .append(peer.ipv4())
        .append(" }\n");
    s.append(verb)
        .append(" element netdev ")
        .append(PARTITION_TABLE)
        .append(" peermacs { ")
        .append(peer.macString())
        .append(" }\n");
    return s.toString();
  }

  private void nft(Host host, String script) {
    host.execOrThrow(List.of(Commands.tool("nft"), "-f", "-"), script, COMMAND_TIMEOUT);
  }

  private void ip(String netns, String... args) {
    requireOpen();
    List<String> command = new ArrayList<>(List.of(Commands.tool("ip"), "-n", netns));
    command.addAll(List.of(args));
    Commands.runOrThrow(command, null, COMMAND_TIMEOUT);
  }

  private void ipBatch(String netns, String batch) {
    Commands.runOrThrow(
        List.of(Commands.tool("ip"), "-n", netns, "-batch", "-"), batch, COMMAND_TIMEOUT);
  }

  private void sysctl(String netns, String... settings) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Commands.tool("ip"), "netns", "exec", netns, Commands.tool("sysctl"), "-q", "-w"));
    command.addAll(List.of(settings));
    Commands.runOrThrow(command, null, COMMAND_TIMEOUT);
  }

  private void requireMine(Host host) {
    requireOpen();
    if (host == null || host.lan() != this) {
      throw new IllegalArgumentException(host + " is not a host of test LAN " + prefix);
    }
  }

  /**
   * Processes this JVM started (directly or not) that still live in one of our namespaces, e.g.
   * children of a command that was itself killed: they would keep a namespace alive.
   */
  private void killStrayDescendants() {
    List<Path> ours = new ArrayList<>();
    for (String ns : createdNamespaces) {
      Path p = StaleSweep.NETNS_DIR.resolve(ns);
      if (Files.exists(p)) {
        ours.add(p);
      }
    }
    if (ours.isEmpty()) {
      return;
    }
    ProcessHandle.current()
        .descendants()
        .forEach(
            child -> {
              Path nsLink = Path.of("/proc", Long.toString(child.pid()), "ns", "net");
              for (Path ns : ours) {
                try {
                  if (Files.isSameFile(nsLink, ns)) {
                    log.debug("killing pid {} left in {}", child.pid(), ns.getFileName());
                    child.destroyForcibly();
                    break;
                  }
                } catch (IOException e) {
                  break; // the process is gone
                }
              }
            });
  }

  private void deleteNamespaces() {
    List<String> names;
    synchronized (this) {
      names = List.copyOf(createdNamespaces);
    }
    if (names.isEmpty()) {
      return;
    }
    StringBuilder del = new StringBuilder();
    for (String ns : names) {
      del.append("netns del ").append(ns).append('\n');
    }
    // -force: keep going after an error, e.g. for a namespace whose creation failed.
    Commands.run(
        List.of(Commands.tool("ip"), "-force", "-batch", "-"), del.toString(), COMMAND_TIMEOUT);
    List<String> left = new ArrayList<>();
    for (String ns : names) {
      if (Files.exists(StaleSweep.NETNS_DIR.resolve(ns))) {
        ExecResult again =
            Commands.run(List.of(Commands.tool("ip"), "netns", "del", ns), null, COMMAND_TIMEOUT);
        if (!again.ok()) {
          left.add(ns + " (" + again.stderr().strip() + ")");
        }
      }
    }
    if (!left.isEmpty()) {
      log.warn("could not delete namespaces of test LAN {}: {}", prefix, left);
    }
  }

  private static String newPrefix(String label) {
    long pid = ProcessHandle.current().pid();
    for (int attempt = 0; attempt < TAG_ATTEMPTS_MAX; attempt++) {
      // Letters only: the sweep reads the pid as the digits before the tag.
      int random = ThreadLocalRandom.current().nextInt(1 << 16);
      StringBuilder tag = new StringBuilder(4);
      for (int i = 0; i < 4; i++) {
        tag.append((char) ('a' + ((random >> (4 * i)) & 0xf)));
      }
      String prefix = NAMESPACE_PREFIX + pid + tag + "-" + label;
      if (prefix.length() + 3 > NAMESPACE_NAME_LENGTH_MAX) {
        throw new IllegalArgumentException(
            "name '" + label + "' makes namespace names longer than " + NAMESPACE_NAME_LENGTH_MAX);
      }
      if (!USED_TAGS.add(tag.toString())) {
        continue;
      }
      boolean clash = false;
      try (var entries = Files.list(StaleSweep.NETNS_DIR)) {
        clash = entries.anyMatch(p -> p.getFileName().toString().startsWith(prefix + "-"));
      } catch (IOException e) {
        // No /var/run/netns yet: nothing can clash.
      }
      if (!clash) {
        return prefix;
      }
    }
    throw new TestLanException(
        "no free namespace prefix for '" + label + "' after " + TAG_ATTEMPTS_MAX + " attempts");
  }

  /** Configures and starts a {@link TestLan}. Each setter validates its value on the spot. */
  public static final class Builder {
    private String name = "lan";
    private int nodes = 3;
    private boolean client = true;
    private boolean ipv6 = true;

    private Builder() {}

    /**
     * Sets a short label for the namespace names, usually the test's subject: 1 to 20 of {@code
     * [A-Za-z0-9_-]}.
     */
    public Builder name(String name) {
      if (name == null || !LABEL.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "name must be 1.." + LABEL_LENGTH_MAX + " characters of [A-Za-z0-9_-], was " + name);
      }
      this.name = name;
      return this;
    }

    /** Sets the number of nodes, 1 to {@link #NODES_MAX}. */
    public Builder nodes(int nodes) {
      if (nodes < 1 || nodes > NODES_MAX) {
        throw new IllegalArgumentException("nodes must be in 1.." + NODES_MAX + ", was " + nodes);
      }
      this.nodes = nodes;
      return this;
    }

    /** Sets whether there is a client namespace (default true). */
    public Builder client(boolean client) {
      this.client = client;
      return this;
    }

    /** Sets whether hosts get IPv6 addresses (default true); false disables IPv6 entirely. */
    public Builder ipv6(boolean ipv6) {
      this.ipv6 = ipv6;
      return this;
    }

    /**
     * Sweeps stale namespaces of dead earlier runs, then builds the LAN. On failure everything
     * already created is removed again.
     *
     * @throws TestLanException without root or a needed tool, or if building fails
     */
    public TestLan start() {
      requireRoot();
      Commands.requireTools();
      StaleSweep.sweep();
      TestLan lan = new TestLan(name, newPrefix(name), nodes, client, ipv6);
      OPEN.add(lan);
      try {
        lan.build();
      } catch (RuntimeException | Error e) {
        try {
          lan.close();
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
      log.debug("test LAN {} up: {}", lan.prefix, lan.namespaces());
      return lan;
    }
  }

  static Set<TestLan> openLans() {
    return Collections.unmodifiableSet(new HashSet<>(OPEN));
  }
}
