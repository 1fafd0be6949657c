package io.raftvip.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.cli.Main;
import io.raftvip.cli.config.FakeHost;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code raftvip demo} as a user without root sees it, and its options. No namespaces. */
class DemoCommandTest {
  static final FakeHost HOST = FakeHost.of(List.of("lo", "eth0"), "127.0.0.1");

  record Run(int exitCode, String out, String err) {}

  static Run run(boolean privileged, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.newCommandLine(HOST, new DemoCommand(() -> privileged));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void withoutPrivilegesItSaysSoAndExits2() {
    Run r = run(false, "demo");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "needs root or CAP_NET_ADMIN+CAP_NET_RAW\n"
                + "or run `raftvip demo --simulated`: the same 3-node cluster in this process on an"
                + " in-memory network (no namespaces, no kernel fence)\n");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void theNonRootCheckComesBeforeAnythingElse() {
    Run r = run(false, "demo", "--scenarios", "kill,reboot");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith(DemoCommand.NEEDS_ROOT + "\n");
  }

  @Test
  void helpDocumentsTheOptionsAndWhatTheDemoIs() {
    Run r = run(false, "demo", "--help");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains("--scenarios=LIST")
        .contains("--simulated")
        .contains("--out=DIR")
        .contains("starts three real `raftvip agent` processes")
        .contains("needs root or CAP_NET_ADMIN+CAP_NET_RAW");
    assertThat(run(false, "--help").out()).contains("  demo");
  }

  @Test
  void badOptionsAreUsageErrorsBeforeAnyNamespaceIsBuilt() {
    Run scenario = run(true, "demo", "--scenarios", "kill,reboot");
    assertThat(scenario.exitCode()).isEqualTo(2);
    assertThat(scenario.err()).contains("unknown scenario 'reboot'");

    Run simulated = run(false, "demo", "--simulated", "--scenarios", "pause,crash");
    assertThat(simulated.exitCode()).isEqualTo(2);
    assertThat(simulated.err()).contains("unknown scenario 'crash'");
  }

  @Test
  void scenariosRunInTheDemosOrder() {
    assertThat(Scenario.parseList("move,kill")).containsExactly(Scenario.KILL, Scenario.MOVE);
    assertThat(Scenario.parseList("all")).hasSize(4);
  }

  @Test
  void privilegesComeFromTheUidOrTheEffectiveCapabilities() {
    assertThat(DemoCommand.Privileges.fromStatus(List.of("Uid:\t0\t0\t0\t0", "CapEff:\t0")))
        .isTrue();
    // CAP_NET_ADMIN (12) and CAP_NET_RAW (13)
    assertThat(
            DemoCommand.Privileges.fromStatus(
                List.of("Uid:\t1000\t1000\t1000\t1000", "CapEff:\t0000000000003000")))
        .isTrue();
    assertThat(
            DemoCommand.Privileges.fromStatus(
                List.of("Uid:\t1000\t1000\t1000\t1000", "CapEff:\t0000000000001000")))
        .isFalse();
    assertThat(DemoCommand.Privileges.fromStatus(List.of("Uid:\t1000\t1000\t1000\t1000")))
        .isFalse();
  }
}
