package io.raftvip.cli.admin;

import io.raftvip.cli.ExitCodes;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/**
 * Puts the admin commands ({@code status}, {@code vip}, {@code node}, {@code leader}, {@code
 * watch}) into a {@code raftvip} command tree, all getting their channels from one {@link
 * AdminChannelFactory}.
 */
public final class AdminCommands {

  private AdminCommands() {}

  /** Adds the admin commands to {@code root}, in help order. */
  public static void addTo(CommandLine root, AdminChannelFactory channels) {
    Objects.requireNonNull(channels, "channels");
    IFactory factory = new Factory(channels);
    for (Class<?> c :
        new Class<?>[] {
          StatusCommand.class,
          VipCommand.class,
          NodeCommand.class,
          LeaderCommand.class,
          WatchCommand.class
        }) {
      CommandLine cl = new CommandLine(c, factory);
      documentExitCodes(cl, 0);
      root.addSubcommand(cl);
    }
  }

  /** Every admin command lists the admin exit codes in its help. */
  private static void documentExitCodes(CommandLine cl, int depth) {
    if (depth > 4) {
      throw new IllegalStateException("admin command tree deeper than expected");
    }
    cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n");
    cl.getCommandSpec().usageMessage().exitCodeList(ExitCodes.adminHelp());
    for (CommandLine sub : cl.getSubcommands().values()) {
      documentExitCodes(sub, depth + 1);
    }
  }

  /** Picocli's factory, plus the channel factory for every admin command it creates. */
  private static final class Factory implements IFactory {

    private final AdminChannelFactory channels;

    Factory(AdminChannelFactory channels) {
      this.channels = channels;
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
      K object = CommandLine.defaultFactory().create(cls);
      if (object instanceof AdminCommand command) {
        command.channels = channels;
      }
      return object;
    }
  }
}
