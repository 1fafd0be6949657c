package io.raftvip.coordinator.core;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What an administrator declares about a VIP. Immutable; every field is validated here, so a spec
 * that exists is a valid one.
 *
 * @param name unique name
 * @param address the address with its subnet prefix; unique across VIPs
 * @param interfaceName the interface to add the address on; empty = the node's default interface
 * @param vrid VRRP virtual router id 1..255 when the VIP uses a virtual MAC (00:00:5e:00:01:vrid
 *     for IPv4, 00:00:5e:00:02:vrid for IPv6); empty = the interface's own MAC
 * @param priorities node -> priority 0..255, higher wins; a node missing from a non-empty map may
 *     not hold the VIP; an empty map makes every node eligible with {@link #DEFAULT_PRIORITY}
 * @param preempt when true a strictly higher-priority eligible node takes the VIP over (gracefully,
 *     after the hold-down); when false the current holder keeps it while it stays eligible
 * @param healthChecks names of checks a node must report healthy to hold the VIP
 */
public record VipSpec(
    VipName name,
    VipAddress address,
    Optional<String> interfaceName,
    OptionalInt vrid,
    SortedMap<NodeId, Integer> priorities,
    boolean preempt,
    SortedSet<String> healthChecks) {

  /** The priority of every node when the priority map is empty. */
  public static final int DEFAULT_PRIORITY = 100;

  /** Linux IFNAMSIZ is 16 including the terminating NUL. */
  private static final int INTERFACE_NAME_LENGTH_MAX = 15;

  public VipSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(interfaceName, "interfaceName");
    Objects.requireNonNull(vrid, "vrid");
    Objects.requireNonNull(priorities, "priorities");
    Objects.requireNonNull(healthChecks, "healthChecks");
    interfaceName.ifPresent(VipSpec::checkInterfaceName);
    if (vrid.isPresent() && (vrid.getAsInt() < 1 || vrid.getAsInt() > 255)) {
      throw new IllegalArgumentException(
          "vrid " + vrid.getAsInt() + " of VIP " + name + " must be between 1 and 255");
    }
    for (Map.Entry<NodeId, Integer> e : priorities.entrySet()) {
      Objects.requireNonNull(e.getKey(), "priority node");
      Integer p = Objects.requireNonNull(e.getValue(), "priority");
      if (p < 0 || p > 255) {
        throw new IllegalArgumentException(
            "priority "
                + p
                + " of node "
                + e.getKey()
                + " for VIP "
                + name
                + " must be between 0 and 255");
      }
    }
    for (String check : healthChecks) {
      checkHealthCheckName(check);
    }
    priorities = Collections.unmodifiableSortedMap(new TreeMap<>(priorities));
    healthChecks = Collections.unmodifiableSortedSet(new TreeSet<>(healthChecks));
  }

  /** A spec with only a name and address: default interface, no VMAC, all nodes equal, sticky. */
  public static VipSpec of(String name, String cidr) {
    return new VipSpec(
        VipName.of(name),
        VipAddress.parse(cidr),
        Optional.empty(),
        OptionalInt.empty(),
        new TreeMap<>(),
        false,
        new TreeSet<>());
  }

  /** This spec with {@code priorities} (node -> 0..255). */
  public VipSpec withPriorities(Map<NodeId, Integer> priorities) {
    return new VipSpec(
        name, address, interfaceName, vrid, new TreeMap<>(priorities), preempt, healthChecks);
  }

  /** This spec with {@code preempt}. */
  public VipSpec withPreempt(boolean preempt) {
    return new VipSpec(name, address, interfaceName, vrid, priorities, preempt, healthChecks);
  }

  /** This spec with {@code healthChecks}. */
  public VipSpec withHealthChecks(Set<String> healthChecks) {
    return new VipSpec(
        name, address, interfaceName, vrid, priorities, preempt, new TreeSet<>(healthChecks));
  }

  /** This spec on interface {@code interfaceName}. */
  public VipSpec withInterface(String interfaceName) {
    return new VipSpec(
        name, address, Optional.of(interfaceName), vrid, priorities, preempt, healthChecks);
  }

  /** This spec with virtual router id {@code vrid}. */
  public VipSpec withVrid(int vrid) {
    return new VipSpec(
        name, address, interfaceName, OptionalInt.of(vrid), priorities, preempt, healthChecks);
  }

  /**
   * The priority of {@code node} for this VIP, or empty when the node may not hold it (missing from
   * a non-empty priority map).
   */
  public OptionalInt priorityOf(NodeId node) {
    if (priorities.isEmpty()) {
      return OptionalInt.of(DEFAULT_PRIORITY);
    }
    Integer p = priorities.get(node);
    return p == null ? OptionalInt.empty() : OptionalInt.of(p);
  }

  /** The VRRP virtual MAC, {@code 00:00:5e:00:01:xx} (IPv4) or {@code 00:00:5e:00:02:xx} (IPv6). */
  public Optional<String> virtualMac() {
    if (vrid.isEmpty()) {
      return Optional.empty();
    }
    String kind = address.family() == VipAddress.Family.IPV4 ? "01" : "02";
    return Optional.of(String.format("00:00:5e:00:%s:%02x", kind, vrid.getAsInt()));
  }

  /** True when this spec and {@code other} would share a virtual MAC on the same link. */
  public boolean sharesVirtualMacWith(VipSpec other) {
    if (vrid.isEmpty() || !vrid.equals(other.vrid) || address.family() != other.address.family()) {
      return false;
    }
    // The default interface may be any named one, so an unnamed interface conflicts with all.
    return interfaceName.isEmpty()
        || other.interfaceName.isEmpty()
        || interfaceName.equals(other.interfaceName);
  }

  private static void checkInterfaceName(String ifname) {
    if (ifname.isEmpty()
        || ifname.length() > INTERFACE_NAME_LENGTH_MAX
        || ifname.equals(".")
        || ifname.equals("..")
        || !ifname.chars().allMatch(c -> c > ' ' && c < 127 && c != '/' && c != ':')) {
      throw new IllegalArgumentException(
          "interface name \""
              + ifname
              + "\" must be 1 to 15 printable characters without '/', ':' or spaces");
    }
  }

  /** Validates a health check name: a DNS label, like VIP names. */
  public static void checkHealthCheckName(String check) {
    Objects.requireNonNull(check, "health check name");
    if (!VipName.LABEL.matcher(check).matches()) {
      throw new IllegalArgumentException(
          "health check name \""
              + check
              + "\" must be 1 to 63 characters of [a-z0-9-], not starting or ending with '-'");
    }
  }
}
