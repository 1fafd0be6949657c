package io.raftvip.cli;

import picocli.CommandLine.Command;

/** {@code raftvip config ...}: work on agent config files without starting an agent. */
@Command(name = "config", description = "Work with agent configuration files.")
final class ConfigCommand {}
