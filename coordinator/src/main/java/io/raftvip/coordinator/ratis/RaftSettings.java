package io.raftvip.coordinator.ratis;

import io.raftvip.coordinator.core.NodeId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Everything {@link RaftNode} passes to Ratis, explicit: no Ratis default is relied on for a value
 * that matters (STYLE "pass timeouts explicitly"). Every value is checked when the record is made,
 * and the message names the value and the rule.
 *
 * @param nodeId this node; must be one of {@code peers}
 * @param peers every voting member, this node included
 * @param groupId the Raft group id, the same on every member
 * @param storageDir where Ratis keeps this node's log, metadata and snapshots
 * @param rpcTimeoutMinMs {@code raft.server.rpc.timeout.min}: election timeout lower bound;
 *     heartbeats go every half of it; followers refuse pre-votes for this long after hearing from
 *     the leader (the lease argument, shared/reference/ratis.md A.2)
 * @param rpcTimeoutMaxMs {@code raft.server.rpc.timeout.max}: election timeout upper bound; a
 *     leader without majority responses for this long steps down
 * @param requestTimeoutMs server-to-server RPC timeout and the client's per-attempt timeout
 * @param snapshotThresholdEntries take a snapshot every this many applied entries
 * @param logSegmentSizeBytes a log segment is closed at this size; only closed segments are purged
 *     after a snapshot
 * @param logPurgeGapEntries purge the log only when at least this many entries can go
 */
public record RaftSettings(
    NodeId nodeId,
    List<Peer> peers,
    UUID groupId,
    Path storageDir,
    long rpcTimeoutMinMs,
    long rpcTimeoutMaxMs,
    long requestTimeoutMs,
    long snapshotThresholdEntries,
    long logSegmentSizeBytes,
    int logPurgeGapEntries) {

  /** Ratis' own default; the measured failover table in ratis.md A.2 is for 150/300. */
  public static final long RPC_TIMEOUT_MIN_MS_DEFAULT = 150;

  public static final long RPC_TIMEOUT_MAX_MS_DEFAULT = 300;

  /** Ratis' default server and client request timeout. */
  public static final long REQUEST_TIMEOUT_MS_DEFAULT = 3000;

  /**
   * A snapshot is one small protobuf (every VIP and node), so taking one is cheap; 10,000 entries
   * bound the log replay after a restart to well under a second at the measured apply rate.
   */
  public static final long SNAPSHOT_THRESHOLD_ENTRIES_DEFAULT = 10_000;

  /** Entries are ~100 bytes, so a segment holds ~80,000 of them. */
  public static final long LOG_SEGMENT_SIZE_BYTES_DEFAULT = 8L << 20;

  /** Ratis' default. */
  public static final int LOG_PURGE_GAP_ENTRIES_DEFAULT = 1024;

  /** The range docs/config.md gives for the timing keys raft-rpc-timeout-min/max. */
  static final long RPC_TIMEOUT_MS_MIN = 50;

  static final long RPC_TIMEOUT_MS_MAX = 60_000;

  static final long REQUEST_TIMEOUT_MS_MAX = 600_000;
  static final long LOG_SEGMENT_SIZE_BYTES_MIN = 1024;
  static final long LOG_SEGMENT_SIZE_BYTES_MAX = 1L << 30;

  /**
   * One Raft member: its id and the host:port where the others reach its Raft server. The server
   * binds to exactly this host and port.
   *
   * @param id the member
   * @param host an IP literal or name, without brackets
   * @param port 1..65535
   */
  public record Peer(NodeId id, String host, int port) {
    public Peer {
      Objects.requireNonNull(id, "peer id");
      Objects.requireNonNull(host, "host of peer " + id);
      if (host.isEmpty() || host.contains("[") || host.contains("]") || host.contains(" ")) {
        throw new IllegalArgumentException(
            "host \"" + host + "\" of peer " + id + " must be a name or IP literal, no brackets");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(
            "port " + port + " of peer " + id + " must be between 1 and 65535");
      }
    }

    /**
     * Parses {@code "host:port"} or {@code "[v6-literal]:port"}.
     *
     * @throws IllegalArgumentException naming the bad part
     */
    public static Peer parse(NodeId id, String address) {
      Objects.requireNonNull(address, "address of peer " + id);
      String host;
      String port;
      if (address.startsWith("[")) {
        int close = address.indexOf("]:");
        if (close < 0) {
          throw new IllegalArgumentException(
              "address \"" + address + "\" of peer " + id + " must be [ipv6]:port");
        }
        host = address.substring(1, close);
        port = address.substring(close + 2);
      } else {
        int colon = address.lastIndexOf(':');
        if (colon < 0 || address.indexOf(':') != colon) {
          throw new IllegalArgumentException(
              "address \"" + address + "\" of peer " + id + " must be host:port or [ipv6]:port");
        }
        host = address.substring(0, colon);
        port = address.substring(colon + 1);
      }
      if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException(
            "port \""
                + port
                + "\" in address \""
                + address
                + "\" of peer "
                + id
                + " is not a number");
      }
      return new Peer(id, host, Integer.parseInt(port));
    }

    /** {@code host:port}, with brackets around an IPv6 literal. */
    public String address() {
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
  }

  public RaftSettings {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(peers, "peers");
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(storageDir, "storageDir");
    peers = List.copyOf(peers);
    if (peers.isEmpty()) {
      throw new IllegalArgumentException("peers must list at least this node " + nodeId);
    }
    Set<NodeId> ids = new HashSet<>();
    Set<String> addresses = new HashSet<>();
    for (Peer p : peers) {
      if (!ids.add(p.id())) {
        throw new IllegalArgumentException("peer " + p.id() + " is listed twice");
      }
      if (!addresses.add(p.address())) {
        throw new IllegalArgumentException(
            "address " + p.address() + " of peer " + p.id() + " is used by another peer");
      }
    }
    if (!ids.contains(nodeId)) {
      throw new IllegalArgumentException("this node " + nodeId + " is not among peers " + ids);
    }
    checkRange("rpcTimeoutMinMs", rpcTimeoutMinMs, RPC_TIMEOUT_MS_MIN, RPC_TIMEOUT_MS_MAX);
    checkRange("rpcTimeoutMaxMs", rpcTimeoutMaxMs, RPC_TIMEOUT_MS_MIN, RPC_TIMEOUT_MS_MAX);
    if (rpcTimeoutMaxMs < rpcTimeoutMinMs) {
      throw new IllegalArgumentException(
          "rpcTimeoutMaxMs "
              + rpcTimeoutMaxMs
              + " must be >= rpcTimeoutMinMs "
              + rpcTimeoutMinMs
              + " (Ratis picks the election timeout from [min, max])");
    }
    // Below max, a client attempt would give up before an election could finish.
    checkRange("requestTimeoutMs", requestTimeoutMs, rpcTimeoutMaxMs, REQUEST_TIMEOUT_MS_MAX);
    checkRange("snapshotThresholdEntries", snapshotThresholdEntries, 1, Long.MAX_VALUE);
    checkRange(
        "logSegmentSizeBytes",
        logSegmentSizeBytes,
        LOG_SEGMENT_SIZE_BYTES_MIN,
        LOG_SEGMENT_SIZE_BYTES_MAX);
    checkRange("logPurgeGapEntries", logPurgeGapEntries, 1, Integer.MAX_VALUE);
  }

  /** This node's own peer entry. */
  public Peer self() {
    for (Peer p : peers) {
      if (p.id().equals(nodeId)) {
        return p;
      }
    }
    throw new AssertionError("checked in the constructor");
  }

  /** A majority of {@link #peers}. */
  public int quorumSize() {
    return peers.size() / 2 + 1;
  }

  /** A builder with the defaults above; node id, peers, group id and storage dir are required. */
  public static Builder builder() {
    return new Builder();
  }

  private static void checkRange(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name
              + " "
              + value
              + " must be between "
              + min
              + " and "
              + (max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? "its type's maximum" : max));
    }
  }

  /** Builds {@link RaftSettings}; each setter checks its own value at once. */
  public static final class Builder {
    private NodeId nodeId;
    private final List<Peer> peers = new ArrayList<>();
    private UUID groupId;
    private Path storageDir;
    private long rpcTimeoutMinMs = RPC_TIMEOUT_MIN_MS_DEFAULT;
    private long rpcTimeoutMaxMs = RPC_TIMEOUT_MAX_MS_DEFAULT;
    private long requestTimeoutMs = REQUEST_TIMEOUT_MS_DEFAULT;
    private long snapshotThresholdEntries = SNAPSHOT_THRESHOLD_ENTRIES_DEFAULT;
    private long logSegmentSizeBytes = LOG_SEGMENT_SIZE_BYTES_DEFAULT;
    private int logPurgeGapEntries = LOG_PURGE_GAP_ENTRIES_DEFAULT;

    private Builder() {}

    public Builder nodeId(NodeId nodeId) {
      this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
      return this;
    }

    /** Adds a member; {@code address} is {@code host:port} or {@code [ipv6]:port}. */
    public Builder peer(NodeId id, String address) {
      return peer(Peer.parse(id, address));
    }

    public Builder peer(Peer peer) {
      Objects.requireNonNull(peer, "peer");
      for (Peer p : peers) {
        if (p.id().equals(peer.id())) {
          throw new IllegalArgumentException("peer " + peer.id() + " is listed twice");
        }
      }
      peers.add(peer);
      return this;
    }

    public Builder peers(List<Peer> peers) {
      this.peers.clear();
      peers.forEach(this::peer);
      return this;
    }

    public Builder groupId(UUID groupId) {
      this.groupId = Objects.requireNonNull(groupId, "groupId");
      return this;
    }

    public Builder storageDir(Path storageDir) {
      this.storageDir = Objects.requireNonNull(storageDir, "storageDir");
      return this;
    }

    /** Sets both election timeout bounds. */
    public Builder rpcTimeoutMs(long minMs, long maxMs) {
      checkRange("rpcTimeoutMinMs", minMs, RPC_TIMEOUT_MS_MIN, RPC_TIMEOUT_MS_MAX);
      checkRange("rpcTimeoutMaxMs", maxMs, RPC_TIMEOUT_MS_MIN, RPC_TIMEOUT_MS_MAX);
      if (maxMs < minMs) {
        throw new IllegalArgumentException(
            "rpcTimeoutMaxMs " + maxMs + " must be >= rpcTimeoutMinMs " + minMs);
      }
      this.rpcTimeoutMinMs = minMs;
      this.rpcTimeoutMaxMs = maxMs;
      return this;
    }

    public Builder requestTimeoutMs(long ms) {
      checkRange("requestTimeoutMs", ms, RPC_TIMEOUT_MS_MIN, REQUEST_TIMEOUT_MS_MAX);
      this.requestTimeoutMs = ms;
      return this;
    }

    public Builder snapshotThresholdEntries(long entries) {
      checkRange("snapshotThresholdEntries", entries, 1, Long.MAX_VALUE);
      this.snapshotThresholdEntries = entries;
      return this;
    }

    public Builder logSegmentSizeBytes(long bytes) {
      checkRange(
          "logSegmentSizeBytes", bytes, LOG_SEGMENT_SIZE_BYTES_MIN, LOG_SEGMENT_SIZE_BYTES_MAX);
      this.logSegmentSizeBytes = bytes;
      return this;
    }

    public Builder logPurgeGapEntries(int entries) {
      checkRange("logPurgeGapEntries", entries, 1, Integer.MAX_VALUE);
      this.logPurgeGapEntries = entries;
      return this;
    }

    /** The settings; also checks the rules between values (self among peers, max >= min...). */
    public RaftSettings build() {
      if (nodeId == null) {
        throw new IllegalStateException("nodeId is required");
      }
      if (groupId == null) {
        throw new IllegalStateException("groupId is required");
      }
      if (storageDir == null) {
        throw new IllegalStateException("storageDir is required");
      }
      return new RaftSettings(
          nodeId,
          peers,
          groupId,
          storageDir,
          rpcTimeoutMinMs,
          rpcTimeoutMaxMs,
          requestTimeoutMs,
          snapshotThresholdEntries,
          logSegmentSizeBytes,
          logPurgeGapEntries);
    }
  }
}
