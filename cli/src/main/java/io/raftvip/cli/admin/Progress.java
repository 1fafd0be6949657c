package io.raftvip.cli.admin;

import com.sun.jna.Function;
import java.io.PrintWriter;
import java.util.Objects;

/**
 * Progress lines of commands that wait ({@code vip move}, {@code node drain}, {@code leader
 * transfer}) on stderr: one line per change of state, each line once, so that stdout stays the
 * result alone. Off unless stderr is a terminal or {@code --progress=always}.
 */
final class Progress {

  /** When to print progress. */
  enum Mode {
    auto,
    always,
    never
  }

  private static final int STDERR_FD = 2;

  private final PrintWriter err;
  private final boolean enabled;
  private final long startNs;
  private String last = "";

  private Progress(PrintWriter err, boolean enabled) {
    this.err = Objects.requireNonNull(err, "err");
    this.enabled = enabled;
    this.startNs = System.nanoTime();
  }

  static Progress create(Mode mode, PrintWriter err) {
    boolean on =
        switch (mode) {
          case always -> true;
          case never -> false;
          case auto -> stderrIsTerminal();
        };
    return new Progress(err, on);
  }

  /** Prints {@code line} with the time since the start, unless it is the same as the last one. */
  void report(String line) {
    if (!enabled || line.equals(last)) {
      return;
    }
    last = line;
    err.println("[" + elapsedMs() + " ms] " + line);
    err.flush();
  }

  /** Milliseconds since this command started waiting. */
  long elapsedMs() {
    return (System.nanoTime() - startNs) / 1_000_000;
  }

  /** isatty(2) through libc; false where that cannot be asked (then no progress, never garbage). */
  static boolean stderrIsTerminal() {
    try {
      return Function.getFunction("c", "isatty").invokeInt(new Object[] {STDERR_FD}) == 1;
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }
}
