package io.raftvip.cli.config;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A VIP definition from the file, field for field the admin API's {@code VipSpec}. The file's VIPs
 * seed the cluster once, when the Raft group is first formed; afterwards the replicated state is
 * authoritative (docs/config.md, "Which wins").
 *
 * @param name unique VIP name, a DNS label
 * @param address the address with its subnet prefix, unique across VIPs
 * @param interfaceName the interface on each node; empty = each node's {@code node.interface}
 * @param vrid 1..255 to move the VIP with a VRRP-style virtual MAC; empty = the interface's MAC
 * @param priorities node id -> 0..255, higher wins; empty = every node eligible at {@link
 *     #DEFAULT_PRIORITY}, otherwise only the listed nodes are eligible
 * @param preempt move back to a strictly higher-priority node once it is eligible (after {@code
 *     timing.move-hold-down}); false = stay on the current owner while it is eligible
 * @param healthChecks names of health checks that must pass on the owner
 */
public record VipConfig(
    String name,
    IpPrefix address,
    Optional<String> interfaceName,
    OptionalInt vrid,
    SortedMap<String, Integer> priorities,
    boolean preempt,
    List<String> healthChecks) {

  /** The priority of every node when {@code priorities} is empty. */
  public static final int DEFAULT_PRIORITY = 100;

  public VipConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(interfaceName, "interfaceName");
    Objects.requireNonNull(vrid, "vrid");
    priorities = Collections.unmodifiableSortedMap(new TreeMap<>(priorities));
    healthChecks = List.copyOf(healthChecks);
    Violations v = new Violations();
    Names.labelProblem("VIP name", name).ifPresent(m -> v.add("name", m));
    address.floatingProblem().ifPresent(m -> v.add("address", "cannot be a VIP: " + m));
    interfaceName.ifPresent(
        i -> Names.interfaceNameProblem(i).ifPresent(m -> v.add("interface", m)));
    if (vrid.isPresent()) {
      v.range("vrid", vrid.getAsInt(), 1, 255);
    }
    for (Map.Entry<String, Integer> e : priorities.entrySet()) {
      String at = "priorities." + e.getKey();
      Names.nodeIdProblem(e.getKey()).ifPresent(m -> v.add(at, m));
      v.range(at, e.getValue(), 0, 255);
    }
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < healthChecks.size(); i++) {
      String check = healthChecks.get(i);
      String at = ConfigPaths.index("health-checks", i);
      Integer first = seen.putIfAbsent(check, i);
      if (first != null) {
        v.add(
            at,
            Texts.quote(check) + " is already listed at {}",
            ConfigPaths.index("health-checks", first));
      }
    }
    v.throwIfAny();
  }

  /** The interface on a node whose default is {@code nodeInterface}. */
  public String interfaceOn(String nodeInterface) {
    return interfaceName.orElse(nodeInterface);
  }

  /** The VRRP virtual MAC, {@code 00:00:5e:00:01:xx} (IPv4) or {@code 00:00:5e:00:02:xx} (IPv6). */
  public Optional<String> virtualMac() {
    if (vrid.isEmpty()) {
      return Optional.empty();
    }
    String kind = address.address().family() == IpAddress.Family.IPV4 ? "01" : "02";
    return Optional.of(String.format("00:00:5e:00:%s:%02x", kind, vrid.getAsInt()));
  }
}
