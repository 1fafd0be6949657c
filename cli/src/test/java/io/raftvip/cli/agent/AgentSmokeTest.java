package io.raftvip.cli.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.testlan.Host;
import io.raftvip.testlan.Netns;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Three real agent processes on a namespace LAN: bootstrap from config, graceful SIGTERM. */
@Netns
class AgentSmokeTest {

  static final String VIP = "198.18.0.200";

  @Test
  void configVipIsServedByOneNodeAndSigtermHandsItOver() throws Exception {
    try (AgentLan a =
        new AgentLan("agsmoke", 3, "vips:\n  - {name: web, address: " + VIP + "/32}\n")) {
      long t0 = System.nanoTime();
      a.startAll();
      // Liveness only: three JVM starts and the first elections take minutes on a busy 2-core host.
      int owner = a.awaitSingleHolder(VIP, Duration.ofSeconds(180));
      System.out.printf(
          "agent smoke: VIP served %d ms after starting 3 agents; agents' CPU %s; load %s%n",
          (System.nanoTime() - t0) / 1_000_000, a.cpuTimes(), AgentFailoverTest.loadAverage());
      Process p = a.agent(owner).orElseThrow();
      Host.signal(p, "TERM");
      int code = AgentLan.awaitExit(p, Duration.ofSeconds(20));
      assertThat(code).as("exit code after SIGTERM%s", a.logs()).isZero();
      int next = a.awaitSingleHolder(VIP, Duration.ofSeconds(20));
      assertThat(next).isNotEqualTo(owner);
      assertThat(a.holders(VIP)).containsExactly(next);
    }
  }
}
