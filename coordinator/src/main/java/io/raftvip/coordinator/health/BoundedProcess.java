package io.raftvip.coordinator.health;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Runs one external command with a deadline and a bounded output buffer, on the calling thread: no
 * helper threads, so a hung script costs nothing but its own process. Used by {@link ExecCheck} and
 * the notify hooks.
 *
 * <p>stdin is /dev/null, stderr is merged into stdout, and output is drained while the command runs
 * (so a chatty script never blocks on a full pipe) but only the first {@code outputBytesMax} bytes
 * are kept. On timeout or interrupt the process and every descendant it had at that moment are
 * killed (SIGKILL) by PID: only processes this call started, never a process group or name.
 */
public final class BoundedProcess {

  /** How often the deadline and the output are looked at while the command runs. */
  static final long POLL_MS = 5;

  /** How long to wait for a killed process to be reaped. */
  static final long REAP_WAIT_MS = 1_000;

  /** Most bytes one drain reads (and mostly discards) before looking at the deadline again. */
  static final int DRAIN_BYTES_MAX = 1 << 20;

  /** Most arguments and characters per argument a command may have. */
  static final int ARGUMENTS_MAX = 64;

  static final int ARGUMENT_LENGTH_MAX = 4096;

  private BoundedProcess() {}

  /**
   * How a run ended.
   *
   * @param pid the process id of the started command
   * @param exitCode its exit code, empty when it was killed on timeout
   * @param output the first bytes of stdout+stderr (UTF-8, malformed bytes replaced)
   * @param killed processes killed on timeout (the command and its descendants), 0 otherwise
   * @param elapsedMs wall time from start to exit or kill
   */
  public record Outcome(long pid, OptionalInt exitCode, String output, int killed, long elapsedMs) {
    public Outcome {
      Objects.requireNonNull(exitCode, "exitCode");
      Objects.requireNonNull(output, "output");
    }

    public boolean timedOut() {
      return exitCode.isEmpty();
    }

    /** The first non-blank output line, or empty. */
    public String firstLine() {
      for (String line : output.split("\n", 8)) {
        if (!line.isBlank()) {
          return line.strip();
        }
      }
      return "";
    }
  }

  /** Validates a command line: 1..64 arguments of 1..4096 characters without NUL. */
  public static List<String> checkCommand(List<String> command, String of) {
    Objects.requireNonNull(command, "command of " + of);
    if (command.isEmpty() || command.size() > ARGUMENTS_MAX) {
      throw new IllegalArgumentException(
          "command of "
              + of
              + " must have 1 to "
              + ARGUMENTS_MAX
              + " arguments, not "
              + command.size());
    }
    for (int i = 0; i < command.size(); i++) {
      String a = command.get(i);
      if (a == null) {
        throw new NullPointerException("argument " + i + " of the command of " + of);
      }
      if ((i == 0 && a.isBlank()) || a.length() > ARGUMENT_LENGTH_MAX || a.indexOf('\0') >= 0) {
        throw new IllegalArgumentException(
            "argument "
                + i
                + " of the command of "
                + of
                + " must be at most "
                + ARGUMENT_LENGTH_MAX
                + " characters without NUL"
                + (i == 0 ? " and not blank" : ""));
      }
    }
    return List.copyOf(command);
  }

  /**
   * Runs {@code command} (already validated) for at most {@code timeout}.
   *
   * @throws IOException when the command cannot be started
   * @throws InterruptedException when interrupted; the process tree is killed first
   */
  public static Outcome run(List<String> command, Duration timeout, int outputBytesMax)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectInput(new File("/dev/null"))
            .start();
    ByteArrayOutputStream kept = new ByteArrayOutputStream(Math.min(outputBytesMax, 4096));
    boolean exited = false;
    int killed = 0;
    try (InputStream in = p.getInputStream()) {
      while (true) {
        drain(in, kept, outputBytesMax);
        if (p.waitFor(POLL_MS, TimeUnit.MILLISECONDS)) {
          exited = true;
          break;
        }
        if (System.nanoTime() - deadline >= 0) {
          break;
        }
      }
      if (exited) {
        drain(in, kept, outputBytesMax);
      }
    } finally {
      if (!exited) {
        killed = killTree(p);
      }
    }
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    String output = kept.toString(StandardCharsets.UTF_8);
    return new Outcome(
        p.pid(),
        exited ? OptionalInt.of(p.exitValue()) : OptionalInt.empty(),
        output,
        killed,
        elapsedMs);
  }

  /** Reads what is available without blocking; keeps at most {@code max} bytes in total. */
  private static void drain(InputStream in, ByteArrayOutputStream kept, int max)
      throws IOException {
    byte[] buf = new byte[4096];
    int read = 0;
    while (read < DRAIN_BYTES_MAX) {
      int available = in.available();
      if (available <= 0) {
        return;
      }
      int n = in.read(buf, 0, Math.min(buf.length, available));
      if (n < 0) {
        return;
      }
      read += n;
      int keep = Math.min(n, max - kept.size());
      if (keep > 0) {
        kept.write(buf, 0, keep);
      }
    }
  }

  /**
   * Kills the process and the descendants it has now, by PID. The descendants are listed first:
   * once the parent dies they are re-parented and no longer reachable from it.
   */
  private static int killTree(Process p) {
    List<ProcessHandle> descendants = p.descendants().toList();
    int killed = 0;
    if (p.isAlive()) {
      p.destroyForcibly();
      killed++;
    }
    for (ProcessHandle d : descendants) {
      if (d.isAlive() && d.destroyForcibly()) {
        killed++;
      }
    }
    try {
      p.waitFor(REAP_WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return killed;
  }
}
