package io.raftvip.testlan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes namespaces left behind by earlier runs of this fixture whose JVM died without teardown
 * (SIGKILL, OOM, power). Only names of the form {@code rvt<pid><letter>...} are considered, and
 * only when that pid no longer belongs to the JVM that created them; anything else, including
 * namespaces of live runs in other JVMs, is never touched.
 */
final class StaleSweep {
  private static final Logger log = LoggerFactory.getLogger(StaleSweep.class);

  /** "rvt", the creator's pid, then the random tag, which is made of letters only. */
  static final Pattern NAME = Pattern.compile("rvt([0-9]{1,10})[a-z].*");

  static final Path NETNS_DIR = Path.of("/var/run/netns");

  /** How many namespaces one sweep looks at; a runaway leak must not make start() unbounded. */
  static final int NAMESPACES_MAX = 4_096;

  /**
   * A JVM cannot create a namespace before it started; start times come from boot time plus clock
   * ticks, so allow generous slack before calling a pid reused.
   */
  static final Duration START_TIME_SLACK = Duration.ofSeconds(5);

  private StaleSweep() {}

  /** Removes stale namespaces of earlier runs; returns the names removed. */
  static List<String> sweep() {
    List<String> removed = new ArrayList<>();
    if (!Files.isDirectory(NETNS_DIR)) {
      return removed;
    }
    List<Path> entries;
    try (Stream<Path> list = Files.list(NETNS_DIR)) {
      entries = list.limit(NAMESPACES_MAX).toList();
    } catch (IOException e) {
      log.warn("cannot list {}; skipping the stale namespace sweep", NETNS_DIR, e);
      return removed;
    }
    long ownPid = ProcessHandle.current().pid();
    for (Path entry : entries) {
      String name = entry.getFileName().toString();
      Matcher m = NAME.matcher(name);
      if (!m.matches()) {
        continue;
      }
      long pid;
      try {
        pid = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        continue;
      }
      if (pid == ownPid || !isStale(pid, entry)) {
        continue;
      }
      ExecResult result =
          Commands.run(
              List.of(Commands.tool("ip"), "netns", "del", name), null, Duration.ofSeconds(30));
      if (result.ok()) {
        log.info("removed namespace {}: its creator, pid {}, is gone", name, pid);
        removed.add(name);
      } else {
        // Another JVM's sweep may have removed it first.
        log.debug("could not remove stale namespace {}: {}", name, result.stderr().strip());
      }
    }
    return removed;
  }

  /**
   * Whether the namespace's creator is gone: no process with that pid, or the pid now belongs to
   * something that is not a JVM, or to a process that started after the namespace was created.
   */
  static boolean isStale(long pid, Path namespaceFile) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty() || !handle.get().isAlive()) {
      return true;
    }
    ProcessHandle.Info info = handle.get().info();
    Optional<String> command = info.command();
    if (command.isPresent() && !Path.of(command.get()).getFileName().toString().contains("java")) {
      return true;
    }
    Optional<Instant> started = info.startInstant();
    if (started.isPresent()) {
      try {
        Instant created = Files.getLastModifiedTime(namespaceFile).toInstant();
        if (started.get().isAfter(created.plus(START_TIME_SLACK))) {
          return true;
        }
      } catch (IOException e) {
        return false; // cannot tell: keep it, a live run may own it
      }
    }
    return false;
  }
}
