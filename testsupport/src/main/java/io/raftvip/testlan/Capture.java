package io.raftvip.testlan;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running tcpdump on the test LAN's bridge {@code br0}, inside the switch namespace, so it sees
 * every frame between any two hosts. Obtained from {@link TestLan#capture(String)}.
 *
 * <p>{@link #stop()} ends the capture and returns the frames; {@link #close()} also deletes the
 * capture file. Not thread-safe: use from one thread.
 */
public final class Capture implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Capture.class);

  /** Enough for Ethernet + IPv6 + ICMPv6/NDP options; keeps the file small. */
  static final int SNAP_LENGTH_BYTES = 256;

  /** tcpdump prints "listening on br0" once its socket is attached and the filter installed. */
  static final long START_TIMEOUT_MS = 5_000;

  static final long STOP_TIMEOUT_MS = 5_000;
  static final long POLL_INTERVAL_MS = 10;

  /**
   * Frames the kernel already delivered to tcpdump's ring but tcpdump has not written yet are lost
   * on SIGINT; waiting this long first lets frames sent just before stop() land in the file.
   */
  static final long SETTLE_MS = 100;

  private final TestLan lan;
  private final String filter;
  private final Path directory;
  private final Path file;
  private final Path stderrFile;
  private final Process process;
  private List<Frame> frames;
  private boolean closed;

  private Capture(
      TestLan lan, String filter, Path directory, Path stderrFile, Path file, Process process) {
    this.lan = lan;
    this.filter = filter;
    this.directory = directory;
    this.stderrFile = stderrFile;
    this.file = file;
    this.process = process;
  }

  static Capture start(TestLan lan, String switchNetns, String filter) {
    Path directory = null;
    Process process = null;
    try {
      directory = Files.createTempDirectory("rvtlan-capture-");
      Path file = directory.resolve("frames.pcap");
      Path stderrFile = directory.resolve("tcpdump.err");
      List<String> command =
          new ArrayList<>(
              List.of(
                  Commands.tool("ip"),
                  "netns",
                  "exec",
                  switchNetns,
                  Commands.tool("tcpdump"),
                  "-i",
                  TestLan.BRIDGE,
                  "-U",
                  "-w",
                  file.toString(),
                  "-s",
                  Integer.toString(SNAP_LENGTH_BYTES),
                  "--immediate-mode",
                  "-n",
                  // Debian's tcpdump otherwise drops to user tcpdump and cannot write our file.
                  "-Z",
                  "root"));
      if (filter != null && !filter.isBlank()) {
        command.add(filter);
      }
      log.debug("capture {}", command);
      process =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(stderrFile.toFile())
              .start();
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
      while (true) {
        String stderr = Files.readString(stderrFile, StandardCharsets.UTF_8);
        if (stderr.contains("listening on")) {
          break;
        }
        if (!process.isAlive()) {
          throw new TestLanException(
              "tcpdump on "
                  + switchNetns
                  + " exited with "
                  + process.exitValue()
                  + " before capturing (filter '"
                  + filter
                  + "'): "
                  + stderr.strip());
        }
        if (System.nanoTime() - deadline > 0) {
          throw new TestLanException(
              "tcpdump on "
                  + switchNetns
                  + " did not start capturing within "
                  + START_TIMEOUT_MS
                  + " ms: "
                  + stderr.strip());
        }
        Thread.sleep(POLL_INTERVAL_MS);
      }
      return new Capture(lan, filter, directory, stderrFile, file, process);
    } catch (IOException | InterruptedException | RuntimeException e) {
      if (process != null) {
        Commands.kill(process);
      }
      deleteDirectory(directory);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      if (e instanceof TestLanException t) {
        throw t;
      }
      throw new TestLanException("cannot start capture on " + switchNetns, e);
    }
  }

  /** Returns the BPF filter this capture was started with ("" for everything). */
  public String filter() {
    return filter == null ? "" : filter;
  }

  /** Returns whether tcpdump is still capturing. */
  public boolean isRunning() {
    return frames == null && process.isAlive();
  }

  /** Returns the pcap file tcpdump writes; it is deleted by {@link #close()}. */
  public Path file() {
    return file;
  }

  /**
   * Stops tcpdump (SIGINT, then SIGKILL after 5 s) and returns every captured frame in capture
   * order. Frames sent less than ~100 ms before the call may be missing. Calling it again returns
   * the same frames.
   */
  public List<Frame> stop() {
    if (frames != null) {
      return frames;
    }
    if (closed) {
      throw new IllegalStateException("capture was already closed");
    }
    try {
      Thread.sleep(SETTLE_MS);
      if (process.isAlive()) {
        Commands.signal(process.pid(), "INT");
        if (!process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
          log.warn(
              "tcpdump pid {} ignored SIGINT for {} ms; killing it",
              process.pid(),
              STOP_TIMEOUT_MS);
          Commands.kill(process);
        }
      }
      frames = List.copyOf(Pcap.parse(Files.readAllBytes(file)));
    } catch (InterruptedException e) {
      Commands.kill(process);
      Thread.currentThread().interrupt();
      throw new TestLanException("interrupted while stopping the capture", e);
    } catch (IOException e) {
      throw new TestLanException(
          "cannot read capture file " + file + ": " + readQuietly(stderrFile), e);
    }
    return frames;
  }

  /** Stops tcpdump if it still runs and deletes the capture file. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (process.isAlive()) {
        Commands.kill(process);
      }
    } finally {
      deleteDirectory(directory);
      lan.forget(this);
    }
  }

  private static String readQuietly(Path path) {
    try {
      return Files.readString(path, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "";
    }
  }

  private static void deleteDirectory(Path directory) {
    if (directory == null) {
      return;
    }
    try (var entries = Files.list(directory)) {
      entries.forEach(Commands::deleteQuietly);
    } catch (IOException e) {
      log.debug("cannot list {}", directory, e);
    }
    Commands.deleteQuietly(directory);
  }
}
