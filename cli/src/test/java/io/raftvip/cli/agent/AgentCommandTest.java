package io.raftvip.cli.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftvip.cli.ExitCodes;
import io.raftvip.cli.config.FakeHost;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code raftvip agent} refuses to start with one clear line instead of half-starting. */
class AgentCommandTest {

  @TempDir Path dir;

  private String config(String storage) {
    return """
        node: {id: n1, storage-dir: %s, interface: eth0}
        cluster:
          id: 2f6c0a3e-8d1b-4c8e-9a57-3f5e2b1c4d6e
          peers:
            - {id: n1, raft: 198.18.0.11:7101, admin: 198.18.0.11:7100}
            - {id: n2, raft: 198.18.0.12:7101, admin: 198.18.0.12:7100}
            - {id: n3, raft: 198.18.0.13:7101, admin: 198.18.0.13:7100}
        """
        .formatted(storage);
  }

  private record Run(int code, String err) {}

  private Run agent(String configText, String capEff) throws Exception {
    Path file = dir.resolve("agent.yaml");
    Files.writeString(file, configText, StandardCharsets.UTF_8);
    Path status = dir.resolve("status");
    Files.writeString(status, "Name:\tjava\nCapEff:\t" + capEff + "\n", StandardCharsets.US_ASCII);
    StringWriter err = new StringWriter();
    CommandLine cl =
        new CommandLine(
            new AgentCommand(FakeHost.of(List.of("lo", "eth0"), "198.18.0.11"), status));
    cl.setErr(new PrintWriter(err, true));
    cl.setOut(new PrintWriter(new StringWriter(), true));
    int code = cl.execute("--config", file.toString());
    return new Run(code, err.toString());
  }

  @Test
  void anInvalidConfigExitsTwoWithPositionedErrors() throws Exception {
    Run r = agent(config(dir.resolve("data").toString()) + "bogus: 1\n", "0000003fffffffff");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("agent.yaml:8:1", "bogus").contains("not started");
  }

  @Test
  void aConfigThatDoesNotFitTheHostExitsTwo() throws Exception {
    String c = config(dir.resolve("data").toString()).replace("interface: eth0", "interface: eth7");
    Run r = agent(c, "0000003fffffffff");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("eth7");
  }

  @Test
  void missingCapabilitiesExitOneNamingThem() throws Exception {
    Run r = agent(config(dir.resolve("data").toString()), "0000000000000000");
    assertThat(r.code()).isEqualTo(ExitCodes.FAILURE);
    assertThat(r.err())
        .contains("missing privileges: CAP_NET_ADMIN and CAP_NET_RAW")
        .doesNotContain("\tat ");
    // CAP_NET_ADMIN (bit 12) only: still missing CAP_NET_RAW.
    assertThat(agent(config(dir.resolve("data").toString()), "0000000000001000").err())
        .contains("missing privileges: CAP_NET_RAW")
        .doesNotContain("CAP_NET_ADMIN and");
  }

  @Test
  void capabilityBitsAreReadFromCapEff() {
    assertThat(Preflight.missingCapabilities("0000003fffffffff")).isEmpty();
    assertThat(Preflight.missingCapabilities("0000000000003000")).isEmpty();
    assertThat(Preflight.missingCapabilities("0000000000002000")).containsExactly("CAP_NET_ADMIN");
    assertThat(Preflight.missingCapabilities("0")).containsExactly("CAP_NET_ADMIN", "CAP_NET_RAW");
  }

  @Test
  void aSecondAgentOnTheSameStorageDirIsRefused() throws Exception {
    Path storage = dir.resolve("shared");
    try (FileChannel first = Preflight.lockStorage(storage)) {
      assertThat(first.isOpen()).isTrue();
      assertThatThrownBy(() -> Preflight.lockStorage(storage))
          .isInstanceOf(Preflight.Failed.class)
          .hasMessageContaining("another raftvip agent is using the storage directory " + storage);
    }
    // Released with the first: a restart gets it.
    try (FileChannel again = Preflight.lockStorage(storage)) {
      assertThat(again.isOpen()).isTrue();
    }
  }

  @Test
  void anUnusableStorageDirIsNamed() throws Exception {
    Path file = dir.resolve("plain-file");
    Files.writeString(file, "x");
    assertThatThrownBy(() -> Preflight.lockStorage(file.resolve("sub")))
        .isInstanceOf(Preflight.Failed.class)
        .hasMessageContaining("cannot create the storage directory " + file.resolve("sub"));
  }

  @Test
  void tokenFilesAreCheckedAndNeverEchoed() throws Exception {
    assertThat(Preflight.readToken(Optional.empty())).isEmpty();
    Path t = dir.resolve("token");
    Files.writeString(t, "  abc123\n");
    assertThat(Preflight.readToken(Optional.of(t))).contains("abc123");
    Files.writeString(t, "\n\n");
    assertThatThrownBy(() -> Preflight.readToken(Optional.of(t))).hasMessageContaining("is empty");
    assertThatThrownBy(() -> Preflight.readToken(Optional.of(dir.resolve("missing"))))
        .hasMessageContaining("does not exist");
    Files.writeString(t, "s3cret-value-".repeat(400));
    assertThatThrownBy(() -> Preflight.readToken(Optional.of(t)))
        .hasMessageContaining("larger than")
        .hasMessageNotContaining("s3cret");
  }
}
