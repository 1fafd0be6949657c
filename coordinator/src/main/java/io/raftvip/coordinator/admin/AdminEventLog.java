package io.raftvip.coordinator.admin;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.raftvip.coordinator.core.AssignmentChange;
import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.NodeInfo;
import io.raftvip.coordinator.core.Outcome;
import io.raftvip.coordinator.core.Vip;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.ratis.StateListener;
import io.raftvip.proto.admin.v1.Event;
import io.raftvip.proto.admin.v1.LeaderChanged;
import io.raftvip.proto.admin.v1.NodeChanged;
import io.raftvip.proto.admin.v1.VipAssigned;
import io.raftvip.proto.admin.v1.VipChanged;
import io.raftvip.proto.admin.v1.VipReleased;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The admin events this node saw applied, in log order, the last {@code capacity} of them, and the
 * live WatchEvents streams. Fed on the state machine's event thread: appends and non-blocking
 * {@code onNext} only. A subscriber that stops reading while more than {@link #BACKLOG_MAX}
 * messages wait in its stream is closed with RESOURCE_EXHAUSTED (it may resume from its last
 * index).
 *
 * <p>What "resumable" means: events carry the log index that caused them; {@code from_index} N
 * delivers every kept event with index >= N. Events before this node started (or before the oldest
 * kept one) are gone: asking for them fails with OUT_OF_RANGE naming the oldest index.
 */
public final class AdminEventLog implements StateListener {

  /** Messages a slow stream may have queued before it is closed. */
  static final int BACKLOG_MAX = 10_000;

  private final int capacity;
  private final LongSupplier clockMs;
  private final Function<NodeId, String> adminAddressOf;
  private final ArrayDeque<Event> events = new ArrayDeque<>();
  private final List<Subscriber> subscribers = new ArrayList<>();
  // Lowest index still deliverable; starts past the state this node loaded.
  private long oldestIndex = 1;
  private volatile ClusterState state = ClusterState.EMPTY;
  private volatile Optional<NodeId> leader = Optional.empty();

  /**
   * @param capacity events kept for resuming streams (1..1_000_000)
   * @param clockMs wall clock for {@code unix_ms}
   * @param adminAddressOf admin address of a node, "" when unknown
   */
  public AdminEventLog(
      int capacity, LongSupplier clockMs, Function<NodeId, String> adminAddressOf) {
    if (capacity < 1 || capacity > 1_000_000) {
      throw new IllegalArgumentException("event capacity " + capacity + " must be 1..1000000");
    }
    this.capacity = capacity;
    this.clockMs = Objects.requireNonNull(clockMs, "clockMs");
    this.adminAddressOf = Objects.requireNonNull(adminAddressOf, "adminAddressOf");
  }

  @Override
  public void onApplied(ClusterState next, Command command, Outcome outcome, long index) {
    ClusterState before = state;
    state = next;
    if (!(outcome instanceof Outcome.Accepted a) || !a.changed()) {
      return;
    }
    List<Event> out = new ArrayList<>();
    long now = clockMs.getAsLong();
    for (AssignmentChange c : a.assignments()) {
      if (c.to().isPresent() && c.cause() == AssignmentChange.Cause.ASSIGNED) {
        out.add(
            event(index, now)
                .setVipAssigned(
                    VipAssigned.newBuilder()
                        .setVip(c.vip().value())
                        .setOwner(c.to().get().value())
                        .setEpoch(c.epoch())
                        .setReason(reason(c.cause())))
                .build());
      } else if (c.from().isPresent()
          && (c.cause() == AssignmentChange.Cause.RELEASED
              || c.cause() == AssignmentChange.Cause.OWNER_EXPIRED
              || c.cause() == AssignmentChange.Cause.DELETED)) {
        out.add(
            event(index, now)
                .setVipReleased(
                    VipReleased.newBuilder()
                        .setVip(c.vip().value())
                        .setPreviousOwner(c.from().get().value())
                        .setEpoch(c.epoch())
                        .setReason(reason(c.cause())))
                .build());
      }
    }
    addVipChanges(before, next, index, now, out);
    addNodeChanges(before, next, index, now, out);
    publish(out);
  }

  @Override
  public void onStateReset(ClusterState s, long appliedIndex) {
    synchronized (this) {
      state = s;
      // Events up to here were not seen one by one: a resume from before cannot be served.
      events.clear();
      oldestIndex = appliedIndex + 1;
    }
  }

  @Override
  public void onLeaderChanged(NodeId newLeader, long term) {
    leader = Optional.of(newLeader);
    long index = state.lastChangeIndex();
    publish(
        List.of(
            event(index, clockMs.getAsLong())
                .setLeaderChanged(
                    LeaderChanged.newBuilder().setLeaderId(newLeader.value()).setTerm(term))
                .build()));
  }

  private void addVipChanges(
      ClusterState before, ClusterState next, long index, long now, List<Event> out) {
    for (Map.Entry<VipName, Vip> e : next.vips().entrySet()) {
      Vip old = before.vips().get(e.getKey());
      if (old == null || !old.equals(e.getValue())) {
        out.add(
            event(index, now)
                .setVipChanged(VipChanged.newBuilder().setVip(AdminMapping.toProto(e.getValue())))
                .build());
      }
    }
    for (Map.Entry<VipName, Vip> e : before.vips().entrySet()) {
      if (!next.vips().containsKey(e.getKey())) {
        out.add(
            event(index, now)
                .setVipChanged(
                    VipChanged.newBuilder()
                        .setVip(AdminMapping.toProto(e.getValue()))
                        .setDeleted(true))
                .build());
      }
    }
  }

  private void addNodeChanges(
      ClusterState before, ClusterState next, long index, long now, List<Event> out) {
    Optional<NodeId> l = leader;
    for (Map.Entry<NodeId, NodeInfo> e : next.nodes().entrySet()) {
      NodeInfo old = before.nodes().get(e.getKey());
      if (old == null || !old.equals(e.getValue())) {
        out.add(
            event(index, now).setNodeChanged(nodeChanged(e.getValue(), next, l, false)).build());
      }
    }
    for (Map.Entry<NodeId, NodeInfo> e : before.nodes().entrySet()) {
      if (!next.nodes().containsKey(e.getKey())) {
        out.add(event(index, now).setNodeChanged(nodeChanged(e.getValue(), next, l, true)).build());
      }
    }
  }

  private NodeChanged.Builder nodeChanged(
      NodeInfo n, ClusterState s, Optional<NodeId> l, boolean removed) {
    return NodeChanged.newBuilder()
        .setNode(
            AdminMapping.toProto(
                n, s, adminAddressOf.apply(n.id()), l.map(n.id()::equals).orElse(false)))
        .setRemoved(removed);
  }

  private static Event.Builder event(long index, long now) {
    return Event.newBuilder().setIndex(index).setUnixMs(now);
  }

  private static String reason(AssignmentChange.Cause c) {
    return c.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  private synchronized void publish(List<Event> out) {
    for (Event e : out) {
      events.addLast(e);
      if (events.size() > capacity) {
        Event dropped = events.removeFirst();
        oldestIndex = Math.max(oldestIndex, dropped.getIndex() + 1);
      }
    }
    subscribers.removeIf(s -> !s.deliver(out));
  }

  /**
   * Streams every kept event with index >= {@code fromIndex} (0 = only new ones), then live ones,
   * until the client cancels.
   */
  public synchronized void subscribe(long fromIndex, ServerCallStreamObserver<Event> stream) {
    if (fromIndex != 0 && fromIndex < oldestIndex) {
      stream.onError(
          Status.OUT_OF_RANGE
              .withDescription(
                  "events before index "
                      + oldestIndex
                      + " are no longer kept on this node; resume from "
                      + oldestIndex
                      + " (and re-read the state with ListVips/ListNodes)")
              .asRuntimeException());
      return;
    }
    Subscriber s = new Subscriber(stream);
    stream.setOnCancelHandler(() -> s.cancelled = true);
    if (fromIndex != 0) {
      List<Event> backlog = events.stream().filter(e -> e.getIndex() >= fromIndex).toList();
      if (!s.deliver(backlog)) {
        return;
      }
    }
    subscribers.add(s);
  }

  /** The oldest index a stream can resume from. */
  public synchronized long oldestIndex() {
    return oldestIndex;
  }

  /** Ends every stream (node shutting down). */
  public synchronized void close() {
    for (Subscriber s : subscribers) {
      if (!s.cancelled) {
        try {
          s.stream.onError(
              Status.UNAVAILABLE
                  .withDescription("the node is shutting down; resume on another node")
                  .asRuntimeException());
        } catch (RuntimeException ignored) {
          // The stream is gone already.
        }
      }
    }
    subscribers.clear();
  }

  private static final class Subscriber {
    final ServerCallStreamObserver<Event> stream;
    volatile boolean cancelled;
    int queuedWhileNotReady;

    Subscriber(ServerCallStreamObserver<Event> stream) {
      this.stream = stream;
    }

    /** Sends {@code out}; false when the stream is finished (cancelled, failed or too slow). */
    boolean deliver(List<Event> out) {
      if (cancelled) {
        return false;
      }
      try {
        for (Event e : out) {
          if (stream.isReady()) {
            queuedWhileNotReady = 0;
          } else if (++queuedWhileNotReady > BACKLOG_MAX) {
            stream.onError(
                Status.RESOURCE_EXHAUSTED
                    .withDescription(
                        "the client reads events too slowly; resume from index " + e.getIndex())
                    .asRuntimeException());
            return false;
          }
          stream.onNext(e);
        }
        return true;
      } catch (RuntimeException gone) {
        return false;
      }
    }
  }
}
