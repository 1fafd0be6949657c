package io.raftvip.cli.config;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * A named local health check that VIPs can require on their owner ({@code VipSpec.health_checks} in
 * the admin API). Each node runs its own checks and reports pass/fail through Raft.
 */
public sealed interface HealthCheckConfig
    permits HealthCheckConfig.Tcp, HealthCheckConfig.Http, HealthCheckConfig.Exec {

  /** The name VIPs refer to. */
  String name();

  /** When it runs and how results flip it. */
  CheckSchedule schedule();

  /** The {@code type:} key's value: tcp, http or exec. */
  String type();

  /**
   * Passes when a TCP connection to {@code target} opens within the timeout.
   *
   * @param name the check's name
   * @param target host:port to connect to
   * @param schedule when it runs
   */
  record Tcp(String name, HostPort target, CheckSchedule schedule) implements HealthCheckConfig {
    public Tcp {
      Objects.requireNonNull(target, "target");
      Violations v = checkCommon(name, schedule);
      v.throwIfAny();
    }

    @Override
    public String type() {
      return "tcp";
    }
  }

  /**
   * Passes when a GET of {@code url} answers {@code expectStatus} within the timeout.
   *
   * @param name the check's name
   * @param url http:// or https:// URL with a host
   * @param expectStatus the status code that means healthy, 100..599
   * @param schedule when it runs
   */
  record Http(String name, URI url, int expectStatus, CheckSchedule schedule)
      implements HealthCheckConfig {

    /** {@code expect-status} when the file gives none. */
    public static final int DEFAULT_EXPECT_STATUS = 200;

    public Http {
      Objects.requireNonNull(url, "url");
      Violations v = checkCommon(name, schedule);
      String scheme = url.getScheme();
      if (scheme == null
          || !(scheme.equals("http") || scheme.equals("https"))
          || url.getHost() == null) {
        v.add(
            "url",
            "must be an http:// or https:// URL with a host, got " + Texts.quote(url.toString()));
      }
      v.range("expect-status", expectStatus, 100, 599);
      v.throwIfAny();
    }

    @Override
    public String type() {
      return "http";
    }
  }

  /**
   * Runs a program without a shell; exit status 0 within the timeout passes. The program is killed
   * at the timeout.
   *
   * @param name the check's name
   * @param command the absolute path of the program, then its arguments
   * @param schedule when it runs
   */
  record Exec(String name, List<String> command, CheckSchedule schedule)
      implements HealthCheckConfig {

    static final int ARGUMENT_COUNT_MAX = 64;

    public Exec {
      command = List.copyOf(command);
      Violations v = checkCommon(name, schedule);
      if (command.isEmpty()) {
        v.add("command", "must name a program, e.g. [\"/usr/local/bin/check\", \"--quiet\"]");
      } else if (command.size() > ARGUMENT_COUNT_MAX) {
        v.add("command", "has " + command.size() + " elements, at most " + ARGUMENT_COUNT_MAX);
      } else if (!command.get(0).startsWith("/")) {
        // No PATH lookup: the daemon's PATH is not the operator's shell's.
        v.add(
            "command[0]",
            "must be an absolute path (no PATH lookup), got " + Texts.quote(command.get(0)));
      }
      v.throwIfAny();
    }

    @Override
    public String type() {
      return "exec";
    }
  }

  private static Violations checkCommon(String name, CheckSchedule schedule) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schedule, "schedule");
    Violations v = new Violations();
    Names.labelProblem("health check name", name).ifPresent(m -> v.add("", m));
    return v;
  }
}
