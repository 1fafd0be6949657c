package io.raftvip.cli;

import io.raftvip.cli.admin.AdminChannelFactory;
import io.raftvip.cli.admin.AdminCommands;
import io.raftvip.cli.agent.AgentCommand;
import io.raftvip.cli.config.Host;
import io.raftvip.cli.config.LocalHost;
import io.raftvip.cli.demo.DemoCommand;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code raftvip} executable. Builds the picocli command tree and maps every failure to an exit
 * code and a one-line message: users see {@code raftvip: <what went wrong>}, never a stack trace,
 * unless they ask with {@code --verbose}.
 *
 * <p>{@code agent} runs the daemon ({@code cli.agent}). The admin commands ({@code status}, {@code
 * vip}, {@code node}, {@code leader}, {@code watch}) live in {@code cli.admin}; {@code demo} runs
 * the data-plane failover demo ({@code cli.demo}).
 */
public final class Main {

  private Main() {}

  /** Runs one command and exits the JVM with its exit code. */
  public static void main(String[] args) {
    configureLogging(args.length > 0 && args[0].equals("agent"));
    Charset charset = Charset.defaultCharset();
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, charset), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, charset), true);
    System.exit(run(LocalHost.INSTANCE, out, err, args));
  }

  /**
   * One readable line per log event on stderr (slf4j-simple reads these once, at its first use):
   * time, level, logger, message. The agent logs at INFO; other commands only warnings. Ratis and
   * gRPC internals only from WARN. A property already set (-D...) wins.
   */
  static void configureLogging(boolean agent) {
    setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", agent ? "info" : "warn");
    setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
    setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
    setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
    setIfAbsent("org.slf4j.simpleLogger.levelInBrackets", "false");
    setIfAbsent("org.slf4j.simpleLogger.log.org.apache.ratis", "warn");
    setIfAbsent("org.slf4j.simpleLogger.log.io.grpc", "warn");
    setIfAbsent("org.slf4j.simpleLogger.log.io.netty", "warn");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /**
   * Runs one command in this JVM, writing to {@code out} and {@code err}, and returns its exit code
   * (see {@link ExitCodes}). Never throws for bad input or failed commands.
   */
  public static int run(Host host, PrintWriter out, PrintWriter err, String... args) {
    try {
      CommandLine cl = newCommandLine(host);
      cl.setOut(out);
      cl.setErr(err);
      return cl.execute(args);
    } catch (RuntimeException | Error e) {
      // Building the command tree failed: a bug, but the user still gets one line by default.
      err.println("raftvip: internal error: " + describe(e));
      if (Arrays.asList(args).contains("--verbose")) {
        e.printStackTrace(err);
      }
      err.flush();
      return ExitCodes.FAILURE;
    }
  }

  /**
   * The command tree with its exception handlers; {@code host} is what {@code config check} checks
   * configs against. Set the output streams before executing.
   */
  public static CommandLine newCommandLine(Host host) {
    return newCommandLine(host, new DemoCommand());
  }

  /**
   * Like {@link #newCommandLine(Host)} with the given {@code demo} command (tests inject its
   * privilege check).
   */
  public static CommandLine newCommandLine(Host host, DemoCommand demo) {
    return newCommandLine(host, demo, AdminChannelFactory.NETTY);
  }

  /**
   * Like {@link #newCommandLine(Host, DemoCommand)} with the factory every admin command opens its
   * gRPC channels with (tests and embedders pass in-process or intercepted channels).
   */
  public static CommandLine newCommandLine(
      Host host, DemoCommand demo, AdminChannelFactory channels) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(demo, "demo");
    CommandLine config =
        new CommandLine(new ConfigCommand()).addSubcommand(new ConfigCheckCommand(host));
    CommandLine root = new CommandLine(new RaftvipCommand());
    AdminCommands.addTo(root, channels);
    root.addSubcommand(config)
        .addSubcommand(demo)
        .addSubcommand(new AgentCommand(host, Path.of("/proc/self/status")))
        .addSubcommand(new CompletionCommand())
        .addSubcommand(new CommandLine.HelpCommand());
    root.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n");
    root.getCommandSpec().usageMessage().exitCodeList(ExitCodes.help());
    config.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n");
    config.getCommandSpec().usageMessage().exitCodeList(ExitCodes.help());
    root.setExecutionExceptionHandler(EXECUTION_FAILURE);
    root.setParameterExceptionHandler(BAD_INPUT);
    return root;
  }

  /** Bad options or arguments: the message, suggestions for typos, where to find help. Exit 2. */
  private static final IParameterExceptionHandler BAD_INPUT =
      (ParameterException e, String[] args) -> {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("raftvip: " + e.getMessage());
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println(
            "Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return ExitCodes.USAGE;
      };

  /**
   * A command threw: one line, the trace only with --verbose. Exit 1, or the code a {@link
   * CommandFailedException} carries (its message is complete, so no "--verbose" hint).
   */
  private static final IExecutionExceptionHandler EXECUTION_FAILURE =
      (Exception e, CommandLine cmd, ParseResult parsed) -> {
        PrintWriter err = cmd.getErr();
        err.println("raftvip: " + describe(e));
        boolean described = e instanceof CommandFailedException;
        if (verbose(parsed)) {
          e.printStackTrace(err);
        } else if (!described) {
          err.println("(run with --verbose for details)");
        }
        err.flush();
        return described ? ((CommandFailedException) e).exitCode() : ExitCodes.FAILURE;
      };

  /** True when --verbose was given at any level of the command line. */
  private static boolean verbose(ParseResult parsed) {
    // A bounded walk: the tree is three levels deep.
    ParseResult level = parsed;
    for (int depth = 0; level != null && depth < 16; depth++) {
      if (level.hasMatchedOption("--verbose")) {
        return true;
      }
      level = level.subcommand();
    }
    return false;
  }

  /** The message, or the exception's kind when it has none. */
  static String describe(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    return message;
  }
}
