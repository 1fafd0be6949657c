package io.raftvip.cli.admin;

import picocli.CommandLine.Option;

/** Options of the commands that wait for the cluster to converge (a picocli mixin). */
final class WaitOptions {

  @Option(
      names = "--no-wait",
      description = "Return once the request is committed, without waiting for the outcome.")
  boolean noWait;

  @Option(
      names = "--progress",
      paramLabel = "WHEN",
      defaultValue = "auto",
      description = {
        "Progress lines on stderr: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}: when"
            + " stderr is a terminal).",
      })
  Progress.Mode progress;
}
