package io.raftvip.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The root {@code raftvip} command: global options only; the work is in the subcommands. */
@Command(
    name = "raftvip",
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    usageHelpAutoWidth = true,
    description = "Raft-backed high-availability coordinator for floating (virtual) IP addresses.",
    footerHeading = "%n",
    footer = "Docs: docs/cli.md (commands), docs/config.md (configuration), docs/architecture.md.")
final class RaftvipCommand {

  /** Read by the exception handler through the parse result, from any subcommand level. */
  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Show the stack trace when a command fails.")
  boolean verbose;
}
