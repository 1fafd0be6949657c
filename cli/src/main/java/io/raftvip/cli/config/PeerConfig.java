package io.raftvip.cli.config;

import java.util.Objects;

/**
 * One voting member of the Raft group.
 *
 * @param id the member's node id (its Ratis peer id)
 * @param raftAddress where the other members reach its Raft server
 * @param adminAddress where clients reach its admin API
 * @param leaseAddress where the leader reaches its lease service (raftvip.peer.v1); {@code lease:}
 *     in the file, default: the raft host at the raft port + 1
 */
public record PeerConfig(
    String id, HostPort raftAddress, HostPort adminAddress, HostPort leaseAddress) {

  /** A peer whose lease service listens on the raft host at the raft port + 1. */
  public static PeerConfig withDefaultLease(
      String id, HostPort raftAddress, HostPort adminAddress) {
    Objects.requireNonNull(raftAddress, "raftAddress");
    if (raftAddress.port() == 65_535) {
      Violations v = new Violations();
      v.add(
          "lease",
          "the default lease port (raft port + 1) does not exist for raft port 65535;"
              + " give lease: host:port");
      v.throwIfAny();
    }
    return new PeerConfig(
        id, raftAddress, adminAddress, new HostPort(raftAddress.host(), raftAddress.port() + 1));
  }

  public PeerConfig {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(raftAddress, "raftAddress");
    Objects.requireNonNull(adminAddress, "adminAddress");
    Objects.requireNonNull(leaseAddress, "leaseAddress");
    Violations v = new Violations();
    Names.nodeIdProblem(id).ifPresent(m -> v.add("id", m));
    // Peers dial these addresses, so "every address" means nothing to them.
    if (raftAddress.isWildcard()) {
      v.add("raft", raftAddress + " is a wildcard; give the address other nodes dial");
    }
    if (adminAddress.isWildcard()) {
      v.add("admin", adminAddress + " is a wildcard; give the address clients dial");
    }
    if (raftAddress.equals(adminAddress)) {
      v.add("admin", "is the same endpoint as raft (" + raftAddress + "); use another port");
    }
    if (leaseAddress.isWildcard()) {
      v.add("lease", leaseAddress + " is a wildcard; give the address the leader dials");
    }
    if (leaseAddress.equals(raftAddress) || leaseAddress.equals(adminAddress)) {
      v.add(
          "lease",
          leaseAddress
              + " is the same endpoint as raft or admin; the lease service needs its own port"
              + " (default: raft port + 1)");
    }
    v.throwIfAny();
  }
}
