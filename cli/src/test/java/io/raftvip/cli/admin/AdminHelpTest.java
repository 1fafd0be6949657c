package io.raftvip.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Help and completion of the admin commands. */
class AdminHelpTest {

  static List<String> commands() {
    return List.of(
        "status",
        "vip list",
        "vip get",
        "vip add",
        "vip set",
        "vip rm",
        "vip move",
        "node list",
        "node drain",
        "node undrain",
        "node add",
        "node rm",
        "leader transfer",
        "watch");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commands")
  void everyCommandDocumentsItsOptionsAndExitCodes(String command) {
    String[] words = (command + " --help").split(" ");

    AdminCli r = AdminCli.run(words);

    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .startsWith("Usage: raftvip " + command + " ")
        .contains("-c, --cluster=HOST:PORT[,HOST:PORT...]")
        .contains("--token-file=FILE")
        .contains("--tls-ca=FILE")
        .contains("--timeout=DURATION")
        .contains("--json")
        .contains("Exit codes:")
        .contains("  3   no node reachable, no quorum (UNAVAILABLE)")
        .contains("  4   the VIP or node does not exist (NOT_FOUND)")
        .contains("  5   refused by the cluster's state")
        .contains("  6   missing or wrong credentials");
  }

  @Test
  void theRootHelpListsTheAdminCommandsAndCodes() {
    AdminCli r = AdminCli.run("--help");

    assertThat(r.out())
        .contains("  status ")
        .contains("  vip ")
        .contains("  node ")
        .contains("  leader ")
        .contains("  watch ")
        .contains("  4   no such VIP or node (admin commands)")
        .contains("  5   refused by the cluster's state (admin commands)")
        .contains("  6   missing or wrong credentials (admin commands)");
  }

  @Test
  void completionCoversTheAdminCommandsAndTheirOptions() {
    AdminCli r = AdminCli.run("completion");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains("vip")
        .contains("move")
        .contains("drain")
        .contains("transfer")
        .contains("--from-index")
        .contains("--cluster")
        .contains("--token-file")
        .contains("(\"auto\" \"always\" \"never\") # --progress values");
  }
}
