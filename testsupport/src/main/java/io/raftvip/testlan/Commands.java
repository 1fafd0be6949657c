package io.raftvip.testlan;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs external commands with a timeout and checks the environment (root, tools). Outputs go to
 * temporary files rather than pipes so that a grandchild which keeps a pipe open can never block us
 * after the timeout.
 */
final class Commands {
  private static final Logger log = LoggerFactory.getLogger(Commands.class);

  static final String ROOT_MESSAGE =
      "namespace tests need root or CAP_NET_ADMIN+CAP_NET_RAW; run as root, or exclude them with"
          + " -DexcludedGroups=netns";

  /** How long a killed process gets to disappear before we report it. */
  static final Duration KILL_WAIT = Duration.ofSeconds(10);

  private static final File DEV_NULL = new File("/dev/null");

  /** Tool -> Debian package that ships it, for the error message. */
  private static final Map<String, String> TOOLS =
      Map.of(
          "ip",
          "iproute2",
          "nft",
          "nftables",
          "tcpdump",
          "tcpdump",
          "kill",
          "procps",
          "sysctl",
          "procps");

  /** Directories searched besides PATH: root's sbin directories are not on every PATH. */
  private static final List<String> EXTRA_DIRS = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");

  private static final Map<String, String> resolved = new HashMap<>();

  private Commands() {}

  /** Absolute path of {@code tool}, or a TestLanException naming the Debian package. */
  static synchronized String tool(String tool) {
    String path = resolved.get(tool);
    if (path != null) {
      return path;
    }
    List<String> dirs = new ArrayList<>();
    String env = System.getenv("PATH");
    if (env != null) {
      dirs.addAll(List.of(env.split(File.pathSeparator)));
    }
    dirs.addAll(EXTRA_DIRS);
    for (String dir : dirs) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, tool);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        resolved.put(tool, candidate.toString());
        return candidate.toString();
      }
    }
    throw new TestLanException(
        "command '"
            + tool
            + "' not found on PATH or in /usr/sbin, /sbin; install the Debian package "
            + TOOLS.getOrDefault(tool, tool));
  }

  static void requireTools() {
    for (String tool : List.of("ip", "nft", "tcpdump", "kill", "sysctl")) {
      tool(tool);
    }
  }

  /**
   * Whether this process may build namespaces: effective uid 0, or CAP_SYS_ADMIN (netns mounts,
   * setns), CAP_NET_ADMIN and CAP_NET_RAW in the effective set.
   */
  static boolean hasNamespacePrivileges() {
    List<String> status;
    try {
      status = Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/self/status", e);
    }
    long capEff = 0;
    for (String line : status) {
      String[] f = line.trim().split("\\s+");
      if (f[0].equals("Uid:") && f.length >= 3 && f[2].equals("0")) {
        return true;
      }
      if (f[0].equals("CapEff:") && f.length >= 2) {
        capEff = Long.parseUnsignedLong(f[1], 16);
      }
    }
    long needed = (1L << 12) | (1L << 13) | (1L << 21); // NET_ADMIN, NET_RAW, SYS_ADMIN
    return (capEff & needed) == needed;
  }

  /**
   * Runs {@code command} to completion, at most {@code timeout}. On timeout the process and its
   * descendants are killed and a TestLanException names the command.
   *
   * @param stdin text fed to the command's standard input, or null for /dev/null
   */
  static ExecResult run(List<String> command, String stdin, Duration timeout) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command must not be empty");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    Path out = null;
    Path err = null;
    Path in = null;
    try {
      out = Files.createTempFile("rvtlan-", ".out");
      err = Files.createTempFile("rvtlan-", ".err");
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      if (stdin == null) {
        builder.redirectInput(DEV_NULL);
      } else {
        in = Files.createTempFile("rvtlan-", ".in");
        Files.writeString(in, stdin, StandardCharsets.UTF_8);
        builder.redirectInput(in.toFile());
      }
      log.debug("exec {}", command);
      Process process = builder.start();
      boolean finished;
      try {
        finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        kill(process);
        Thread.currentThread().interrupt();
        throw new TestLanException("interrupted while running: " + String.join(" ", command), e);
      }
      if (!finished) {
        kill(process);
        throw new TestLanException(
            String.format(
                Locale.ROOT,
                "command did not finish within %d ms: %s",
                timeout.toMillis(),
                String.join(" ", command)));
      }
      return new ExecResult(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new TestLanException("cannot run: " + String.join(" ", command), e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
      deleteQuietly(in);
    }
  }

  static ExecResult runOrThrow(List<String> command, String stdin, Duration timeout) {
    ExecResult result = run(command, stdin, timeout);
    if (!result.ok()) {
      throw new ExecFailedException(command, result);
    }
    return result;
  }

  /**
   * Kills a process we started and everything it started, then waits (bounded) for it to go.
   * Returns whether it is gone.
   */
  static boolean kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      return process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  /** Sends a signal by name (e.g. "STOP", "INT") to one process with kill(1). */
  static void signal(long pid, String signal) {
    if (!signal.matches("[A-Z][A-Z0-9+-]{0,15}")) {
      throw new IllegalArgumentException(
          "signal must be a name like STOP, CONT, KILL or INT, was " + signal);
    }
    if (pid <= 1) {
      throw new IllegalArgumentException("refusing to signal pid " + pid);
    }
    runOrThrow(
        List.of(tool("kill"), "-s", signal, Long.toString(pid)), null, Duration.ofSeconds(10));
  }

  static void deleteQuietly(Path path) {
    if (path == null) {
      return;
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      log.debug("cannot delete {}", path, e);
    }
  }
}
