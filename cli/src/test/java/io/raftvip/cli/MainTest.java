package io.raftvip.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.cli.config.FakeHost;
import io.raftvip.cli.config.Host;
import io.raftvip.cli.config.IpAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** The command line as a user sees it: output, error output and exit code. */
class MainTest {

  static final String GOOD =
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
      vips:
        - {name: web, address: 198.18.0.200/24}
      """;

  static final FakeHost HOST = FakeHost.of(List.of("lo", "eth0"), "127.0.0.1", "198.18.0.11");

  @TempDir Path dir;
  String good;
  String bad;

  @BeforeEach
  void writeFiles() throws IOException {
    good = Files.writeString(dir.resolve("good.yaml"), GOOD).toString();
    bad =
        Files.writeString(
                dir.resolve("bad.yaml"),
                GOOD.replace("interface: eth0", "interface: eth0\n  colour: blue")
                    + "timing:\n  lease: 200\n")
            .toString();
  }

  @Test
  void printsTheVersion() {
    Cli r = Cli.run(HOST, "--version");

    assertThat(r.exitCode()).isZero();
    // Classes, not a jar: no manifest version. The jar prints its Implementation-Version.
    assertThat(r.out()).isEqualTo("raftvip dev\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void helpListsCommandsAndExitCodes() {
    Cli r = Cli.run(HOST, "--help");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains("Usage: raftvip [-hV] [--verbose] [COMMAND]")
        .contains("  config")
        .contains("  completion")
        .contains("Exit codes:")
        .contains("  0   success")
        .contains("  1   runtime failure (I/O error, unexpected error)")
        .contains("  2   usage error or invalid configuration")
        .contains("  3   no quorum or node unreachable (admin commands)");
  }

  @Test
  void configCheckHelpListsItsOptions() {
    Cli r = Cli.run(HOST, "config", "check", "--help");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains("Usage: raftvip config check [-hV] [--[no-]host-check] [--json] [--verbose] FILE")
        .contains("  2   the file is invalid, cannot be read, or the arguments are wrong");
  }

  @Test
  void checkSaysOkWithASummary() {
    Cli r = Cli.run(HOST, "config", "check", good);

    assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(r.out()).isEqualTo(good + ": OK (node n1, 3 peers, 1 VIP)\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void checkPrintsEveryErrorSortedByLineAndExitsTwo() {
    Cli r = Cli.run(HOST, "config", "check", bad);

    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo(
            bad
                + ":4:3: unknown key \"colour\" in node (expected one of: id, storage-dir,"
                + " interface)\n"
                + bad
                + ":14:10: timing.lease: expected a duration like \"200ms\" or \"1.5s\", got"
                + " \"200\"\n"
                + bad
                + ": 2 errors\n");
  }

  @Test
  void checkFindsAMissingInterfaceUnlessToldNotTo() {
    Host elsewhere = FakeHost.of(List.of("lo", "ens3"), "127.0.0.1", "198.18.0.11");

    Cli checked = Cli.run(elsewhere, "config", "check", good);
    Cli unchecked = Cli.run(elsewhere, "config", "check", "--no-host-check", good);

    assertThat(checked.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(checked.err())
        .isEqualTo(
            good
                + ":3:14: node.interface: no interface \"eth0\" on this host (have: lo, ens3)\n"
                + good
                + ": 1 error\n");
    assertThat(unchecked.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(unchecked.out()).isEqualTo(good + ": OK (node n1, 3 peers, 1 VIP)\n");
  }

  @Test
  void checkPrintsWarningsAndStillPasses() throws IOException {
    String solo =
        Files.writeString(
                dir.resolve("solo.yaml"),
                """
                node: {id: solo, interface: lo}
                cluster:
                  id: 2f6c0a3e-8d1b-4c8e-9a57-3f5e2b1c4d6e
                  peers: [{id: solo, raft: 127.0.0.1:7101, admin: 127.0.0.1:7100}]
                """)
            .toString();

    Cli r = Cli.run(HOST, "config", "check", solo);

    assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(r.err())
        .isEqualTo(
            solo
                + ":4:3: warning: cluster.peers: a single voting member tolerates no failure; use"
                + " it for tests only\n");
    assertThat(r.out()).isEqualTo(solo + ": OK (node solo, 1 peer, 0 VIPs)\n");
  }

  @Test
  @SuppressWarnings("unchecked")
  void checkWritesJsonForScripts() {
    Cli ok = Cli.run(HOST, "config", "check", "--json", good);
    Cli failed = Cli.run(HOST, "config", "check", bad, "--json");

    assertThat(ok.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(ok.err()).isEmpty();
    assertThat(ok.out()).endsWith("}\n").doesNotContain("\n{");
    Map<String, Object> okJson = new Yaml().load(ok.out());
    assertThat(okJson)
        .containsEntry("file", good)
        .containsEntry("ok", true)
        .containsEntry("hostChecked", true)
        .containsEntry("errors", 0)
        .containsEntry("warnings", 0)
        .containsEntry("problems", List.of())
        .containsEntry(
            "summary",
            Map.of(
                "node",
                "n1",
                "clusterId",
                "2f6c0a3e-8d1b-4c8e-9a57-3f5e2b1c4d6e",
                "peers",
                3,
                "vips",
                1));

    assertThat(failed.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(failed.err()).isEmpty();
    Map<String, Object> failedJson = new Yaml().load(failed.out());
    assertThat(failedJson)
        .containsEntry("ok", false)
        .containsEntry("errors", 2)
        .doesNotContainKey("summary");
    List<Map<String, Object>> problems = (List<Map<String, Object>>) failedJson.get("problems");
    assertThat(problems.get(1).keySet())
        .containsExactly("severity", "line", "column", "path", "message", "text");
    assertThat(problems.get(1))
        .isEqualTo(
            Map.of(
                "severity",
                "error",
                "line",
                14,
                "column",
                10,
                "path",
                "timing.lease",
                "message",
                "expected a duration like \"200ms\" or \"1.5s\", got \"200\"",
                "text",
                bad
                    + ":14:10: timing.lease: expected a duration like \"200ms\" or"
                    + " \"1.5s\", got \"200\""));
  }

  @Test
  void checkOfAMissingFileIsAConfigError() {
    String missing = dir.resolve("nope.yaml").toString();

    Cli r = Cli.run(HOST, "config", "check", missing);

    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).isEqualTo(missing + ": no such file\n" + missing + ": 1 error\n");
  }

  @Test
  void badOptionsGetOneLineAndAHintNotAStackTrace() {
    Cli r = Cli.run(HOST, "config", "check", "--jsn", good);

    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .startsWith("raftvip: Unknown option: '--jsn'\n")
        .contains("Possible solutions: --json")
        .endsWith("Try 'raftvip config check --help' for more information.\n")
        .doesNotContain("\tat ");
  }

  @Test
  void aMissingCommandOrArgumentIsAUsageError() {
    Cli none = Cli.run(HOST);
    Cli noFile = Cli.run(HOST, "config", "check");
    Cli typo = Cli.run(HOST, "confg");

    assertThat(none.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(none.err())
        .isEqualTo(
            "raftvip: Missing required subcommand\n"
                + "Try 'raftvip --help' for more information.\n");
    assertThat(noFile.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(noFile.err()).startsWith("raftvip: Missing required parameter: 'FILE'\n");
    assertThat(typo.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(typo.err()).contains("Did you mean: raftvip config");
  }

  /** A host whose interface list cannot be read, as when /sys is not mounted. */
  static final Host BROKEN_HOST =
      new Host() {
        @Override
        public List<String> interfaceNames() {
          throw new UncheckedIOException(
              "cannot list network interfaces: Permission denied", new IOException("EACCES"));
        }

        @Override
        public Set<IpAddress> addresses() {
          return Set.of();
        }

        @Override
        public boolean isReadableFile(Path path) {
          return false;
        }

        @Override
        public boolean isExecutableFile(Path path) {
          return false;
        }
      };

  @Test
  void aRuntimeFailureIsOneLineAndExitOne() {
    Cli r = Cli.run(BROKEN_HOST, "config", "check", good);

    assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo(
            "raftvip: cannot list network interfaces: Permission denied\n"
                + "(run with --verbose for details)\n");
  }

  @Test
  void verboseShowsTheStackTrace() {
    Cli before = Cli.run(BROKEN_HOST, "--verbose", "config", "check", good);
    Cli after = Cli.run(BROKEN_HOST, "config", "check", good, "--verbose");

    for (Cli r : List.of(before, after)) {
      assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILURE);
      assertThat(r.err())
          .startsWith("raftvip: cannot list network interfaces: Permission denied\n")
          .contains("java.io.UncheckedIOException")
          .contains("\tat io.raftvip.cli.ConfigCheckCommand")
          .doesNotContain("run with --verbose");
    }
  }

  @Test
  void printsABashCompletionScript() {
    Cli r = Cli.run(HOST, "completion");

    assertThat(r.exitCode()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out())
        .startsWith("#!/usr/bin/env bash")
        .contains("complete -F _complete_raftvip")
        .contains("config")
        .contains("check")
        .contains("'--host-check'")
        .contains("completion");
  }
}
