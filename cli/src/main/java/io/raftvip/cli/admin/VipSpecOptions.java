package io.raftvip.cli.admin;

import io.raftvip.proto.admin.v1.VipSpec;
import io.raftvip.proto.common.v1.IpPrefix;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The placement flags of {@code vip add} and {@code vip set} (a picocli mixin). {@code set}
 * replaces the whole spec: a flag left out takes its default, it does not keep the old value.
 */
final class VipSpecOptions {

  @Option(
      names = "--interface",
      paramLabel = "IFACE",
      description = "Interface that carries the VIP on each node (default: the node's own).")
  String interfaceName;

  @Option(
      names = "--vrid",
      paramLabel = "1..255",
      description =
          "Move the VIP with the VRRP-style virtual MAC 00:00:5e:00:01:<vrid> (IPv4) or"
              + " 00:00:5e:00:02:<vrid> (IPv6) on a macvlan (default: none).")
  Integer vrid;

  @Option(
      names = "--priority",
      paramLabel = "NODE=N",
      description =
          "Priority 0..255 of a node, repeatable; higher wins. Only listed nodes are eligible;"
              + " none given: every node, priority 100.")
  List<String> priorities = new ArrayList<>();

  @Option(
      names = "--preempt",
      description =
          "Move back to a strictly higher-priority node when it becomes eligible (after the"
              + " hold-down).")
  boolean preempt;

  @Option(
      names = "--sticky",
      description = "Stay on the current owner while it is eligible (the default).")
  boolean sticky;

  @Option(
      names = "--health-check",
      paramLabel = "NAME",
      description =
          "Health check (defined in the agents' config) that must pass on the owner, repeatable.")
  List<String> healthChecks = new ArrayList<>();

  /**
   * The spec for {@code name} at {@code cidr}, both already checked.
   *
   * @throws IllegalArgumentException naming the bad flag and value
   */
  VipSpec toSpec(String name, String cidr) {
    if (preempt && sticky) {
      throw new IllegalArgumentException("--preempt and --sticky exclude each other; give one");
    }
    VipSpec.Builder b =
        VipSpec.newBuilder()
            .setName(name)
            .setAddress(IpPrefix.newBuilder().setCidr(cidr))
            .setPreempt(preempt)
            .putAllPriorities(Inputs.priorities(priorities))
            .addAllHealthChecks(Inputs.healthChecks(healthChecks));
    if (interfaceName != null) {
      b.setInterface(Inputs.interfaceName(interfaceName));
    }
    if (vrid != null) {
      b.setVrid(Inputs.vrid(vrid));
    }
    return b.build();
  }
}
