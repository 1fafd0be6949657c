package io.raftvip.testlan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Starting and watching child JVMs in tests, all bounded. */
final class ChildJvms {
  static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private ChildJvms() {}

  /** A JVM in the root namespace running {@code main}; output to {@code log}. */
  static Process startInRoot(Class<?> main, Path log) throws IOException {
    return new ProcessBuilder(
            Host.javaBinary(), "-cp", System.getProperty("java.class.path"), main.getName())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /** Waits for a line starting with {@code marker} in {@code log}; returns it. */
  static String awaitLine(Process process, Path log, String marker) throws Exception {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() - deadline < 0) {
      Optional<String> line = findLine(log, marker);
      if (line.isPresent()) {
        return line.get();
      }
      if (!process.isAlive()) {
        throw new AssertionError(
            "child exited with " + process.exitValue() + " before " + marker + ": " + read(log));
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no " + marker + " within " + READY_TIMEOUT + ": " + read(log));
  }

  static String read(Path log) throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  private static Optional<String> findLine(Path log, String marker) throws IOException {
    List<String> lines = read(log).lines().toList();
    return lines.stream().filter(l -> l.startsWith(marker)).findFirst();
  }
}
