package io.raftvip.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code raftvip completion}: prints the bash completion script for the whole command tree. */
@Command(
    name = "completion",
    description = {
      "Print a bash completion script for raftvip (zsh: run 'autoload -U +X bashcompinit &&"
          + " bashcompinit' first).",
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  source <(raftvip completion)                            # this shell",
      "  raftvip completion > /etc/bash_completion.d/raftvip     # every new shell",
    })
final class CompletionCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    CommandLine root = spec.root().commandLine();
    spec.commandLine().getOut().print(AutoComplete.bash(spec.root().name(), root));
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
