package io.raftvip.bench.failover;

import io.raftvip.testlan.Host;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** CPU time and memory of the daemons' processes, read from /proc (and jcmd for the JVM heap). */
final class ProcStats {
  private ProcStats() {}

  /** USER_HZ on Linux: /proc/PID/stat counts CPU time in 1/100 s. */
  static final long TICKS_PER_SECOND = 100;

  private static final Pattern HEAP_USED = Pattern.compile("total (\\d+)K, used (\\d+)K");

  /** utime + stime of every pid in ms; processes that are gone count 0. */
  static long cpuMs(List<Long> pids) {
    long ticks = 0;
    for (long pid : pids) {
      try {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // Fields after the command name, which is in parentheses and may contain spaces.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
      } catch (IOException | RuntimeException e) {
        // gone: nothing to add
      }
    }
    return ticks * 1000 / TICKS_PER_SECOND;
  }

  /** CPU ms per pid now (see {@link #cpuMs}). */
  static java.util.Map<Long, Long> cpuMsByPid(List<Long> pids) {
    java.util.Map<Long, Long> out = new java.util.LinkedHashMap<>();
    for (long pid : pids) {
      out.put(pid, cpuMs(List.of(pid)));
    }
    return out;
  }

  /**
   * CPU ms used since {@code before} by the processes that still run (a killed process's last
   * figures are gone with it, so it is left out).
   */
  static long cpuDeltaMs(java.util.Map<Long, Long> before) {
    long sum = 0;
    for (java.util.Map.Entry<Long, Long> e : before.entrySet()) {
      if (Files.exists(Path.of("/proc/" + e.getKey() + "/stat"))) {
        sum += Math.max(0, cpuMs(List.of(e.getKey())) - e.getValue());
      }
    }
    return sum;
  }

  /** Resident set size of every pid in KiB. */
  static long rssKiB(List<Long> pids) {
    long kib = 0;
    for (long pid : pids) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
          if (line.startsWith("VmRSS:")) {
            kib += Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
      } catch (IOException | RuntimeException e) {
        // gone
      }
    }
    return kib;
  }

  /** Used Java heap of a JVM in KiB ({@code jcmd PID GC.heap_info}, run in its namespace); -1. */
  static long heapUsedKiB(Host host, long pid) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    String out =
        host.exec(
                List.of(jcmd.toString(), Long.toString(pid), "GC.heap_info"),
                "",
                Duration.ofSeconds(30))
            .stdout();
    long used = 0;
    boolean found = false;
    Matcher m = HEAP_USED.matcher(out);
    while (m.find()) {
      // Serial/G1 print one "total ..K, used ..K" line per generation or for the whole heap.
      used += Long.parseLong(m.group(2));
      found = true;
    }
    return found ? used : -1;
  }
}
