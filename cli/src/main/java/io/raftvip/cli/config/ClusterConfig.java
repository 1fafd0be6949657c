package io.raftvip.cli.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The Raft group: its id and every voting member, this node included.
 *
 * @param id the Raft group id; all members must agree on it
 * @param peers the voting members in file order: 3, or 1 for tests (warned)
 */
public record ClusterConfig(UUID id, List<PeerConfig> peers) {

  public ClusterConfig {
    Objects.requireNonNull(id, "id");
    peers = List.copyOf(peers);
    Violations v = new Violations();
    int n = peers.size();
    // An even count adds a member without adding a tolerated failure; five or more voters break
    // the leader-lease argument (a follower can vote before its lease acknowledgement lapses,
    // docs/safety.md section 7), so the coordinator refuses them too.
    if (n != 1 && n != 3) {
      v.add(
          "peers",
          "has "
              + Texts.count(n, "peer", "peers")
              + "; a quorum needs 3 voting members (1 for tests), this node included; 5 are not"
              + " supported by the lease design (docs/safety.md section 7)");
    }
    Map<String, Integer> ids = new HashMap<>();
    Map<HostPort, String> endpoints = new HashMap<>();
    for (int i = 0; i < n; i++) {
      PeerConfig p = peers.get(i);
      String at = ConfigPaths.index("peers", i);
      Integer first = ids.putIfAbsent(p.id(), i);
      if (first != null) {
        String other = ConfigPaths.index("peers", first);
        v.add(at + ".id", "peer id " + Texts.quote(p.id()) + " is also used by {}", other);
      }
      checkEndpoint(v, endpoints, p.raftAddress(), at + ".raft");
      checkEndpoint(v, endpoints, p.adminAddress(), at + ".admin");
    }
    v.throwIfAny();
  }

  private static void checkEndpoint(
      Violations v, Map<HostPort, String> seen, HostPort endpoint, String path) {
    String first = seen.putIfAbsent(endpoint, path);
    if (first != null) {
      v.add(path, endpoint + " is also used by {}", first);
    }
  }

  /** The member with {@code nodeId}, if listed. */
  public Optional<PeerConfig> peer(String nodeId) {
    return peers.stream().filter(p -> p.id().equals(nodeId)).findFirst();
  }

  /** Rules that hold but deserve a word: a one-member group has no fault tolerance. */
  public List<ConfigViolation> warnings() {
    if (peers.size() == 1) {
      return List.of(
          ConfigViolation.of(
              "peers", "a single voting member tolerates no failure; use it for tests only"));
    }
    return List.of();
  }
}
