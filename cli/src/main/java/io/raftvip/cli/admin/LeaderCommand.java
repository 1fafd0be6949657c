package io.raftvip.cli.admin;

import io.raftvip.cli.ExitCodes;
import io.raftvip.cli.admin.ConnectionOptions.Settings;
import io.raftvip.cli.admin.StatusMapping.Request;
import io.raftvip.proto.admin.v1.TransferLeadershipRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code raftvip leader ...}: the Raft leader. */
@Command(
    name = "leader",
    description = "Work with the Raft leader.",
    subcommands = {LeaderCommand.TransferLeader.class})
final class LeaderCommand {

  private LeaderCommand() {}

  @Command(
      name = "transfer",
      description = {
        "Hand Raft leadership to another node and wait until it leads (or --timeout passes:"
            + " exit 3, check with raftvip status).",
      })
  static final class TransferLeader extends AdminCommand {

    @Option(
        names = "--to",
        paramLabel = "NODE",
        description = "The new leader (default: any other node).")
    String target;

    @Option(
        names = "--progress",
        paramLabel = "WHEN",
        defaultValue = "auto",
        description = {
          "Progress lines on stderr: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}: when"
              + " stderr is a terminal).",
        })
    Progress.Mode progressMode;

    @Override
    void checkInput() {
      if (target != null) {
        Inputs.nodeId("--to node id", target);
      }
    }

    @Override
    int execute(AdminClient client, Settings settings) {
      Progress progress = Progress.create(progressMode, err());
      progress.report("transferring leadership to " + (target == null ? "any other node" : target));
      String newLeader =
          client
              .call(
                  Request.write(
                      "leadership transfer",
                      target == null ? "the leader" : "node \"" + target + "\"",
                      "raftvip status"),
                  stub ->
                      stub.transferLeadership(
                          TransferLeadershipRequest.newBuilder()
                              .setTargetNode(target == null ? "" : target)
                              .build()))
              .getNewLeader();
      progress.report(newLeader + " leads (" + progress.elapsedMs() + " ms)");
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("newLeader", newLeader);
      print(settings, () -> json, () -> "leader: " + newLeader + "\n");
      return ExitCodes.OK;
    }
  }
}
