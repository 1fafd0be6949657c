package io.raftvip.cli.admin;

import io.raftvip.cli.ExitCodes;
import io.raftvip.cli.admin.ConnectionOptions.Settings;
import io.raftvip.cli.admin.StatusMapping.Request;
import io.raftvip.proto.admin.v1.ClusterStatus;
import io.raftvip.proto.admin.v1.GetClusterStatusRequest;
import picocli.CommandLine.Command;

/** {@code raftvip status}: members, leader, term, commit index and per-node health. */
@Command(
    name = "status",
    description = {
      "Show the cluster: leader and term, quorum, commit index, and every node with its status,"
          + " drain flag, VIPs and health checks, as seen by the node that answers.",
      "Exits 0 even without quorum (the output says so); 3 when no node answers.",
    })
final class StatusCommand extends AdminCommand {

  @Override
  int execute(AdminClient client, Settings settings) {
    ClusterStatus s =
        client.call(
            Request.read("cluster status", "the cluster"),
            stub -> stub.getClusterStatus(GetClusterStatusRequest.getDefaultInstance()));
    print(
        settings,
        () -> AdminJson.status(s, client.answeredBy()),
        () -> AdminText.status(s, client.answeredBy()));
    return ExitCodes.OK;
  }
}
