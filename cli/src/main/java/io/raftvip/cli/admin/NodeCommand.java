package io.raftvip.cli.admin;

import io.grpc.Deadline;
import io.raftvip.cli.ExitCodes;
import io.raftvip.cli.admin.ConnectionOptions.Settings;
import io.raftvip.cli.admin.StatusMapping.Request;
import io.raftvip.proto.admin.v1.AddNodeRequest;
import io.raftvip.proto.admin.v1.DrainNodeRequest;
import io.raftvip.proto.admin.v1.ListNodesRequest;
import io.raftvip.proto.admin.v1.ListVipsRequest;
import io.raftvip.proto.admin.v1.Node;
import io.raftvip.proto.admin.v1.RemoveNodeRequest;
import io.raftvip.proto.admin.v1.UndrainNodeRequest;
import io.raftvip.proto.admin.v1.Vip;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code raftvip node ...}: list, drain, undrain, add and remove cluster members. */
@Command(
    name = "node",
    description = "Manage the cluster's nodes.",
    subcommands = {
      NodeCommand.ListNodes.class,
      NodeCommand.DrainNode.class,
      NodeCommand.UndrainNode.class,
      NodeCommand.AddNode.class,
      NodeCommand.RemoveNode.class,
    })
final class NodeCommand {

  private NodeCommand() {}

  static Request writeRequest(String verb, String id) {
    return Request.write(
        verb + " of node \"" + id + "\"", "node \"" + id + "\"", "raftvip node list");
  }

  /** Abstract base of the commands on one node given by id. */
  abstract static class OneNode extends AdminCommand {

    @Parameters(index = "0", paramLabel = "ID", description = "The node's id.")
    String id;

    @Override
    void checkInput() {
      Inputs.nodeId("node id", id);
    }
  }

  @Command(
      name = "list",
      description = "List the nodes with status, role, drain flag, VIPs and health.")
  static final class ListNodes extends AdminCommand {

    @Override
    int execute(AdminClient client, Settings settings) {
      List<Node> nodes = list(client, Request.read("listing nodes", "the nodes"));
      print(settings, () -> AdminJson.nodes(nodes), () -> AdminText.nodeTable(nodes));
      return ExitCodes.OK;
    }
  }

  static List<Node> list(AdminClient client, Request request) {
    return client
        .call(request, stub -> stub.listNodes(ListNodesRequest.getDefaultInstance()))
        .getNodesList();
  }

  @Command(
      name = "drain",
      description = {
        "Move every VIP away from a node gracefully and keep new ones off it until undrained."
            + " Waits until the node owns no VIP (or --timeout passes: exit 3, the drain goes on).",
      })
  static final class DrainNode extends OneNode {

    @Mixin WaitOptions waitOptions;

    @Override
    int execute(AdminClient client, Settings settings) {
      Request request = writeRequest("drain", id);
      Progress progress = Progress.create(waitOptions.progress, err());
      progress.report("draining " + id);
      Node node =
          client.call(
              request, stub -> stub.drainNode(DrainNodeRequest.newBuilder().setId(id).build()));
      if (!waitOptions.noWait) {
        Deadline deadline = client.deadline();
        // Bounded by the deadline: one read per POLL_INTERVAL_MS at most.
        for (List<String> left = ownedBy(client, request, id);
            !left.isEmpty();
            left = ownedBy(client, request, id)) {
          progress.report(
              id
                  + ": "
                  + left.size()
                  + (left.size() == 1 ? " VIP" : " VIPs")
                  + " left: "
                  + String.join(", ", left));
          if (!pause(deadline)) {
            throw timedOut(client, request, settings);
          }
        }
        progress.report(id + " owns no VIP (" + progress.elapsedMs() + " ms)");
        for (Node n : list(client, request)) {
          if (n.getId().equals(id)) {
            node = n;
          }
        }
      }
      Node result = node;
      print(settings, () -> AdminJson.node(result), () -> AdminText.nodeDetail(result));
      return ExitCodes.OK;
    }

    /** The VIPs whose owner is still {@code id}, releasing ones included. */
    private static List<String> ownedBy(AdminClient client, Request request, String id) {
      return client
          .call(request, stub -> stub.listVips(ListVipsRequest.getDefaultInstance()))
          .getVipsList()
          .stream()
          .filter(v -> v.getOwner().equals(id))
          .map(Vip::getSpec)
          .map(s -> s.getName())
          .sorted()
          .toList();
    }
  }

  @Command(name = "undrain", description = "Let a drained node own VIPs again.")
  static final class UndrainNode extends OneNode {

    @Override
    int execute(AdminClient client, Settings settings) {
      Node node =
          client.call(
              writeRequest("undrain", id),
              stub -> stub.undrainNode(UndrainNodeRequest.newBuilder().setId(id).build()));
      print(settings, () -> AdminJson.node(node), () -> AdminText.nodeDetail(node));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "add",
      description = "Add a node to the Raft group (a configuration change); start its agent first.")
  static final class AddNode extends OneNode {

    @Option(
        names = "--raft",
        required = true,
        paramLabel = "HOST:PORT",
        description = "Where peers reach the node's Raft server.")
    String raft;

    @Option(
        names = "--admin",
        required = true,
        paramLabel = "HOST:PORT",
        description = "Where clients reach the node's admin API.")
    String admin;

    private String raftAddress;
    private String adminAddress;

    @Override
    void checkInput() {
      super.checkInput();
      raftAddress = Inputs.hostPort("--raft", raft);
      adminAddress = Inputs.hostPort("--admin", admin);
      if (raftAddress.equals(adminAddress)) {
        throw new IllegalArgumentException(
            "--raft and --admin are both " + raftAddress + "; they need different ports");
      }
    }

    @Override
    int execute(AdminClient client, Settings settings) {
      AddNodeRequest req =
          AddNodeRequest.newBuilder()
              .setId(id)
              .setRaftAddress(raftAddress)
              .setAdminAddress(adminAddress)
              .build();
      Node node = client.call(writeRequest("addition", id), stub -> stub.addNode(req));
      print(settings, () -> AdminJson.node(node), () -> AdminText.nodeDetail(node));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "rm",
      aliases = "remove",
      description = "Remove a node from the Raft group (a configuration change); drain it first.")
  static final class RemoveNode extends OneNode {

    @Override
    int execute(AdminClient client, Settings settings) {
      client.call(
          writeRequest("removal", id),
          stub -> stub.removeNode(RemoveNodeRequest.newBuilder().setId(id).build()));
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("removed", id);
      print(settings, () -> json, () -> "removed node " + id + "\n");
      return ExitCodes.OK;
    }
  }
}
