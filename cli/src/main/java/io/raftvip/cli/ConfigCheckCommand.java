package io.raftvip.cli;

import io.raftvip.cli.config.AgentConfig;
import io.raftvip.cli.config.ConfigParser;
import io.raftvip.cli.config.ConfigProblem;
import io.raftvip.cli.config.ConfigResult;
import io.raftvip.cli.config.Host;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code raftvip config check FILE}: validates an agent config without starting anything, and
 * prints every problem with its line and column.
 */
@Command(
    name = "check",
    description = {
      "Validate an agent config file without starting the agent.",
      "Prints every error and warning as FILE:LINE:COLUMN: message, sorted by line, or"
          + " 'FILE: OK (...)' when the file is valid.",
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the file is valid (warnings may have been printed)",
      "1:runtime failure (e.g. the host's interfaces could not be listed)",
      "2:the file is invalid, cannot be read, or the arguments are wrong",
    })
final class ConfigCheckCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "The agent config file (YAML).")
  String file;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @Option(
      names = "--host-check",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = {
        "Also check the config against this host: the interfaces exist, listen addresses are"
            + " local, named files can be read or run. On by default; --no-host-check checks a"
            + " file meant for another machine.",
      })
  boolean hostCheck;

  private final Host host;

  ConfigCheckCommand(Host host) {
    this.host = Objects.requireNonNull(host, "host");
  }

  @Override
  public Integer call() {
    ConfigResult result = read();
    if (hostCheck) {
      result = result.checkHost(host);
    }
    if (json) {
      spec.commandLine().getOut().println(Json.write(toJson(result)));
    } else {
      printText(result);
    }
    return result.ok() ? ExitCodes.OK : ExitCodes.USAGE;
  }

  private ConfigResult read() {
    try {
      return ConfigParser.parse(Path.of(file));
    } catch (InvalidPathException e) {
      return ConfigResult.fileError(file, "not a valid path: " + e.getReason());
    }
  }

  private void printText(ConfigResult result) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    for (ConfigProblem p : result.problems()) {
      err.println(p.format());
    }
    if (result.ok()) {
      out.println(file + ": OK (" + summary(result.config().orElseThrow()) + ")");
    } else {
      int errors = result.errors().size();
      err.println(file + ": " + errors + (errors == 1 ? " error" : " errors"));
    }
    out.flush();
    err.flush();
  }

  private static String summary(AgentConfig config) {
    int peers = config.cluster().peers().size();
    int vips = config.vips().size();
    return "node "
        + config.node().id()
        + ", "
        + peers
        + (peers == 1 ? " peer, " : " peers, ")
        + vips
        + (vips == 1 ? " VIP" : " VIPs");
  }

  private Map<String, Object> toJson(ConfigResult result) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("file", file);
    root.put("ok", result.ok());
    root.put("hostChecked", hostCheck && result.config().isPresent());
    result
        .config()
        .filter(c -> result.ok())
        .ifPresent(
            c -> {
              Map<String, Object> summary = new LinkedHashMap<>();
              summary.put("node", c.node().id());
              summary.put("clusterId", c.cluster().id().toString());
              summary.put("peers", c.cluster().peers().size());
              summary.put("vips", c.vips().size());
              root.put("summary", summary);
            });
    root.put("errors", result.errors().size());
    root.put("warnings", result.warnings().size());
    List<Object> problems = new ArrayList<>();
    for (ConfigProblem p : result.problems()) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("severity", p.severity().name().toLowerCase(Locale.ROOT));
      item.put("line", p.line());
      item.put("column", p.column());
      item.put("path", p.path());
      item.put("message", p.message());
      item.put("text", p.format());
      problems.add(item);
    }
    root.put("problems", problems);
    return root;
  }
}
