package io.raftvip.coordinator.ratis;

import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.NodeInfo;
import io.raftvip.coordinator.core.Outcome;
import io.raftvip.coordinator.core.Rejection;
import io.raftvip.coordinator.core.Vip;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.proto.log.v1.StateQuery;
import io.raftvip.proto.log.v1.StateQueryReply;
import io.raftvip.proto.log.v1.WholeState;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.protocol.exceptions.SetConfigurationException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.protocol.exceptions.TransferLeadershipException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One raftvip member of the Raft group: a Ratis server running {@link VipStateMachine}, plus a
 * client with bounded retries for writes, linearizable reads and admin calls. Owns the server, the
 * client, its call threads and the listener thread; {@link #close()} stops all of them.
 *
 * <p>Every long call takes a timeout and returns a future that completes by then (STYLE 6):
 * normally, or exceptionally with a {@link RaftNodeException}. Calls run on this node's bounded
 * pool of call threads ({@code raftvip-raft-call-<node>-<n>}), never on the caller's thread; the
 * status methods ({@link #state()}, {@link #roleInfo()}, ...) read local values and never block.
 */
public final class RaftNode implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);

  /** Concurrent blocking Ratis calls; writes are few (admin, controller decisions, releases). */
  static final int CALL_THREADS = 4;

  /** Calls that may wait for a call thread before {@link RaftNodeException.Overloaded}. */
  static final int CALL_QUEUE_MAX = 256;

  /** Longest timeout a call accepts. */
  static final Duration TIMEOUT_MAX = Duration.ofMinutes(10);

  /** Snapshot files kept; older ones are deleted by Ratis after each new snapshot. */
  static final int SNAPSHOT_RETENTION_FILES = 2;

  /** Log appender retry waits, in Ratis' MultipleLinearRandomRetry syntax (pairs of wait,count). */
  static final String APPENDER_RETRY_POLICY = "1ms,10, 100ms,10, 1s,1000000";

  /** How long close() waits for running calls and queued listener events. */
  private static final long CLOSE_WAIT_MS = 3000;

  private final RaftSettings settings;
  private final RaftPeerId selfId;
  private final RaftGroup group;
  private final VipStateMachine stateMachine;
  private final RaftServer server;
  private final RaftServer.Division division;
  private final RaftClient client;
  private final DeadlineRetryPolicy retryPolicy = new DeadlineRetryPolicy();
  private final ThreadPoolExecutor calls;
  private final ScheduledThreadPoolExecutor deadlines;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RaftNode(
      RaftSettings settings,
      RaftGroup group,
      VipStateMachine stateMachine,
      RaftServer server,
      RaftServer.Division division,
      Parameters parameters) {
    this.settings = settings;
    this.selfId = RaftPeerId.valueOf(settings.nodeId().value());
    this.group = group;
    this.stateMachine = stateMachine;
    this.server = server;
    this.division = division;
    String id = settings.nodeId().value();
    this.calls =
        new ThreadPoolExecutor(
            CALL_THREADS,
            CALL_THREADS,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(CALL_QUEUE_MAX),
            named("raftvip-raft-call-" + id));
    this.calls.allowCoreThreadTimeOut(true);
    this.deadlines = new ScheduledThreadPoolExecutor(1, named("raftvip-raft-deadline-" + id));
    this.deadlines.setRemoveOnCancelPolicy(true);
    this.client =
        RaftClient.newBuilder()
            .setRaftGroup(group)
            .setProperties(clientProperties(settings))
            .setClientId(ClientId.randomId())
            // Start at the local server: it answers NotLeader with the leader's id at once.
            .setLeaderId(selfId)
            .setRetryPolicy(retryPolicy)
            .setParameters(parameters)
            .build();
  }

  /**
   * Starts this node's Ratis server (storage RECOVER: an existing log and snapshot are loaded, an
   * empty directory is formatted) and returns once it runs; the leader is elected asynchronously.
   *
   * @param listener gets the state machine's events on the node's event thread
   * @throws IOException if Ratis cannot start, naming the node; e.g. a corrupt snapshot gives
   *     "corrupt snapshot &lt;file&gt;: md5 mismatch ..." in the message
   */
  public static RaftNode start(RaftSettings settings, StateListener listener) throws IOException {
    return start(settings, listener, Optional.empty());
  }

  /**
   * {@link #start(RaftSettings, StateListener)} with mutual TLS on every Ratis transport when
   * {@code tls} is present: the server (client certificate required), its channels to the other
   * servers and this node's client. Ratis builds its SSL contexts once, at start, from the given
   * key and trust managers; managers that re-read their files (TlsCredentials) make a renewed
   * certificate apply to every new handshake without a restart.
   */
  public static RaftNode start(
      RaftSettings settings, StateListener listener, Optional<GrpcTlsConfig> tls)
      throws IOException {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(tls, "tls");
    // GrpcConfigKeys.TLS is the default for Ratis' admin, client and server services and for the
    // client side of each (GrpcFactory.SslContexts): one setting covers every channel.
    Parameters parameters = new Parameters();
    tls.ifPresent(t -> GrpcConfigKeys.TLS.setConf(parameters, t));
    List<RaftPeer> peers = new ArrayList<>();
    for (RaftSettings.Peer p : settings.peers()) {
      peers.add(toRaftPeer(p));
    }
    RaftGroup group = RaftGroup.valueOf(RaftGroupId.valueOf(settings.groupId()), peers);
    String id = settings.nodeId().value();
    VipStateMachine sm = new VipStateMachine(id, listener);
    RaftServer server = null;
    try {
      server =
          RaftServer.newBuilder()
              .setServerId(RaftPeerId.valueOf(id))
              .setGroup(group)
              .setStateMachine(sm)
              .setProperties(serverProperties(settings))
              .setParameters(parameters)
              .setOption(RaftStorage.StartupOption.RECOVER)
              .build();
      server.start();
      RaftServer.Division division = server.getDivision(group.getGroupId());
      RaftNode node = new RaftNode(settings, group, sm, server, division, parameters);
      LOG.info(
          "raft node {} started at {}{}",
          id,
          settings.self().address(),
          tls.isPresent() ? " with mutual TLS" : "");
      return node;
    } catch (IOException | RuntimeException e) {
      if (server != null) {
        try {
          server.close();
        } catch (IOException | RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      sm.closeEvents();
      throw new IOException("raft node " + id + " failed to start: " + rootMessage(e), e);
    }
  }

  /** The Ratis server configuration for {@code s}; every value that matters is set explicitly. */
  static RaftProperties serverProperties(RaftSettings s) {
    RaftProperties p = new RaftProperties();
    RaftServerConfigKeys.setStorageDir(p, List.of(s.storageDir().toFile()));
    // Bind exactly where the other members dial us; Ratis' default port 0 picks a random one.
    GrpcConfigKeys.Server.setHost(p, s.self().host());
    GrpcConfigKeys.Server.setPort(p, s.self().port());
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, ms(s.rpcTimeoutMinMs()));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, ms(s.rpcTimeoutMaxMs()));
    RaftServerConfigKeys.Rpc.setRequestTimeout(p, ms(s.requestTimeoutMs()));
    // The lease design depends on pre-vote: a follower that heard from the leader within
    // rpc.timeout.min refuses pre-votes, so a majority ack of a heartbeat sent at t means no other
    // leader before about t + rpc.timeout.min. Without pre-vote a higher-term election skips that
    // check and the leases are unsafe (ratis.md A.2, VoteContext.checkLeader). Ratis defaults to
    // true today; set it so that a changed default cannot turn it off.
    RaftServerConfigKeys.LeaderElection.setPreVote(p, true);
    // A leader that stepped down for lost majority heartbeats does not stand for election again
    // for this long (Ratis default 10 s, FollowerState.lostMajorityHeartbeatsRecently). When the
    // old leader of a 3-node group dies and the new one steps down at once (its one remaining
    // follower answered late), that node holds the longer log, so it alone can win, and the group
    // stayed leaderless for the full 10 s: a 12 s outage after SIGKILL of an owner that was also
    // the leader (AgentFailoverTest). Pre-vote already keeps a cut-off node from disrupting the
    // group, which is what the wait is for, so one election timeout is enough.
    RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(p, ms(s.rpcTimeoutMaxMs()));
    // Admin reads must see every committed write: ReadIndex. Ratis' lease reads stay off, since a
    // successful read is not proof of fresh majority contact (ratis.md A.2 caveat).
    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, false);
    RaftServerConfigKeys.Read.setTimeout(p, ms(s.requestTimeoutMs()));
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, s.snapshotThresholdEntries());
    RaftServerConfigKeys.Snapshot.setCreationGap(p, Math.min(1024, s.snapshotThresholdEntries()));
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, SNAPSHOT_RETENTION_FILES);
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(s.logSegmentSizeBytes()));
    RaftServerConfigKeys.Log.setPurgeGap(p, s.logPurgeGapEntries());
    // How long a leader waits before retrying a follower it cannot reach. Ratis' default
    // "1ms,10, 1s,20, 5s,1000" backs off to 5 s (x0.5..1.5) after 30 errors, which a leader
    // reaches within a second of a member going down (errors come in bursts); a member that comes
    // back would then wait up to 7.5 s more, on top of gRPC's own reconnect backoff (1 s x 1.6^n:
    // a member down for ~5 s was re-contacted ~10 s after it went down in RaftNodeRecoveryTest).
    // A failed connect on a LAN is cheap, so retry about every second, for ~11 days.
    RaftServerConfigKeys.Log.Appender.setRetryPolicy(p, APPENDER_RETRY_POLICY);
    // Purge up to the snapshot even if a member is behind: a snapshot is small, so a lagging
    // member installs it instead, and a member that stays down cannot make the log grow forever.
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    return p;
  }

  static RaftProperties clientProperties(RaftSettings s) {
    RaftProperties p = new RaftProperties();
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, ms(s.requestTimeoutMs()));
    return p;
  }

  // ------------------------------------------------------------------------------------------
  // Writes

  /**
   * Replicates {@code command} and applies it on every member.
   *
   * @return completes with what the command did once it is applied on this node's leader, or
   *     exceptionally by {@code timeout} with {@link RaftNodeException.Rejected} (refused before
   *     the log, or at apply, with the log index), {@link RaftNodeException.NoQuorum}, {@link
   *     RaftNodeException.Timeout}, {@link RaftNodeException.Closed} or {@link
   *     RaftNodeException.Overloaded}
   */
  public CompletableFuture<Outcome.Accepted> submit(Command command, Duration timeout) {
    Objects.requireNonNull(command, "command");
    byte[] bytes = LogCodec.encodeCommand(command);
    String what = "submit " + command.getClass().getSimpleName();
    return call(
        what,
        timeout,
        () -> {
          RaftClientReply reply =
              client.io().send(Message.valueOf(UnsafeByteOperations.unsafeWrap(bytes)));
          Outcome outcome = LogCodec.decodeReply(reply.getMessage().getContent().toByteArray());
          if (outcome instanceof Outcome.Rejected r) {
            throw new RaftNodeException.Rejected(r.reason(), OptionalLong.of(reply.getLogIndex()));
          }
          return (Outcome.Accepted) outcome;
        });
  }

  /**
   * Asks the leader to hand leadership to {@code target} and waits for it.
   *
   * @return completes once {@code target} is leader, or exceptionally with {@link
   *     RaftNodeException.Failed} when Ratis refuses (target not a member, not caught up...)
   */
  public CompletableFuture<Void> transferLeadership(NodeId target, Duration timeout) {
    Objects.requireNonNull(target, "target");
    long ms = checkTimeout(timeout);
    return call(
        "transfer leadership to " + target,
        timeout,
        () -> {
          RaftClientReply r =
              client.admin().transferLeadership(RaftPeerId.valueOf(target.value()), ms);
          if (!r.isSuccess()) {
            throw new RaftNodeException.Failed(
                "transfer leadership to " + target + " failed: " + r.getException(),
                r.getException());
          }
          return null;
        });
  }

  /**
   * Replaces the voting members with {@code voters} (joint consensus). New members must already be
   * running, started with the new peer list.
   */
  public CompletableFuture<Void> setConfiguration(
      List<RaftSettings.Peer> voters, Duration timeout) {
    Objects.requireNonNull(voters, "voters");
    if (voters.isEmpty()) {
      throw new IllegalArgumentException("a configuration needs at least one voter");
    }
    List<RaftPeer> peers = voters.stream().map(RaftNode::toRaftPeer).toList();
    return call(
        "set configuration " + voters,
        timeout,
        () -> {
          // The List overload: AdminApi.setConfiguration(RaftPeer[], RaftPeer[]) in 3.2.2 calls
          // setListenersInNewConf twice and drops the servers (ratis.md A.3).
          RaftClientReply r = client.admin().setConfiguration(peers);
          if (!r.isSuccess()) {
            throw new RaftNodeException.Failed(
                "set configuration failed: " + r.getException(), r.getException());
          }
          return null;
        });
  }

  /**
   * Makes this node take a snapshot now (unless one exists at its applied index).
   *
   * @return the log index the snapshot covers
   */
  public CompletableFuture<Long> takeSnapshot(Duration timeout) {
    long ms = checkTimeout(timeout);
    return call(
        "take snapshot",
        timeout,
        () -> {
          RaftClientReply r = client.getSnapshotManagementApi(selfId).create(true, ms);
          if (!r.isSuccess()) {
            throw new RaftNodeException.Failed(
                "take snapshot failed: " + r.getException(), r.getException());
          }
          return r.getLogIndex();
        });
  }

  // ------------------------------------------------------------------------------------------
  // Linearizable reads (ReadIndex through the leader)

  /** The whole state as of a moment after this call started (linearizable). */
  public CompletableFuture<ClusterState> readState(Duration timeout) {
    StateQuery q = StateQuery.newBuilder().setWholeState(WholeState.getDefaultInstance()).build();
    return call(
        "read state",
        timeout,
        () -> {
          StateQueryReply r = read(q);
          if (!r.hasState()) {
            throw new RaftNodeException.Failed("read state: the answer has no state", null);
          }
          return LogCodec.fromProto(r.getState()).state();
        });
  }

  /** One VIP, linearizable; empty when it does not exist. */
  public CompletableFuture<Optional<Vip>> readVip(VipName name, Duration timeout) {
    StateQuery q = StateQuery.newBuilder().setVip(name.value()).build();
    return call(
        "read VIP " + name,
        timeout,
        () -> {
          StateQueryReply r = read(q);
          return r.hasVip() ? Optional.of(LogCodec.fromProto(r.getVip())) : Optional.empty();
        });
  }

  /** One node, linearizable; empty when it does not exist. */
  public CompletableFuture<Optional<NodeInfo>> readNode(NodeId id, Duration timeout) {
    StateQuery q = StateQuery.newBuilder().setNode(id.value()).build();
    return call(
        "read node " + id,
        timeout,
        () -> {
          StateQueryReply r = read(q);
          return r.hasNode() ? Optional.of(LogCodec.fromProto(r.getNode())) : Optional.empty();
        });
  }

  private StateQueryReply read(StateQuery q) throws IOException {
    RaftClientReply reply =
        client.io().sendReadOnly(Message.valueOf(UnsafeByteOperations.unsafeWrap(q.toByteArray())));
    try {
      return StateQueryReply.parseFrom(reply.getMessage().getContent().toByteArray());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IOException("answer is not a raftvip.log.v1.StateQueryReply: " + e.getMessage(), e);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Local status: never blocks

  /** This node's id. */
  public NodeId id() {
    return settings.nodeId();
  }

  /** The settings this node runs with. */
  public RaftSettings settings() {
    return settings;
  }

  /** The state this node has applied (may lag the leader). */
  public ClusterState state() {
    return stateMachine.state();
  }

  /** The log index of {@link #state()} (including configuration entries). */
  public long appliedIndex() {
    return stateMachine.applied().index();
  }

  /** True while this node is leader (possibly not yet ready, see {@link #roleInfo()}). */
  public boolean isLeader() {
    return division.getInfo().isLeader();
  }

  /** The leader this node knows of. */
  public Optional<NodeId> leaderId() {
    RaftPeerId leader = division.getInfo().getLeaderId();
    return leader == null ? Optional.empty() : Optional.of(NodeId.of(leader.toString()));
  }

  /** This node's current term. */
  public long term() {
    return division.getInfo().getCurrentTerm();
  }

  /** The highest log index this node knows to be committed. */
  public long commitIndex() {
    return division.getRaftLog().getLastCommittedIndex();
  }

  /** The first index still in this node's log (earlier entries were purged after a snapshot). */
  long logStartIndex() {
    return division.getRaftLog().getStartIndex();
  }

  /** This node's role with the timing facts the lease service needs. */
  public RoleInfo roleInfo() {
    RoleInfoProto p = division.getInfo().getRoleInfoProto();
    long term = division.getInfo().getCurrentTerm();
    long roleMs = p.getRoleElapsedTimeMs();
    switch (p.getRole()) {
      case LEADER:
        {
          Map<NodeId, Long> followers = new HashMap<>();
          if (p.hasLeaderInfo()) {
            term = p.getLeaderInfo().getTerm();
            for (ServerRpcProto f : p.getLeaderInfo().getFollowerInfoList()) {
              followers.put(
                  NodeId.of(f.getId().getId().toStringUtf8()), f.getLastRpcElapsedTimeMs());
            }
          }
          return new RoleInfo.Leader(term, roleMs, followers, division.getInfo().isLeaderReady());
        }
      case FOLLOWER:
        {
          ServerRpcProto leader = p.getFollowerInfo().getLeaderInfo();
          String leaderId = leader.hasId() ? leader.getId().getId().toStringUtf8() : "";
          if (leaderId.isEmpty()) {
            return new RoleInfo.Follower(term, roleMs, Optional.empty(), OptionalLong.empty());
          }
          return new RoleInfo.Follower(
              term,
              roleMs,
              Optional.of(NodeId.of(leaderId)),
              OptionalLong.of(leader.getLastRpcElapsedTimeMs()));
        }
      case CANDIDATE:
        return new RoleInfo.Candidate(
            term, roleMs, p.getCandidateInfo().getLastLeaderElapsedTimeMs());
      default:
        return new RoleInfo.Other(term, roleMs, p.getRole().name());
    }
  }

  /**
   * Whether, as far as this node can see, a leader with a majority is reachable now: it is leader
   * and a majority (itself included) responded within rpc.timeout.max, or it is a follower that
   * heard from its leader within rpc.timeout.max.
   */
  boolean quorumVisible() {
    long freshMs = settings.rpcTimeoutMaxMs();
    RoleInfo r = roleInfo();
    if (r instanceof RoleInfo.Leader l) {
      long fresh =
          l.followerLastResponseElapsedMs().values().stream().filter(e -> e <= freshMs).count();
      int voters = l.followerLastResponseElapsedMs().size() + 1;
      return 1 + fresh >= voters / 2 + 1;
    }
    if (r instanceof RoleInfo.Follower f) {
      return f.leader().isPresent() && f.leaderLastRpcElapsedMs().orElse(Long.MAX_VALUE) <= freshMs;
    }
    return false;
  }

  // ------------------------------------------------------------------------------------------
  // Calls

  @FunctionalInterface
  private interface BlockingCall<T> {
    T run() throws Exception;
  }

  private <T> CompletableFuture<T> call(String what, Duration timeout, BlockingCall<T> body) {
    long timeoutMs = checkTimeout(timeout);
    CompletableFuture<T> result = new CompletableFuture<>();
    if (closed.get()) {
      result.completeExceptionally(closedError());
      return result;
    }
    DeadlineRetryPolicy.Call call =
        new DeadlineRetryPolicy.Call(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs));
    try {
      calls.execute(
          () -> {
            if (result.isDone()) {
              return; // timed out while queued
            }
            retryPolicy.bind(call);
            try {
              result.complete(body.run());
            } catch (Throwable t) {
              result.completeExceptionally(classify(what, timeoutMs, call, t));
            } finally {
              retryPolicy.unbind();
            }
          });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(
          closed.get()
              ? closedError()
              : new RaftNodeException.Overloaded(
                  what
                      + ": "
                      + CALL_QUEUE_MAX
                      + " calls are already waiting on raft node "
                      + settings.nodeId()));
      return result;
    }
    try {
      ScheduledFuture<?> timer =
          deadlines.schedule(
              () -> {
                if (!result.isDone()) {
                  result.completeExceptionally(atDeadline(what, timeoutMs, call, null));
                }
              },
              timeoutMs,
              TimeUnit.MILLISECONDS);
      result.whenComplete((v, e) -> timer.cancel(false));
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(closedError());
    }
    return result;
  }

  private RaftNodeException classify(
      String what, long timeoutMs, DeadlineRetryPolicy.Call call, Throwable t) {
    if (t instanceof RaftNodeException e) {
      return e;
    }
    StateMachineException sme = find(t, StateMachineException.class);
    if (sme != null) {
      String text = sme.getCause() != null ? sme.getCause().getMessage() : sme.getMessage();
      Optional<Rejection> rejection = CommandRejectedException.parse(text);
      if (rejection.isPresent()) {
        return new RaftNodeException.Rejected(rejection.get(), OptionalLong.empty());
      }
      return new RaftNodeException.Failed(what + " refused by the state machine: " + text, sme);
    }
    if (closed.get()
        && (find(t, AlreadyClosedException.class) != null
            || find(t, InterruptedIOException.class) != null)) {
      return closedError();
    }
    for (Class<? extends Exception> refusal :
        List.of(
            TransferLeadershipException.class,
            SetConfigurationException.class,
            LeaderSteppingDownException.class)) {
      Throwable r = find(t, refusal);
      if (r != null) {
        return new RaftNodeException.Failed(what + " failed: " + r.getMessage(), r);
      }
    }
    if (t instanceof LogCodec.Malformed m) {
      return new RaftNodeException.Failed(what + ": " + m.getMessage(), m);
    }
    if (t instanceof IOException) {
      // Ratis gave up retrying (our policy: deadline or attempt cap).
      return atDeadline(what, timeoutMs, call, t);
    }
    return new RaftNodeException.Failed(what + " failed: " + t, t);
  }

  private RaftNodeException atDeadline(
      String what, long timeoutMs, DeadlineRetryPolicy.Call call, Throwable cause) {
    if (closed.get()) {
      return closedError();
    }
    Throwable last = cause != null ? cause : call.lastFailure;
    if (quorumVisible()) {
      return new RaftNodeException.Timeout(
          what
              + " did not complete within "
              + timeoutMs
              + " ms although a leader with a quorum is reachable; a write may still commit:"
              + " read the state before retrying",
          last);
    }
    return new RaftNodeException.NoQuorum(
        what
            + ": no leader/quorum reachable within "
            + timeoutMs
            + " ms ("
            + call.attempts
            + " retries"
            + (last == null ? "" : ", last error: " + rootMessage(last))
            + ")",
        last);
  }

  private RaftNodeException.Closed closedError() {
    return new RaftNodeException.Closed("raft node " + settings.nodeId() + " is closed");
  }

  private static long checkTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(TIMEOUT_MAX) > 0) {
      throw new IllegalArgumentException(
          "timeout " + timeout + " must be positive and at most " + TIMEOUT_MAX);
    }
    return Math.max(1, timeout.toMillis());
  }

  private static <E extends Throwable> E find(Throwable t, Class<E> type) {
    for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 16; depth++) {
      root = root.getCause();
    }
    String m = root.getMessage();
    return m == null ? root.getClass().getSimpleName() : m;
  }

  // ------------------------------------------------------------------------------------------

  /** Stops the client, the server (Ratis may take a last snapshot), the call and event threads. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long t0 = System.nanoTime();
    calls.shutdown();
    try {
      client.close();
    } catch (IOException | RuntimeException e) {
      LOG.warn("raft node {}: closing the client failed: {}", settings.nodeId(), e.toString());
    }
    long t1 = System.nanoTime();
    try {
      server.close();
    } catch (IOException | RuntimeException e) {
      LOG.warn("raft node {}: closing the server failed: {}", settings.nodeId(), e.toString());
    }
    long t2 = System.nanoTime();
    try {
      if (!calls.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)) {
        calls.shutdownNow();
      }
    } catch (InterruptedException e) {
      calls.shutdownNow();
      Thread.currentThread().interrupt();
    }
    deadlines.shutdownNow();
    stateMachine.closeEvents();
    LOG.info(
        "raft node {} closed in {} ms (client {} ms, server {} ms)",
        settings.nodeId(),
        (System.nanoTime() - t0) / 1_000_000,
        (t1 - t0) / 1_000_000,
        (t2 - t1) / 1_000_000);
  }

  @Override
  public String toString() {
    return "RaftNode(" + settings.nodeId() + " in " + group.getGroupId() + ")";
  }

  static RaftPeer toRaftPeer(RaftSettings.Peer p) {
    return RaftPeer.newBuilder().setId(p.id().value()).setAddress(p.address()).build();
  }

  private static TimeDuration ms(long millis) {
    return TimeDuration.valueOf(millis, TimeUnit.MILLISECONDS);
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
