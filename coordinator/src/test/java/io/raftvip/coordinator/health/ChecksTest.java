package io.raftvip.coordinator.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChecksTest {

  private static final Duration SECOND = Duration.ofSeconds(1);

  @TempDir Path dir;

  @Test
  void execPassesOnExitZeroAndFailsWithTheFirstOutputLine() throws Exception {
    assertThat(new ExecCheck(List.of("/bin/true"), SECOND).run())
        .isEqualTo(CheckResult.pass("exit 0"));
    CheckResult r =
        new ExecCheck(List.of("/bin/sh", "-c", "echo; echo 'db down' >&2; exit 3"), SECOND).run();
    assertThat(r).isEqualTo(CheckResult.fail("exit 3: db down"));
    assertThat(new ExecCheck(List.of(dir.resolve("missing").toString()), SECOND).run().reason())
        .startsWith("cannot start");
  }

  @Test
  void execKeepsOnlyBoundedOutputOfAChattyCommand() throws Exception {
    BoundedProcess.Outcome o =
        BoundedProcess.run(
            List.of("/bin/sh", "-c", "head -c 3000000 /dev/zero | tr '\\0' x; exit 0"),
            Duration.ofSeconds(20),
            100);
    assertThat(o.exitCode()).hasValue(0);
    assertThat(o.output()).hasSize(100);
  }

  @Test
  void execTimeoutKillsTheProcessTreeItStarted() throws Exception {
    Path pids = dir.resolve("pids");
    String script = "sleep 30 & echo $! > " + pids + "; sleep 30";
    long start = System.nanoTime();
    CheckResult r = new ExecCheck(List.of("/bin/sh", "-c", script), Duration.ofMillis(300)).run();
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(r.passed()).isFalse();
    assertThat(r.reason()).startsWith("timed out after 300 ms; killed pid").contains("processes");
    assertThat(tookMs).isLessThan(5_000);
    long child = Long.parseLong(Files.readString(pids).strip());
    awaitDead(child);
  }

  @Test
  void execInterruptKillsTheProcessToo() throws Exception {
    Path pids = dir.resolve("pid");
    String script = "echo $$ > " + pids + "; exec sleep 30";
    List<Object> outcome = new ArrayList<>();
    Thread t =
        new Thread(
            () -> {
              try {
                outcome.add(
                    new ExecCheck(List.of("/bin/sh", "-c", script), Duration.ofSeconds(30)).run());
              } catch (InterruptedException e) {
                outcome.add(e);
              }
            });
    t.start();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while ((!Files.exists(pids) || Files.readString(pids).isBlank()) && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    long pid = Long.parseLong(Files.readString(pids).strip());
    t.interrupt();
    t.join(5_000);
    assertThat(t.isAlive()).isFalse();
    assertThat(outcome).hasSize(1);
    assertThat(outcome.get(0)).isInstanceOf(InterruptedException.class);
    awaitDead(pid);
  }

  @Test
  void execSpecIsValidated() {
    assertThatThrownBy(() -> new ExecCheck(List.of(), SECOND))
        .hasMessage("command of exec check must have 1 to 64 arguments, not 0");
    assertThatThrownBy(() -> new ExecCheck(List.of(" "), SECOND))
        .hasMessageContaining("argument 0 of the command of exec check")
        .hasMessageContaining("not blank");
    assertThatThrownBy(() -> new ExecCheck(List.of("/bin/true"), Duration.ofHours(2)))
        .hasMessage("timeout 7200000 ms of exec check /bin/true must be between 1 ms and 1 h");
  }

  @Test
  void tcpPassesWhileAServerListensAndFailsOnceItIsGone() throws Exception {
    TcpCheck check;
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      check = new TcpCheck("127.0.0.1", server.getLocalPort(), SECOND);
      CheckResult r = check.run();
      assertThat(r.passed()).isTrue();
      assertThat(r.reason()).startsWith("connected to 127.0.0.1:" + server.getLocalPort());
    }
    CheckResult r = check.run();
    assertThat(r.passed()).isFalse();
    assertThat(r.reason()).startsWith("connect to 127.0.0.1:").contains("failed");
  }

  @Test
  void tcpSpecIsValidated() {
    assertThatThrownBy(() -> new TcpCheck("", 80, SECOND))
        .hasMessage("host \"\" of tcp check must be 1 to 253 printable characters, no spaces");
    assertThatThrownBy(() -> new TcpCheck("db", 0, SECOND))
        .hasMessage("port 0 of tcp check db must be between 1 and 65535");
    assertThatThrownBy(() -> new TcpCheck("db", 80, Duration.ZERO))
        .hasMessage("timeout 0 ms of tcp check db:80 must be between 1 ms and 1 h");
  }

  @Test
  void httpComparesTheStatusCode() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    server.createContext("/ok", e -> respond(e, 200));
    server.createContext("/down", e -> respond(e, 503));
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      CheckResult ok = HttpCheck.of(base + "/ok?x=1", SECOND).run();
      assertThat(ok.passed()).as(ok.reason()).isTrue();
      assertThat(ok.reason()).startsWith("GET " + base + "/ok?x=1: 200 in");
      CheckResult down = HttpCheck.of(base + "/down", SECOND).run();
      assertThat(down.passed()).isFalse();
      assertThat(down.reason()).contains(": 503 in").endsWith("expected 200");
      assertThat(new HttpCheck(URI.create(base + "/down"), 503, SECOND).run().passed()).isTrue();
    } finally {
      server.stop(0);
    }
  }

  @Test
  void httpFailsOnSilenceWithinItsTimeoutAndOnGarbage() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String url = "http://127.0.0.1:" + server.getLocalPort() + "/";
      // Accepted by the kernel (backlog) but never answered.
      long start = System.nanoTime();
      CheckResult silent = HttpCheck.of(url, Duration.ofMillis(200)).run();
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(silent).isEqualTo(CheckResult.fail("GET " + url + " timed out after 200 ms"));
      assertThat(tookMs).isBetween(150L, 3_000L);
    }
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String url = "http://127.0.0.1:" + server.getLocalPort() + "/";
      Thread answer =
          new Thread(
              () -> {
                try (Socket s = server.accept()) {
                  s.getOutputStream().write("SSH-2.0-x\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                  // The check reports what it saw.
                }
              });
      answer.start();
      CheckResult garbage = HttpCheck.of(url, SECOND).run();
      answer.join(5_000);
      assertThat(garbage.passed()).isFalse();
      assertThat(garbage.reason()).contains("not an HTTP status line: SSH-2.0-x");
    }
  }

  @Test
  void httpSpecIsValidated() {
    assertThatThrownBy(() -> HttpCheck.of("ftp://h/", SECOND))
        .hasMessage("url ftp://h/ of http check must use http or https, not ftp");
    assertThatThrownBy(() -> HttpCheck.of("http:///x", SECOND))
        .hasMessage("url http:///x of http check has no host");
    assertThatThrownBy(() -> new HttpCheck(URI.create("http://h/"), 99, SECOND))
        .hasMessage("expected status 99 of http check http://h/ must be 100..599");
    assertThat(HttpCheck.parseStatus("HTTP/1.1 204 No Content")).isEqualTo(204);
    assertThat(HttpCheck.parseStatus("HTTP/1.0 200")).isEqualTo(200);
    assertThat(HttpCheck.parseStatus("HTTP/1.1 2000")).isEqualTo(-1);
    assertThat(HttpCheck.parseStatus("hello")).isEqualTo(-1);
  }

  @Test
  void callbackMapsTrueFalseNullAndExceptions() throws Exception {
    assertThat(CallbackCheck.of("db", () -> true, SECOND).run())
        .isEqualTo(CheckResult.pass("db passed"));
    assertThat(CallbackCheck.of("db", () -> false, SECOND).run())
        .isEqualTo(CheckResult.fail("db failed"));
    assertThat(new CallbackCheck("db", () -> null, SECOND).run())
        .isEqualTo(CheckResult.fail("db returned null"));
    assertThat(
            new CallbackCheck(
                    "db",
                    () -> {
                      throw new IllegalStateException("pool empty");
                    },
                    SECOND)
                .run())
        .isEqualTo(CheckResult.fail("db threw java.lang.IllegalStateException: pool empty"));
    assertThatThrownBy(() -> CallbackCheck.of(" ", () -> true, SECOND))
        .hasMessage("description \" \" of callback check must be 1 to 100 characters");
  }

  @Test
  void reasonsAreCutAndCleaned() {
    CheckResult r = CheckResult.fail("a\tb\u0000c" + "x".repeat(500));
    assertThat(r.reason()).hasSize(CheckResult.REASON_LENGTH_MAX).startsWith("a b c");
  }

  private static void respond(com.sun.net.httpserver.HttpExchange e, int status)
      throws IOException {
    byte[] body = "body".getBytes(StandardCharsets.US_ASCII);
    e.sendResponseHeaders(status, body.length);
    try (OutputStream out = e.getResponseBody()) {
      out.write(body);
    }
  }

  private static void awaitDead(long pid) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      if (System.nanoTime() > end) {
        throw new AssertionError("process " + pid + " still alive");
      }
      Thread.sleep(10);
    }
  }
}
