package io.raftvip.cli.config;

import java.util.Objects;

/**
 * One voting member of the Raft group.
 *
 * @param id the member's node id (its Ratis peer id)
 * @param raftAddress where the other members reach its Raft server
 * @param adminAddress where clients reach its admin API
 */
public record PeerConfig(String id, HostPort raftAddress, HostPort adminAddress) {

  public PeerConfig {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(raftAddress, "raftAddress");
    Objects.requireNonNull(adminAddress, "adminAddress");
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
    v.throwIfAny();
  }
}
