package io.raftvip.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Forks a tool from the calling thread, which must have entered a LAN namespace ({@code
 * Host.inNetns}): a child inherits the network namespace of the thread that forks it, so {@code ip
 * addr add}, {@code nft -f -} and {@code arping} run exactly as an agent living in that namespace
 * would run them (one fork+exec, no {@code ip netns exec} in between).
 *
 * <p>Because a mistake here would change the host, {@link #enter} checks before the first fork that
 * both this thread and a child are in the expected namespace, and every fork re-checks that it runs
 * on the thread that was checked. Every child is bounded by {@link #TIMEOUT_MS}.
 */
final class NamespaceFork {
  static final long TIMEOUT_MS = 10_000;

  private final String netns;
  private final Thread checkedThread;

  private NamespaceFork(String netns, Thread checkedThread) {
    this.netns = netns;
    this.checkedThread = checkedThread;
  }

  /** The result of one fork: exit code and combined stdout+stderr. */
  record Result(int exitCode, String output) {}

  /**
   * Checks that the calling thread and its children are in namespace {@code netns} and returns a
   * forker bound to this thread.
   *
   * @throws IllegalStateException if they are not
   */
  static NamespaceFork enter(String netns) throws IOException, InterruptedException {
    Object inode = Files.getAttribute(Path.of("/var/run/netns", netns), "unix:ino");
    String expected = "net:[" + inode + "]";
    String mine = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
    if (!mine.equals(expected)) {
      throw new IllegalStateException(
          "this thread is in " + mine + ", not in namespace " + netns + " " + expected);
    }
    NamespaceFork fork = new NamespaceFork(netns, Thread.currentThread());
    Result child = fork.run(List.of("readlink", "/proc/self/ns/net"), null);
    if (child.exitCode() != 0 || !child.output().trim().equals(expected)) {
      throw new IllegalStateException(
          "a forked child is in " + child.output().trim() + ", not in " + netns + " " + expected);
    }
    return fork;
  }

  /** Runs {@code command} with {@code stdin} (or none) and waits at most {@link #TIMEOUT_MS}. */
  Result run(List<String> command, String stdin) throws IOException, InterruptedException {
    if (Thread.currentThread() != checkedThread) {
      throw new IllegalStateException(
          "fork for " + netns + " from a thread whose namespace was not checked");
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (OutputStream in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    if (!p.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(
          String.join(" ", command) + " did not finish within " + TIMEOUT_MS + " ms in " + netns);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(p.exitValue(), out);
  }

  /** Like {@link #run}, but an exit code outside {@code okCodes} throws. */
  Result runExpecting(List<String> command, String stdin, int... okCodes)
      throws IOException, InterruptedException {
    Result r = run(command, stdin);
    for (int ok : okCodes) {
      if (r.exitCode() == ok) {
        return r;
      }
    }
    throw new IllegalStateException(
        String.join(" ", command)
            + " exited with "
            + r.exitCode()
            + " in "
            + netns
            + ": "
            + r.output().trim());
  }
}
