package io.raftvip.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The table of broken configs: each gives its exact messages, with line and column, in file order.
 * Most cases append to {@link #BASE}, a valid nine-line config, so their lines start at 10.
 */
class ConfigErrorsTest {

  static final String FILE = "raftvip.yaml";

  /** Nine lines; valid on its own. */
  static final String BASE =
      """
      node:
        id: n1
        interface: eth0
      cluster:
        id: 2f6c0a3e-8d1b-4c8e-9a57-3f5e2b1c4d6e
        peers:
          - {id: n1, raft: 198.18.0.11:7101, admin: 198.18.0.11:7100}
          - {id: n2, raft: 198.18.0.12:7101, admin: 198.18.0.12:7100}
          - {id: n3, raft: 198.18.0.13:7101, admin: 198.18.0.13:7100}
      """;

  /** A host that fits BASE except where a case breaks it. */
  static final FakeHost HOST =
      FakeHost.of(List.of("lo", "eth0"), "127.0.0.1", "198.18.0.11", "::1");

  record Case(String name, String yaml, Host host, List<String> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case c(String name, String yaml, String... expected) {
    return new Case(name, yaml, null, List.of(expected));
  }

  static Case host(String name, String yaml, Host host, String... expected) {
    return new Case(name, yaml, host, List.of(expected));
  }

  static Stream<Case> cases() {
    return Stream.of(
        // ---- YAML syntax and structure
        c(
            "syntax error: a second colon",
            """
            node:
              id: n1
              interface: eth0: x
            """,
            "raftvip.yaml:3:18: syntax error: mapping values are not allowed here (check the"
                + " indentation, and quote values that contain \": \")"),
        c(
            "syntax error: bad indentation",
            """
            node:
              id: n1
             interface: eth0
            """,
            "raftvip.yaml:3:2: syntax error: expected <block end>, but found '<block mapping"
                + " start>' (check the indentation, and quote values that contain \": \") (while"
                + " parsing a block mapping at line 1, column 1)"),
        c(
            "syntax error: tab indentation",
            "node:\n\tid: n1\n",
            "raftvip.yaml:2:1: syntax error: found character '\\t(TAB)' that cannot start any"
                + " token. (Do not use \\t(TAB) for indentation)"),
        c(
            "syntax error: unclosed flow mapping",
            BASE + "timing: {lease: 200ms\n",
            "raftvip.yaml:11:1: syntax error: expected ',' or '}', but got <stream end> (while"
                + " parsing a flow mapping at line 10, column 9)"),
        c(
            "two YAML documents",
            BASE + "---\nnode: {id: n2}\n",
            "raftvip.yaml:10:1: a second YAML document starts here; a config file holds exactly"
                + " one"),
        c(
            "empty file",
            "",
            "raftvip.yaml:1:1: the file is empty; expected the sections node, cluster, admin, tls,"
                + " metrics, timing, announce, health-checks, vips, notify"),
        c(
            "top level is a list",
            "- node\n- cluster\n",
            "raftvip.yaml:1:1: expected a mapping of the sections node, cluster, admin, tls,"
                + " metrics, timing, announce, health-checks, vips, notify, got a list"),
        c(
            "unknown key with suggestion",
            BASE + "timing:\n  leese: 200ms\n",
            "raftvip.yaml:11:3: unknown key \"leese\" in timing (did you mean \"lease\"?)"),
        c(
            "unknown key in camelCase",
            BASE + "timing:\n  renewInterval: 50ms\n",
            "raftvip.yaml:11:3: unknown key \"renewInterval\" in timing (did you mean"
                + " \"renew-interval\"?)"),
        c(
            "unknown key without a near match",
            BASE + "announce:\n  burst: 3\n",
            "raftvip.yaml:11:3: unknown key \"burst\" in announce (expected one of: count,"
                + " interval, refresh)"),
        c(
            "unknown top-level section",
            BASE + "vip:\n  - name: web\n",
            "raftvip.yaml:10:1: unknown key \"vip\" at the top level (did you mean \"vips\"?)"),
        c(
            "YAML merge key",
            BASE + "timing:\n  <<: {lease: 1s}\n",
            "raftvip.yaml:11:3: unknown key \"<<\" in timing (YAML merge keys are not supported;"
                + " write the keys out)"),
        c(
            "duplicate key",
            BASE + "timing:\n  lease: 300ms\n  lease: 400ms\n",
            "raftvip.yaml:12:3: duplicate key \"lease\" in timing (first at line 11, column 3)"),
        c(
            "duplicate section",
            BASE + "announce:\n  count: 2\nannounce:\n  count: 4\n",
            "raftvip.yaml:12:1: duplicate key \"announce\" at the top level (first at line 10,"
                + " column 1)"),
        c(
            "missing required key",
            "node:\n  id: n1\n" + BASE.substring(BASE.indexOf("cluster:")),
            "raftvip.yaml:1:1: missing required key \"interface\" in node (an interface name like"
                + " \"eth0\")"),
        c(
            "missing required section",
            BASE.substring(BASE.indexOf("cluster:")),
            "raftvip.yaml:1:1: missing required key \"node\" at the top level (a mapping with id"
                + " and interface)"),
        c(
            "required value left empty",
            BASE.replace("interface: eth0", "interface:"),
            "raftvip.yaml:3:13: node.interface: expected an interface name like \"eth0\", got"
                + " nothing"),
        c(
            "section of the wrong kind",
            BASE + "timing: [200ms]\n",
            "raftvip.yaml:10:9: timing: expected a mapping, got a list"),

        // ---- values
        c(
            "bad duration: plain number",
            BASE + "timing:\n  lease: 200\n",
            "raftvip.yaml:11:10: timing.lease: expected a duration like \"200ms\" or \"1.5s\","
                + " got \"200\""),
        c(
            "bad duration: unknown unit",
            BASE + "timing:\n  move-hold-down: 5 seconds\n",
            "raftvip.yaml:11:19: timing.move-hold-down: expected a duration like \"200ms\" or"
                + " \"1.5s\", got \"5 seconds\""),
        c(
            "bad duration: below a millisecond",
            BASE + "timing:\n  expiry-margin: 0.5ms\n",
            "raftvip.yaml:11:18: timing.expiry-margin: \"0.5ms\" is finer than the 1ms resolution"
                + " of durations"),
        c(
            "bad duration: out of range",
            BASE + "timing:\n  lease: 2h\n",
            "raftvip.yaml:11:10: timing.lease: must be between 50ms and 1m, got 2h"),
        c(
            "bad percentage",
            BASE + "timing:\n  clock-drift-bound: 1\n",
            "raftvip.yaml:11:22: timing.clock-drift-bound: expected a percentage like \"1%\" or"
                + " \"0.5%\", got \"1\""),
        c(
            "negative count",
            BASE + "announce:\n  count: -1\n",
            "raftvip.yaml:11:10: announce.count: must be between 1 and 10, got -1"),
        c(
            "count not a number",
            BASE + "announce:\n  count: three\n",
            "raftvip.yaml:11:10: announce.count: expected a whole number, got \"three\""),
        c(
            "refresh neither off nor in range",
            BASE + "announce:\n  refresh: 500ms\n",
            "raftvip.yaml:11:12: announce.refresh: must be 0s (off) or between 1s and 1h, got"
                + " 500ms"),
        c(
            "boolean spelled yes",
            BASE + "vips:\n  - {name: web, address: 198.18.0.200/24, preempt: yes}\n",
            "raftvip.yaml:11:52: vips[0].preempt: expected true or false, got \"yes\""),
        c(
            "invalid node id",
            BASE.replace("id: n1\n  interface", "id: N1\n  interface"),
            "raftvip.yaml:2:7: node.id: \"N1\" is not a valid node id: use 1 to 63 lower-case"
                + " letters, digits or '-', starting with a letter or digit"),
        c(
            "cluster id not a UUID",
            BASE.replace("2f6c0a3e-8d1b-4c8e-9a57-3f5e2b1c4d6e", "cluster-1"),
            "raftvip.yaml:5:7: cluster.id: expected a UUID like"
                + " \"2f6c0a3e-8d1b-4c8e-9a57-3f5e2b1c4d6e\" (uuidgen makes one), got"
                + " \"cluster-1\""),
        c(
            "relative path",
            BASE.replace("  interface: eth0", "  interface: eth0\n  storage-dir: var/raftvip"),
            "raftvip.yaml:4:16: node.storage-dir: must be an absolute path, got \"var/raftvip\""),

        // ---- addresses
        c(
            "IPv4 octet out of range",
            BASE + "vips:\n  - {name: web, address: 198.18.0.300/24}\n",
            "raftvip.yaml:11:26: vips[0].address: \"198.18.0.300/24\" is not a valid IPv4"
                + " address: octet 300 is above 255"),
        c(
            "IPv6 prefix above 128",
            BASE + "vips:\n  - {name: web6, address: 2001:db8::200/129}\n",
            "raftvip.yaml:11:27: vips[0].address: \"2001:db8::200/129\": prefix length 129 is"
                + " above 128, the maximum for IPv6"),
        c(
            "IPv4 prefix above 32",
            BASE + "vips:\n  - {name: web, address: 198.18.0.200/64}\n",
            "raftvip.yaml:11:26: vips[0].address: \"198.18.0.200/64\": prefix length 64 is above"
                + " 32, the maximum for IPv4"),
        c(
            "IPv4 written into an IPv6 address",
            BASE + "vips:\n  - {name: web, address: '198.18.0.200::1/64'}\n",
            "raftvip.yaml:11:26: vips[0].address: \"198.18.0.200::1/64\" is not a valid IPv6"
                + " address: bad group \"198.18.0.200\""),
        c(
            "IPv6 with a zone id",
            BASE.replace("198.18.0.13:7101", "'[fe80::13%eth0]:7101'"),
            "raftvip.yaml:9:22: cluster.peers[2].raft: \"[fe80::13%eth0]:7101\" is not a valid"
                + " IPv6 address: zone ids (\"%eth0\") are not allowed"),
        c(
            "IPv6 endpoint without brackets",
            BASE.replace("admin: 198.18.0.13:7100", "admin: 2001:db8::13:7100"),
            "raftvip.yaml:9:47: cluster.peers[2].admin: \"2001:db8::13:7100\": put an IPv6"
                + " address in brackets, like \"[2001:db8::11]:7100\""),
        c(
            "address without prefix",
            BASE + "vips:\n  - {name: web, address: 198.18.0.200}\n",
            "raftvip.yaml:11:26: vips[0].address: \"198.18.0.200\" has no prefix length; write"
                + " it as address/prefix, e.g. \"198.18.0.200/24\" (/32 or /128 for no connected"
                + " route)"),
        c(
            "network address as VIP",
            BASE + "vips:\n  - {name: web, address: 198.18.0.0/24}\n",
            "raftvip.yaml:11:26: vips[0].address: cannot be a VIP: 198.18.0.0/24 is the network"
                + " address of its subnet, not a host address"),
        c(
            "multicast VIP",
            BASE + "vips:\n  - {name: web, address: 'ff02::1/64'}\n",
            "raftvip.yaml:11:26: vips[0].address: cannot be a VIP: ff02::1 is a multicast"
                + " address"),

        // ---- VIPs
        c(
            "duplicate VIP name",
            BASE
                + """
                vips:
                  - name: web
                    address: 198.18.0.200/24
                  - name: web
                    address: 198.18.0.201/24
                """,
            "raftvip.yaml:13:11: vips[1].name: VIP name \"web\" is already used by vips[0] (line"
                + " 11)"),
        c(
            "duplicate VIP address in another spelling",
            BASE
                + """
                vips:
                  - {name: web, address: '2001:db8::200/64'}
                  - {name: api, address: '2001:DB8:0:0::0200/64'}
                """,
            "raftvip.yaml:12:26: vips[1].address: 2001:db8::200/64 is already the address of VIP"
                + " \"web\" at vips[0] (line 11)"),
        c(
            "overlapping VIPs: same address, other prefix",
            BASE
                + """
                vips:
                  - {name: web, address: 198.18.0.200/24}
                  - {name: api, address: 198.18.0.200/32}
                """,
            "raftvip.yaml:12:26: vips[1].address: 198.18.0.200/32 overlaps VIP \"web\""
                + " (198.18.0.200/24) at vips[0] (line 11): the same address with another prefix"
                + " length"),
        c(
            "VIP is a node's address",
            BASE + "vips:\n  - {name: web, address: 198.18.0.12/24}\n",
            "raftvip.yaml:11:26: vips[0].address: 198.18.0.12 belongs to a node, see"
                + " cluster.peers[1].raft (line 8); a VIP must be an address no node owns"),
        c(
            "two VIPs claim one virtual MAC",
            BASE
                + """
                vips:
                  - {name: web, address: 198.18.0.200/24, vrid: 7}
                  - {name: api, address: 198.18.0.201/24, vrid: 7}
                """,
            "raftvip.yaml:12:49: vips[1].vrid: vrid 7 is already used by VIP \"web\" at vips[0]"
                + " (line 11) on the same interface: both would claim virtual MAC"
                + " 00:00:5e:00:01:07"),
        c(
            "vrid out of range",
            BASE + "vips:\n  - {name: web, address: 198.18.0.200/24, vrid: 256}\n",
            "raftvip.yaml:11:49: vips[0].vrid: must be between 1 and 255, got 256"),
        c(
            "priorities: unknown node and out of range",
            BASE
                + "vips:\n  - {name: web, address: 198.18.0.200/24, priorities: {n1: 300, n9: 1}}\n",
            "raftvip.yaml:11:56: vips[0].priorities.n1: must be between 0 and 255, got 300"),
        c(
            "priorities: a node not in the cluster",
            BASE
                + "vips:\n  - {name: web, address: 198.18.0.200/24, priorities: {n1: 150, n9: 1}}\n",
            "raftvip.yaml:11:65: vips[0].priorities.n9: no peer \"n9\" in cluster.peers (have:"
                + " n1, n2, n3)"),
        c(
            "undefined health check",
            BASE
                + """
                health-checks:
                  web: {type: tcp, target: 127.0.0.1:80}
                vips:
                  - {name: web, address: 198.18.0.200/24, health-checks: [webb]}
                """,
            "raftvip.yaml:13:59: vips[0].health-checks[0]: no health check \"webb\" in"
                + " health-checks (did you mean \"web\"?)"),

        // ---- health checks
        c(
            "health check of unknown type",
            BASE + "health-checks:\n  ping: {type: icmp, target: 198.18.0.1}\n",
            "raftvip.yaml:11:16: health-checks.ping.type: expected one of tcp, http, exec, got"
                + " \"icmp\""),
        c(
            "http check without url",
            BASE + "health-checks:\n  api: {type: http}\n",
            "raftvip.yaml:11:3: missing required key \"url\" in health-checks.api (a URL like"
                + " \"http://127.0.0.1:8080/health\")"),
        c(
            "health check key of another type",
            BASE + "health-checks:\n  web: {type: tcp, target: 127.0.0.1:80, url: x}\n",
            "raftvip.yaml:11:42: unknown key \"url\" in health-checks.web (expected one of: type,"
                + " interval, timeout, rise, fall, target)"),
        c(
            "exec check timeout above interval",
            BASE + "health-checks:\n  script: {type: exec, command: [/bin/true], timeout: 2s}\n",
            "raftvip.yaml:11:55: health-checks.script.timeout: must not exceed interval (1s) so"
                + " that runs never overlap, got 2s"),
        c(
            "health check left empty",
            BASE + "health-checks:\n  web:\n",
            "raftvip.yaml:11:7: health-checks.web: expected a mapping, got nothing"),

        // ---- cluster
        c(
            "peers without this node",
            BASE.replace("id: n1\n  interface", "id: n4\n  interface"),
            "raftvip.yaml:6:3: cluster.peers: no peer has this node's id \"n4\" (node.id); list"
                + " every voting member, this node included"),
        c(
            "duplicate peer id and address",
            BASE.replace("{id: n3, raft: 198.18.0.13:7101", "{id: n2, raft: 198.18.0.12:7101"),
            "raftvip.yaml:9:12: cluster.peers[2].id: peer id \"n2\" is also used by"
                + " cluster.peers[1] (line 8)",
            "raftvip.yaml:9:22: cluster.peers[2].raft: 198.18.0.12:7101 is also used by"
                + " cluster.peers[1].raft (line 8)"),
        c(
            "even number of peers",
            BASE.replace("    - {id: n3, raft: 198.18.0.13:7101, admin: 198.18.0.13:7100}\n", ""),
            "raftvip.yaml:6:3: cluster.peers: has 2 peers; a quorum needs 3 voting members"
                + " (1 for tests), this node included; 5 are not supported by the lease design"
                + " (docs/safety.md section 7)"),
        c(
            "peer with one endpoint for raft and admin",
            BASE.replace("admin: 198.18.0.13:7100", "admin: 198.18.0.13:7101"),
            "raftvip.yaml:9:47: cluster.peers[2].admin: is the same endpoint as raft"
                + " (198.18.0.13:7101); use another port"),
        c(
            "admin listen without host",
            BASE + "admin:\n  listen: ':7100'\n",
            "raftvip.yaml:11:11: admin.listen: \":7100\" has no host; give the address to use, or"
                + " \"0.0.0.0:7100\" for every address of this host"),
        c(
            "metrics on the admin port",
            BASE + "metrics:\n  listen: 198.18.0.11:7100\n",
            "raftvip.yaml:11:11: metrics.listen: 198.18.0.11:7100 clashes with admin.listen"
                + " (198.18.0.11:7100)"),
        c(
            "tls with a file missing",
            BASE + "tls:\n  cert: /etc/raftvip/node.pem\n  key: /etc/raftvip/node.key\n",
            "raftvip.yaml:10:1: tls: give all of cert, key and ca, or leave the tls section out;"
                + " missing ca"),

        // ---- timing relations
        c(
            "renew interval not below half the lease",
            BASE + "timing:\n  lease: 200ms\n  renew-interval: 100ms\n",
            "raftvip.yaml:12:19: timing.renew-interval: must be less than half of lease (200ms)"
                + " so that one lost renewal does not cost the lease, got 100ms"),
        c(
            "raft rpc timeout min above max",
            BASE + "timing:\n  raft-rpc-timeout-min: 400ms\n  raft-rpc-timeout-max: 300ms\n",
            "raftvip.yaml:12:25: timing.raft-rpc-timeout-max: must be at least"
                + " raft-rpc-timeout-min (400ms), got 300ms"),
        c(
            "leader lease ping too slow",
            BASE + "timing:\n  leader-lease-ping: 100ms\n",
            "raftvip.yaml:11:22: timing.leader-lease-ping: must be at most half of"
                + " raft-rpc-timeout-min (150ms) so that the leader's lease survives one lost"
                + " ping, got 100ms"),
        c(
            "margins eat the default lease",
            BASE + "timing:\n  fence-precision: 100ms\n  expiry-margin: 60ms\n",
            "raftvip.yaml:10:1: timing.lease: must be longer than renew-interval +"
                + " fence-precision + expiry-margin (210ms), got 200ms"),

        // ---- all errors at once, in line order, across sections
        c(
            "errors in several sections, sorted by line",
            """
            timing:
              lease: 200
            node:
              id: n1
              interface: eth0
              colour: blue
            cluster:
              id: 2f6c0a3e-8d1b-4c8e-9a57-3f5e2b1c4d6e
              peers:
                - {id: n1, raft: 198.18.0.11:7101, admin: 198.18.0.11:7100}
            announce: {count: 0}
            """,
            "raftvip.yaml:2:10: timing.lease: expected a duration like \"200ms\" or \"1.5s\", got"
                + " \"200\"",
            "raftvip.yaml:6:3: unknown key \"colour\" in node (expected one of: id, storage-dir,"
                + " interface)",
            "raftvip.yaml:9:3: warning: cluster.peers: a single voting member tolerates no"
                + " failure; use it for tests only",
            "raftvip.yaml:11:19: announce.count: must be between 1 and 10, got 0"),

        // ---- the host check, with an injected interface list
        host(
            "missing interface",
            BASE.replace("interface: eth0", "interface: eth9"),
            HOST,
            "raftvip.yaml:3:14: node.interface: no interface \"eth9\" on this host (have: lo,"
                + " eth0)"),
        host(
            "missing VIP interface",
            BASE + "vips:\n  - {name: web, address: 198.18.0.200/24, interface: bond0}\n",
            HOST,
            "raftvip.yaml:11:54: vips[0].interface: no interface \"bond0\" on this host (have: lo,"
                + " eth0)"),
        host(
            "listen address of another host",
            BASE.replace("interface: eth0", "interface: eth0")
                + "admin:\n  listen: 198.18.0.12:7100\n",
            HOST,
            "raftvip.yaml:11:11: warning: admin.listen: 198.18.0.12:7100 differs from this node's"
                + " advertised admin address 198.18.0.11:7100 at cluster.peers[0].admin (line 7),"
                + " where other nodes and clients will look",
            "raftvip.yaml:11:11: admin.listen: 198.18.0.12 is not an address of this host (have:"
                + " 127.0.0.1, 198.18.0.11, ::1)"),
        host(
            "unreadable token file and missing check program",
            BASE
                + """
                admin:
                  token-file: /etc/raftvip/token
                health-checks:
                  script: {type: exec, command: [/usr/local/bin/check]}
                """,
            HOST.withExecutable(Path.of("/usr/local/bin/other")),
            "raftvip.yaml:11:15: admin.token-file: cannot read \"/etc/raftvip/token\" (missing,"
                + " not a regular file, or not readable by this user)",
            "raftvip.yaml:13:34: health-checks.script.command[0]: cannot run"
                + " \"/usr/local/bin/check\" (missing, not a regular file, or not executable by"
                + " this user)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reportsExactMessages(Case tc) {
    ConfigResult result = ConfigParser.parse(FILE, tc.yaml());
    if (tc.host() != null) {
      assertThat(result.errors()).as("the file itself is valid").isEmpty();
      result = result.checkHost(tc.host());
    }

    List<String> messages = result.problems().stream().map(ConfigProblem::format).toList();

    assertThat(messages).containsExactlyElementsOf(tc.expected());
    assertThat(result.ok()).isFalse();
  }
}
