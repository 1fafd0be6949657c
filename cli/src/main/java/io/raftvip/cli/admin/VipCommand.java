package io.raftvip.cli.admin;

import io.grpc.Deadline;
import io.raftvip.cli.CommandFailedException;
import io.raftvip.cli.ExitCodes;
import io.raftvip.cli.admin.ConnectionOptions.Settings;
import io.raftvip.cli.admin.StatusMapping.Request;
import io.raftvip.proto.admin.v1.CreateVipRequest;
import io.raftvip.proto.admin.v1.DeleteVipRequest;
import io.raftvip.proto.admin.v1.GetVipRequest;
import io.raftvip.proto.admin.v1.ListVipsRequest;
import io.raftvip.proto.admin.v1.MoveVipRequest;
import io.raftvip.proto.admin.v1.OwnershipState;
import io.raftvip.proto.admin.v1.UpdateVipRequest;
import io.raftvip.proto.admin.v1.Vip;
import io.raftvip.proto.admin.v1.VipSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code raftvip vip ...}: list, show, create, change, delete and move VIPs. */
@Command(
    name = "vip",
    description = "Manage the floating addresses (VIPs).",
    subcommands = {
      VipCommand.ListVips.class,
      VipCommand.GetVip.class,
      VipCommand.AddVip.class,
      VipCommand.SetVip.class,
      VipCommand.RemoveVip.class,
      VipCommand.MoveVip.class,
    })
final class VipCommand {

  private VipCommand() {}

  static Request readRequest(String name) {
    return Request.read("reading vip \"" + name + "\"", "vip \"" + name + "\"");
  }

  static Request writeRequest(String verb, String name) {
    return Request.write(
        verb + " of vip \"" + name + "\"", "vip \"" + name + "\"", "raftvip vip get " + name);
  }

  @Command(name = "list", description = "List every VIP with its state and owner.")
  static final class ListVips extends AdminCommand {

    @Override
    int execute(AdminClient client, Settings settings) {
      List<Vip> vips =
          client
              .call(
                  Request.read("listing VIPs", "the VIPs"),
                  stub -> stub.listVips(ListVipsRequest.getDefaultInstance()))
              .getVipsList();
      print(settings, () -> AdminJson.vips(vips), () -> AdminText.vipTable(vips));
      return ExitCodes.OK;
    }
  }

  @Command(name = "get", description = "Show one VIP: its spec, state, owner, epoch and lease.")
  static final class GetVip extends AdminCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "The VIP's name.")
    String name;

    @Override
    void checkInput() {
      Inputs.vipName(name);
    }

    @Override
    int execute(AdminClient client, Settings settings) {
      Vip v =
          client.call(
              readRequest(name),
              stub -> stub.getVip(GetVipRequest.newBuilder().setName(name).build()));
      print(settings, () -> AdminJson.vip(v), () -> AdminText.vipDetail(v));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "add",
      description = {
        "Create a VIP. Everything that can be checked here is checked before the request is"
            + " sent (exit 2); the cluster assigns an owner once the VIP is committed.",
      },
      footerHeading = "%nExample:%n",
      footer = {
        "  raftvip vip add web 198.18.0.200/24 --preempt \\",
        "      --priority n1=150 --priority n2=100",
      })
  static final class AddVip extends AdminCommand {

    @Parameters(
        index = "0",
        paramLabel = "NAME",
        description = "Unique name: [a-z0-9][a-z0-9-]{0,62}.")
    String name;

    @Parameters(
        index = "1",
        paramLabel = "ADDRESS/PREFIX",
        description = "e.g. 198.18.0.200/24 or 2001:db8::200/64 (/32, /128: no connected route).")
    String address;

    @Mixin VipSpecOptions specOptions;

    private VipSpec spec;

    @Override
    void checkInput() {
      spec = specOptions.toSpec(Inputs.vipName(name), Inputs.vipAddress(address));
    }

    @Override
    int execute(AdminClient client, Settings settings) {
      Vip v =
          client.call(
              writeRequest("creation", name),
              stub -> stub.createVip(CreateVipRequest.newBuilder().setSpec(spec).build()));
      print(settings, () -> AdminJson.vip(v), () -> AdminText.vipDetail(v));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "set",
      description = {
        "Replace the spec of a VIP: flags left out take their defaults, they do not keep the old"
            + " values. The address cannot change (rm and add instead); leave ADDRESS out to keep"
            + " it (read with one extra call).",
      })
  static final class SetVip extends AdminCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "The VIP's name.")
    String name;

    @Parameters(
        index = "1",
        arity = "0..1",
        paramLabel = "ADDRESS/PREFIX",
        description = "The VIP's current address, if given (must not differ).")
    String address;

    @Mixin VipSpecOptions specOptions;

    @Override
    void checkInput() {
      Inputs.vipName(name);
      // Checks the flags before any call, whatever the address turns out to be.
      specOptions.toSpec(name, address == null ? "198.18.0.1/32" : Inputs.vipAddress(address));
    }

    @Override
    int execute(AdminClient client, Settings settings) {
      String cidr = address;
      if (cidr == null) {
        cidr =
            client
                .call(
                    readRequest(name),
                    stub -> stub.getVip(GetVipRequest.newBuilder().setName(name).build()))
                .getSpec()
                .getAddress()
                .getCidr();
      }
      VipSpec spec = specOptions.toSpec(name, cidr);
      Vip v =
          client.call(
              writeRequest("update", name),
              stub -> stub.updateVip(UpdateVipRequest.newBuilder().setSpec(spec).build()));
      print(settings, () -> AdminJson.vip(v), () -> AdminText.vipDetail(v));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "rm",
      aliases = "delete",
      description =
          "Delete a VIP: its owner releases the address gracefully, then it is forgotten.")
  static final class RemoveVip extends AdminCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "The VIP's name.")
    String name;

    @Override
    void checkInput() {
      Inputs.vipName(name);
    }

    @Override
    int execute(AdminClient client, Settings settings) {
      client.call(
          writeRequest("deletion", name),
          stub -> stub.deleteVip(DeleteVipRequest.newBuilder().setName(name).build()));
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("deleted", name);
      print(settings, () -> json, () -> "deleted vip " + name + "\n");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "move",
      description = {
        "Move a VIP gracefully: the owner releases it first, then the target takes it. Waits"
            + " until a new owner holds it (or --timeout passes: exit 3, the move may still"
            + " complete).",
      })
  static final class MoveVip extends AdminCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "The VIP's name.")
    String name;

    @Option(
        names = "--to",
        paramLabel = "NODE",
        description = "Target node (default: the best other eligible node).")
    String target;

    @Mixin WaitOptions waitOptions;

    @Override
    void checkInput() {
      Inputs.vipName(name);
      if (target != null) {
        Inputs.nodeId("--to node id", target);
      }
    }

    @Override
    int execute(AdminClient client, Settings settings) {
      Request request = writeRequest("move", name);
      Progress progress = Progress.create(waitOptions.progress, err());
      Vip before =
          client.call(
              readRequest(name),
              stub -> stub.getVip(GetVipRequest.newBuilder().setName(name).build()));
      progress.report(
          "moving " + name + " from " + orNone(before.getOwner()) + " to " + orAny(target));
      MoveVipRequest move =
          MoveVipRequest.newBuilder()
              .setName(name)
              .setTargetNode(target == null ? "" : target)
              .build();
      Vip v = client.call(request, stub -> stub.moveVip(move));
      if (!waitOptions.noWait) {
        Deadline deadline = client.deadline();
        // Bounded by the deadline: one read per POLL_INTERVAL_MS at most.
        while (!moved(before, v)) {
          progress.report(describe(v));
          if (!pause(deadline)) {
            throw timedOut(client, request, settings);
          }
          v =
              client.call(
                  request, stub -> stub.getVip(GetVipRequest.newBuilder().setName(name).build()));
        }
        if (target != null && !target.equals(v.getOwner())) {
          throw new CommandFailedException(
              ExitCodes.FAILURE,
              "vip \""
                  + name
                  + "\" went to "
                  + v.getOwner()
                  + ", not "
                  + target
                  + " (epoch "
                  + Long.toUnsignedString(v.getEpoch())
                  + ")",
              null);
        }
        progress.report(
            "moved "
                + name
                + " to "
                + v.getOwner()
                + " (epoch "
                + Long.toUnsignedString(v.getEpoch())
                + ") in "
                + progress.elapsedMs()
                + " ms");
      }
      Vip result = v;
      print(settings, () -> AdminJson.vip(result), () -> AdminText.vipDetail(result));
      return ExitCodes.OK;
    }

    /** A new assignment is in place: owned, under a later epoch than before the move. */
    static boolean moved(Vip before, Vip now) {
      return now.getState() == OwnershipState.OWNERSHIP_STATE_OWNED
          && !now.getOwner().isEmpty()
          && Long.compareUnsigned(now.getEpoch(), before.getEpoch()) > 0;
    }

    private static String describe(Vip v) {
      return "vip "
          + v.getSpec().getName()
          + ": "
          + AdminJson.enumName(v.getState().name(), "OWNERSHIP_STATE_")
          + (v.getOwner().isEmpty() ? "" : " on " + v.getOwner())
          + (v.getMoveTarget().isEmpty() ? "" : ", moving to " + v.getMoveTarget());
    }

    private static String orNone(String s) {
      return s.isEmpty() ? "(no owner)" : s;
    }

    private static String orAny(String s) {
      return s == null ? "the best other node" : s;
    }
  }
}
