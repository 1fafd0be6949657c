package io.raftvip.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit codes of every {@code raftvip} command; scripts depend on them, so they never change
 * meaning. Listed in {@code raftvip --help} and docs/config.md.
 */
public final class ExitCodes {

  /** The command did what was asked. */
  public static final int OK = 0;

  /** It could not: an I/O error, an unexpected exception, a failed operation. */
  public static final int FAILURE = 1;

  /** The input was wrong: bad options or arguments, or an invalid config file. */
  public static final int USAGE = 2;

  /** Reserved for admin commands: no quorum, or no node reachable. Safe to retry later. */
  public static final int UNAVAILABLE = 3;

  /** What picocli prints under "Exit codes:" in the help of commands without their own list. */
  static Map<String, String> help() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(Integer.toString(OK), "success");
    m.put(Integer.toString(FAILURE), "runtime failure (I/O error, unexpected error)");
    m.put(Integer.toString(USAGE), "usage error or invalid configuration");
    m.put(Integer.toString(UNAVAILABLE), "no quorum or node unreachable (admin commands)");
    return m;
  }

  private ExitCodes() {}
}
