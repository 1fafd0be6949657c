package io.raftvip.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit codes of every {@code raftvip} command; scripts depend on them, so they never change
 * meaning. Listed in {@code raftvip --help}, in each admin command's help, in docs/config.md and
 * docs/cli.md.
 *
 * <p>Admin commands map the server's gRPC status to these (see {@code cli.admin.StatusMapping}):
 * INVALID_ARGUMENT is {@link #USAGE}, UNAVAILABLE and DEADLINE_EXCEEDED are {@link #UNAVAILABLE},
 * NOT_FOUND is {@link #NOT_FOUND}, ALREADY_EXISTS, FAILED_PRECONDITION and OUT_OF_RANGE are {@link
 * #REJECTED}, UNAUTHENTICATED and PERMISSION_DENIED are {@link #DENIED}; anything else is {@link
 * #FAILURE}.
 */
public final class ExitCodes {

  /** The command did what was asked. */
  public static final int OK = 0;

  /** It could not: an I/O error, an unexpected exception, a failed operation. */
  public static final int FAILURE = 1;

  /**
   * The input was wrong: bad options or arguments, or an invalid config file; for admin commands
   * also a request the server refused as malformed (INVALID_ARGUMENT). Fix the input, not the
   * cluster.
   */
  public static final int USAGE = 2;

  /**
   * Admin commands: no quorum, no node reachable, or the deadline passed (a change may still
   * commit: read it back before retrying). Safe to retry later.
   */
  public static final int UNAVAILABLE = 3;

  /** Admin commands: the named VIP or node does not exist (NOT_FOUND). */
  public static final int NOT_FOUND = 4;

  /**
   * Admin commands: valid, but the cluster's state forbids it (ALREADY_EXISTS, FAILED_PRECONDITION,
   * OUT_OF_RANGE). Retrying the same request will fail the same way.
   */
  public static final int REJECTED = 5;

  /** Admin commands: missing or wrong credentials (UNAUTHENTICATED, PERMISSION_DENIED). */
  public static final int DENIED = 6;

  /** What picocli prints under "Exit codes:" in the help of commands without their own list. */
  static Map<String, String> help() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(Integer.toString(OK), "success");
    m.put(Integer.toString(FAILURE), "runtime failure (I/O error, unexpected error)");
    m.put(Integer.toString(USAGE), "usage error or invalid configuration");
    m.put(Integer.toString(UNAVAILABLE), "no quorum or node unreachable (admin commands)");
    m.put(Integer.toString(NOT_FOUND), "no such VIP or node (admin commands)");
    m.put(Integer.toString(REJECTED), "refused by the cluster's state (admin commands)");
    m.put(Integer.toString(DENIED), "missing or wrong credentials (admin commands)");
    return m;
  }

  /** The "Exit codes:" list of the admin commands ({@code status}, {@code vip ...}, ...). */
  public static Map<String, String> adminHelp() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(Integer.toString(OK), "success");
    m.put(Integer.toString(FAILURE), "unexpected failure (unknown server error, I/O error)");
    m.put(
        Integer.toString(USAGE),
        "bad options or arguments, checked before any call; or INVALID_ARGUMENT from the server");
    m.put(
        Integer.toString(UNAVAILABLE),
        "no node reachable, no quorum (UNAVAILABLE), or --timeout passed (DEADLINE_EXCEEDED: a"
            + " change may still commit; read it back before retrying)");
    m.put(Integer.toString(NOT_FOUND), "the VIP or node does not exist (NOT_FOUND)");
    m.put(
        Integer.toString(REJECTED),
        "refused by the cluster's state (ALREADY_EXISTS, FAILED_PRECONDITION, OUT_OF_RANGE)");
    m.put(
        Integer.toString(DENIED),
        "missing or wrong credentials (UNAUTHENTICATED, PERMISSION_DENIED)");
    return m;
  }

  private ExitCodes() {}
}
