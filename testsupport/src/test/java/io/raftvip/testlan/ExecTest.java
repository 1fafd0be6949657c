package io.raftvip.testlan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Netns
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExecTest {
  private static TestLan lan;

  @BeforeAll
  static void up() {
    lan = TestLan.builder().name("exec").nodes(1).client(false).ipv6(false).start();
  }

  @AfterAll
  static void down() {
    if (lan != null) {
      lan.close();
    }
  }

  @Test
  void capturesStdoutStderrAndExitCode() {
    ExecResult r = lan.node(1).exec("sh", "-c", "echo out; echo err >&2; exit 3");
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.ok()).isFalse();
    assertThat(r.stdout()).isEqualTo("out\n");
    assertThat(r.stderr()).isEqualTo("err\n");
  }

  @Test
  void runsInsideTheNamespace() {
    String addrs = lan.node(1).execOrThrow("ip", "-o", "-4", "addr").stdout();
    assertThat(addrs).contains("198.18.0.11/24");
  }

  @Test
  void feedsStdin() {
    ExecResult r = lan.node(1).execOrThrow(List.of("cat"), "to stdin", Duration.ofSeconds(10));
    assertThat(r.stdout()).isEqualTo("to stdin");
  }

  @Test
  void execOrThrowNamesCommandExitCodeAndStderr() {
    assertThatThrownBy(() -> lan.node(1).execOrThrow("sh", "-c", "echo nope >&2; exit 7"))
        .isInstanceOfSatisfying(
            ExecFailedException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(7);
              assertThat(e.stderr()).isEqualTo("nope\n");
              assertThat(e.command()).contains("netns", "exec", lan.node(1).netns(), "sh");
              assertThat(e.getMessage()).contains("exit code 7").contains("nope");
            });
  }

  @Test
  void aCommandThatOverrunsItsTimeoutIsKilled() {
    long start = System.nanoTime();
    assertThatThrownBy(() -> lan.node(1).exec(Duration.ofMillis(300), "sleep", "30"))
        .isInstanceOf(TestLanException.class)
        .hasMessageContaining("did not finish within 300 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    assertThat(ProcessHandle.current().descendants().filter(p -> isSleep(p)).count()).isZero();
  }

  @Test
  void ipv6FalseLeavesHostsWithoutIpv6() {
    assertThatThrownBy(() -> lan.node(1).ipv6()).isInstanceOf(IllegalStateException.class);
    assertThat(lan.node(1).execOrThrow("ip", "-o", "-6", "addr").stdout()).isBlank();
    assertThatThrownBy(() -> lan.client()).isInstanceOf(IllegalStateException.class);
    assertThat(lan.hasClient()).isFalse();
  }

  private static boolean isSleep(ProcessHandle p) {
    return p.isAlive() && p.info().command().map(c -> c.endsWith("/sleep")).orElse(false);
  }
}
