package io.raftvip.coordinator.ratis;

import com.google.protobuf.InvalidProtocolBufferException;
import io.raftvip.coordinator.core.ApplyResult;
import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.NodeInfo;
import io.raftvip.coordinator.core.Outcome;
import io.raftvip.coordinator.core.Rejection;
import io.raftvip.coordinator.core.Transitions;
import io.raftvip.coordinator.core.Vip;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.proto.log.v1.NotFound;
import io.raftvip.proto.log.v1.StateQuery;
import io.raftvip.proto.log.v1.StateQueryReply;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis state machine of raftvip: a thin shell around {@link Transitions}. It decodes log
 * entries with {@link LogCodec}, validates in {@link #startTransaction} (on the leader, before the
 * entry is appended), applies in {@link #applyTransaction} (every replica, log order), answers
 * read-only {@link StateQuery}s, and writes and loads MD5-checked snapshots through {@link
 * SimpleStateMachineStorage}.
 *
 * <p>Threads: Ratis applies entries one at a time on its StateMachineUpdater thread, which is also
 * where snapshots are taken and reloaded; {@link #startTransaction} and {@link #query} run on gRPC
 * threads concurrently with apply. They only read {@link #applied}, an immutable (state, log
 * position) pair swapped atomically after each entry. Listener events go to an {@link
 * EventDispatcher}; nothing here blocks or calls out while Ratis holds its locks.
 *
 * <p>Failure rules: a rejected command is a normal reply (the log entry is consumed, nothing
 * changes); a committed entry that does not decode, or an apply that breaks an invariant, is a bug
 * and throws, which Ratis treats as fatal for this server (StateMachineUpdater closes it).
 */
public final class VipStateMachine extends BaseStateMachine {

  private static final Logger LOG = LoggerFactory.getLogger(VipStateMachine.class);

  /**
   * The applied state with the log position it includes; one reference so readers never pair a
   * state with the wrong index.
   */
  public record Applied(ClusterState state, long term, long index) {
    public Applied {
      Objects.requireNonNull(state, "state");
    }
  }

  private static final Applied INITIAL =
      new Applied(
          ClusterState.EMPTY,
          TermIndex.INITIAL_VALUE.getTerm(),
          TermIndex.INITIAL_VALUE.getIndex());

  private final String name;
  private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
  private final AtomicReference<Applied> applied = new AtomicReference<>(INITIAL);
  private final EventDispatcher events;
  private volatile File stateMachineDir;

  /**
   * @param name this node's id, for thread names and messages
   * @param listener receives events on the {@code raftvip-sm-events-<name>} thread
   */
  public VipStateMachine(String name, StateListener listener) {
    this(name, listener, EventDispatcher.CAPACITY_DEFAULT);
  }

  VipStateMachine(String name, StateListener listener, int eventCapacity) {
    this.name = Objects.requireNonNull(name, "name");
    this.events = new EventDispatcher("raftvip-sm-events-" + name, listener, eventCapacity);
  }

  /** The last applied state and its log position. Never blocks. */
  public Applied applied() {
    return applied.get();
  }

  /** The last applied state. */
  public ClusterState state() {
    return applied.get().state();
  }

  // ------------------------------------------------------------------------------------------
  // Lifecycle and snapshots

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage)
      throws IOException {
    getLifeCycle()
        .startAndTransition(
            () -> {
              super.initialize(server, groupId, raftStorage);
              storage.init(raftStorage);
              stateMachineDir = raftStorage.getStorageDir().getStateMachineDir();
              loadLatestSnapshot();
            });
  }

  /**
   * Called by Ratis after it installed a snapshot from the leader into the state-machine directory
   * (this node fell behind the leader's purged log), and on resume after a pause.
   */
  @Override
  public void reinitialize() throws IOException {
    SingleFileSnapshotInfo latest = storage.loadLatestSnapshot();
    if (latest != null && latest.getIndex() <= applied.get().index()) {
      // A resume after a pause: the state is newer than any snapshot and the log is intact.
      LOG.info("{}: reinitialize keeps the applied state at {}", name, applied.get().index());
    } else {
      loadLatestSnapshot();
    }
    if (getLifeCycleState() == LifeCycle.State.PAUSED) {
      getLifeCycle().transition(LifeCycle.State.STARTING);
      getLifeCycle().transition(LifeCycle.State.RUNNING);
    }
  }

  /**
   * Ratis pauses before writing an installed snapshot and requires PAUSED before it reloads
   * (StateMachineUpdater.reload asserts it). Called once per snapshot chunk, hence the check.
   */
  @Override
  public void pause() {
    if (getLifeCycleState() == LifeCycle.State.RUNNING) {
      getLifeCycle().transition(LifeCycle.State.PAUSING);
      getLifeCycle().transition(LifeCycle.State.PAUSED);
    }
  }

  @Override
  public SimpleStateMachineStorage getStateMachineStorage() {
    return storage;
  }

  private void loadLatestSnapshot() throws IOException {
    SingleFileSnapshotInfo latest = storage.loadLatestSnapshot();
    if (latest == null) {
      // loadLatestSnapshot() logs and returns null when a snapshot exists but its .md5 cannot be
      // read; starting empty then would silently lose the purged part of the log.
      List<String> present = snapshotFileNames();
      if (!present.isEmpty()) {
        throw new IOException(
            "corrupt snapshot in "
                + stateMachineDir
                + ": files "
                + present
                + " exist but none could be loaded (unreadable or missing .md5 file)");
      }
      Applied initial = applied.get();
      LOG.info("{}: no snapshot, starting from the log", name);
      events.post("onStateReset", l -> l.onStateReset(initial.state(), initial.index()));
      return;
    }
    File file = latest.getFile().getPath().toFile();
    LogCodec.SnapshotContent content = readSnapshot(file);
    TermIndex named = SimpleStateMachineStorage.getTermIndexFromSnapshotFile(file);
    if (content.appliedIndex() != named.getIndex() || content.appliedTerm() != named.getTerm()) {
      throw new IOException(
          "corrupt snapshot "
              + file
              + ": it covers term "
              + content.appliedTerm()
              + " index "
              + content.appliedIndex()
              + " but its name says "
              + named);
    }
    Applied loaded = new Applied(content.state(), named.getTerm(), named.getIndex());
    applied.set(loaded);
    setLastAppliedTermIndex(named);
    LOG.info(
        "{}: loaded snapshot {} ({} VIPs, {} nodes)",
        name,
        file,
        loaded.state().vips().size(),
        loaded.state().nodes().size());
    events.post("onStateReset", l -> l.onStateReset(loaded.state(), loaded.index()));
  }

  /** Reads and checks one snapshot file; every failure names the file. */
  static LogCodec.SnapshotContent readSnapshot(File file) throws IOException {
    MD5Hash stored;
    try {
      stored = MD5FileUtil.readStoredMd5ForFile(file);
    } catch (IOException e) {
      throw new IOException(
          "corrupt snapshot " + file + ": unreadable .md5 file: " + e.getMessage(), e);
    }
    if (stored == null) {
      throw new IOException(
          "corrupt snapshot " + file + ": no " + MD5FileUtil.getDigestFileForFile(file).getName());
    }
    MD5Hash computed = MD5FileUtil.computeMd5ForFile(file);
    if (!stored.equals(computed)) {
      throw new IOException(
          "corrupt snapshot "
              + file
              + ": md5 mismatch (stored "
              + stored
              + ", computed "
              + computed
              + ")");
    }
    try {
      return LogCodec.decodeSnapshot(Files.readAllBytes(file.toPath()));
    } catch (LogCodec.MalformedSnapshot e) {
      throw new IOException("corrupt snapshot " + file + ": " + e.getMessage(), e);
    }
  }

  private List<String> snapshotFileNames() throws IOException {
    File dir = stateMachineDir;
    if (dir == null || !dir.isDirectory()) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir.toPath())) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> SimpleStateMachineStorage.SNAPSHOT_REGEX.matcher(n).matches())
          .sorted()
          .toList();
    }
  }

  /**
   * Writes the applied state to {@code snapshot.<term>_<index>} atomically: the bytes go to a
   * {@code .tmp} file (fsynced), its MD5 to {@code snapshot.<term>_<index>.md5}, and only then is
   * the file renamed into place. The MD5 is written before the rename so that a crash never leaves
   * a snapshot without its checksum (Ratis would ignore such a snapshot and this class refuses to
   * start with one); a stray .md5 without a snapshot is harmless and cleaned up by Ratis.
   *
   * <p>Runs on the StateMachineUpdater thread between applies, so the state cannot change
   * underneath; the snapshot is small (every VIP and node), so this is quick.
   */
  @Override
  public long takeSnapshot() throws IOException {
    Applied a = applied.get();
    if (a.index() < 0) {
      return RaftLog.INVALID_LOG_INDEX;
    }
    SingleFileSnapshotInfo latest = storage.getLatestSnapshot();
    if (latest != null && latest.getIndex() >= a.index()) {
      return latest.getIndex();
    }
    File file = storage.getSnapshotFile(a.term(), a.index());
    File tmp = new File(file.getParentFile(), file.getName() + ".tmp");
    byte[] bytes = LogCodec.encodeSnapshot(a.state(), a.term(), a.index());
    try (FileChannel out =
        FileChannel.open(
            tmp.toPath(),
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        out.write(buf);
      }
      out.force(true);
    }
    MD5Hash md5 = MD5FileUtil.computeMd5ForFile(tmp);
    MD5FileUtil.saveMD5File(file, md5);
    try {
      Files.move(tmp.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot rename " + tmp + " to " + file + " atomically", e);
    }
    syncDirectory(file.getParentFile().toPath());
    storage.updateLatestSnapshot(
        new SingleFileSnapshotInfo(
            new FileInfo(file.toPath(), md5), TermIndex.valueOf(a.term(), a.index())));
    LOG.info("{}: wrote snapshot {} ({} bytes)", name, file, bytes.length);
    return a.index();
  }

  /** Makes the rename durable (Linux: fsync on the directory). */
  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some file systems refuse fsync on a directory; the rename is still atomic.
      LOG.debug("fsync of {} failed: {}", dir, e.toString());
    }
  }

  @Override
  public void close() {
    getLifeCycle().checkStateAndClose(() -> events.close(1000));
  }

  /** Stops event delivery when Ratis never called {@link #close()} (e.g. a failed start). */
  void closeEvents() {
    events.close(1000);
  }

  // ------------------------------------------------------------------------------------------
  // Writes

  /**
   * On the leader, before the entry is appended: decodes and validates against the applied state. A
   * refusal never reaches the log; the client gets a {@code StateMachineException} whose cause is a
   * {@link CommandRejectedException} carrying the typed {@link Rejection}. Apply validates again
   * (the state may move between here and the entry's turn).
   */
  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    TransactionContext trx = super.startTransaction(request);
    Command command;
    try {
      command = LogCodec.decodeCommand(request.getMessage().getContent().toByteArray());
    } catch (LogCodec.MalformedCommand e) {
      trx.setException(new LogCodec.MalformedCommand(e.getMessage()));
      return trx;
    }
    Optional<Rejection> rejection = Transitions.validate(applied.get().state(), command);
    rejection.ifPresent(r -> trx.setException(CommandRejectedException.of(r)));
    return trx;
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    long index = entry.getIndex();
    Command command;
    try {
      command = LogCodec.decodeCommand(entry.getStateMachineLogEntry().getLogData().toByteArray());
    } catch (LogCodec.MalformedCommand e) {
      // startTransaction refused anything that does not decode, so this entry was written by
      // another version or corrupted: no replica may guess what it meant.
      throw new IllegalStateException(
          name + ": committed log entry " + index + " is not a command: " + e.getMessage(), e);
    }
    Applied before = applied.get();
    ApplyResult result = Transitions.apply(before.state(), command, index);
    Applied after = new Applied(result.next(), entry.getTerm(), index);
    applied.set(after);
    updateLastAppliedTermIndex(entry.getTerm(), index);
    Outcome outcome = result.outcome();
    events.post(
        "onApplied(" + index + ")", l -> l.onApplied(after.state(), command, outcome, index));
    return CompletableFuture.completedFuture(
        Message.valueOf(UnsafeByteOperations.unsafeWrap(LogCodec.encodeReply(outcome))));
  }

  /**
   * Configuration and no-op entries advance the applied position without a command;
   * BaseStateMachine's version moves lastAppliedTermIndex, which Ratis relies on.
   */
  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    super.notifyTermIndexUpdated(term, index);
    applied.updateAndGet(a -> index > a.index() ? new Applied(a.state(), term, index) : a);
  }

  // ------------------------------------------------------------------------------------------
  // Reads

  /**
   * Answers a {@link StateQuery} from the applied state. Ratis calls it after the ReadIndex wait
   * (linearizable reads) or directly (stale reads); read-only, never blocks.
   */
  @Override
  public CompletableFuture<Message> query(Message request) {
    StateQuery q;
    try {
      q = StateQuery.parseFrom(request.getContent().toByteArray());
    } catch (InvalidProtocolBufferException e) {
      return CompletableFuture.failedFuture(
          new LogCodec.MalformedQuery("not a raftvip.log.v1.StateQuery: " + e.getMessage()));
    }
    Applied a = applied.get();
    StateQueryReply.Builder b =
        StateQueryReply.newBuilder().setAppliedIndex(Math.max(0, a.index()));
    try {
      switch (q.getKindCase()) {
        case WHOLE_STATE:
          b.setState(LogCodec.toSnapshot(a.state(), a.term(), a.index()));
          break;
        case VIP:
          {
            Optional<Vip> v = a.state().vip(new VipName(q.getVip()));
            if (v.isPresent()) {
              b.setVip(LogCodec.toProto(v.get()));
            } else {
              b.setNotFound(NotFound.getDefaultInstance());
            }
            break;
          }
        case NODE:
          {
            Optional<NodeInfo> n = a.state().node(new NodeId(q.getNode()));
            if (n.isPresent()) {
              b.setNode(LogCodec.toProto(n.get()));
            } else {
              b.setNotFound(NotFound.getDefaultInstance());
            }
            break;
          }
        default:
          return CompletableFuture.failedFuture(
              new LogCodec.MalformedQuery("no query kind is set"));
      }
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new LogCodec.MalformedQuery(e.getMessage()));
    }
    return CompletableFuture.completedFuture(
        Message.valueOf(UnsafeByteOperations.unsafeWrap(b.build().toByteArray())));
  }

  // ------------------------------------------------------------------------------------------
  // Leadership events: enqueue only. notifyLeaderChanged and notifyNotLeader run while Ratis
  // holds the RaftServerImpl monitor; notifyLeaderReady runs on the apply thread.

  @Override
  public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
    long term = currentTerm();
    String leader = newLeaderId.toString();
    events.post(
        "onLeaderChanged(" + leader + ")", l -> l.onLeaderChanged(new NodeId(leader), term));
  }

  @Override
  public void notifyLeaderReady() {
    long term = currentTerm();
    events.post("onLeaderReady(" + term + ")", l -> l.onLeaderReady(term));
  }

  /** Not a fence: see {@link StateListener#onNotLeader}. */
  @Override
  public void notifyNotLeader(Collection<TransactionContext> pendingEntries) {
    long term = currentTerm();
    events.post("onNotLeader(" + term + ")", l -> l.onNotLeader(term));
  }

  @Override
  public void notifyConfigurationChanged(
      long term, long index, RaftConfigurationProto newRaftConfiguration) {
    List<RaftSettings.Peer> voters = new ArrayList<>();
    for (RaftPeerProto p : newRaftConfiguration.getPeersList()) {
      try {
        voters.add(RaftSettings.Peer.parse(new NodeId(p.getId().toStringUtf8()), p.getAddress()));
      } catch (IllegalArgumentException e) {
        LOG.warn(
            "{}: configuration at {} has a peer raftvip cannot name: {}",
            name,
            index,
            e.getMessage());
      }
    }
    events.post(
        "onConfigurationChanged(" + index + ")", l -> l.onConfigurationChanged(voters, index));
  }

  /** This division's current term, read without blocking; 0 before the server is known. */
  private long currentTerm() {
    RaftServer server = getServer().getNow(null);
    RaftGroupId group = getGroupId();
    if (server == null || group == null) {
      return 0;
    }
    try {
      return server.getDivision(group).getInfo().getCurrentTerm();
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  @Override
  public String toString() {
    return "VipStateMachine-" + name;
  }
}
