package io.raftvip.coordinator.notify;

import io.raftvip.coordinator.api.RaftVipNode;
import io.raftvip.coordinator.api.RaftVipNode.VipEvent;
import io.raftvip.coordinator.core.VipName;
import io.raftvip.coordinator.health.BoundedProcess;
import io.raftvip.coordinator.health.HealthCheck;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator scripts on ownership events: a {@link RaftVipNode.Listener} that runs the script
 * configured for an event's kind with three more arguments, {@code <event> <vip> <epoch>} (event
 * one of {@code owner}, {@code released}, {@code stopped}, {@code lease-lost}; epoch {@code -} for
 * the kinds that carry none).
 *
 * <p>{@link #onEvent} only enqueues: scripts run one at a time, in event order, on this object's
 * own thread, so a slow script never delays the reconciler. The queue is bounded; an event that
 * does not fit is dropped and logged (the script learns the current state from the next event, or
 * from {@code raftvip status}). Each run has a timeout, after which the script and its descendants
 * are killed by PID; its exit code is logged. Scripts are notifications, never part of the fence:
 * the address is already up (owner) or down (released, stopped, lease-lost) when they start.
 */
public final class NotifyHooks implements RaftVipNode.Listener, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NotifyHooks.class);

  /** Script output kept for the log line of a failed run. */
  static final int OUTPUT_BYTES_MAX = 2048;

  /** The ownership events a script can be attached to. */
  public enum Kind {
    /** {@link VipEvent.BecameOwner}: this node serves the VIP. */
    BECAME_OWNER("owner"),
    /** {@link VipEvent.Released}: this node handed the VIP over. */
    RELEASED("released"),
    /** {@link VipEvent.Stopped}: this node stopped serving a VIP no longer its own. */
    STOPPED("stopped"),
    /** {@link VipEvent.LeaseLost}: this node stopped serving because its lease lapsed. */
    LEASE_LOST("lease-lost");

    private final String argument;

    Kind(String argument) {
      this.argument = argument;
    }

    /** The event argument passed to scripts. */
    public String argument() {
      return argument;
    }
  }

  /**
   * One finished script run, for observers (tests, metrics).
   *
   * @param kind the event kind
   * @param vip the VIP
   * @param epoch the event's epoch, if it has one
   * @param command the full command line run
   * @param outcome exit code or timeout, output, elapsed time; empty when the script could not be
   *     started
   */
  public record Run(
      Kind kind,
      VipName vip,
      OptionalLong epoch,
      List<String> command,
      Optional<BoundedProcess.Outcome> outcome) {}

  private final Map<Kind, List<String>> scripts;
  private final Duration timeout;
  private final Consumer<Run> observer;
  private final ThreadPoolExecutor thread;
  private final AtomicLong dropped = new AtomicLong();

  private NotifyHooks(Builder b) {
    this.scripts = new EnumMap<>(b.scripts);
    this.timeout = b.timeout;
    this.observer = b.observer;
    this.thread =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(b.queueMax),
            r -> {
              Thread t = new Thread(r, "raftvip-notify");
              t.setDaemon(true);
              return t;
            });
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Settings; each setter validates on the spot. */
  public static final class Builder {
    private final Map<Kind, List<String>> scripts = new EnumMap<>(Kind.class);
    private Duration timeout = Duration.ofSeconds(10);
    private int queueMax = 64;
    private Consumer<Run> observer = r -> {};

    private Builder() {}

    /**
     * The command to run on {@code kind} (program and arguments, no shell); the event, VIP and
     * epoch are appended. One command per kind; the same command may serve several kinds.
     */
    public Builder script(Kind kind, List<String> command) {
      Objects.requireNonNull(kind, "kind");
      List<String> checked = BoundedProcess.checkCommand(command, "notify script " + kind.argument);
      if (scripts.containsKey(kind)) {
        throw new IllegalArgumentException(
            "notify script for " + kind.argument + " was already set to " + scripts.get(kind));
      }
      scripts.put(kind, checked);
      return this;
    }

    /** How long one run may take before it is killed; 1 ms .. 5 min, default 10 s. */
    public Builder timeout(Duration timeout) {
      this.timeout = HealthCheck.checkTimeout(timeout, Duration.ofMinutes(5), "notify scripts");
      return this;
    }

    /** Events waiting beyond the running one before new ones are dropped; 1..4096, default 64. */
    public Builder queueMax(int queueMax) {
      if (queueMax < 1 || queueMax > 4096) {
        throw new IllegalArgumentException(
            "notify queue size " + queueMax + " must be between 1 and 4096");
      }
      this.queueMax = queueMax;
      return this;
    }

    /** Hears every finished run on the notify thread. */
    public Builder observer(Consumer<Run> observer) {
      this.observer = Objects.requireNonNull(observer, "observer");
      return this;
    }

    public NotifyHooks build() {
      return new NotifyHooks(this);
    }
  }

  /** Enqueues the script for {@code event}, if one is configured; never blocks. */
  @Override
  public void onEvent(VipEvent event) {
    Kind kind;
    OptionalLong epoch = OptionalLong.empty();
    if (event instanceof VipEvent.BecameOwner e) {
      kind = Kind.BECAME_OWNER;
      epoch = OptionalLong.of(e.epoch());
    } else if (event instanceof VipEvent.Released e) {
      kind = Kind.RELEASED;
      epoch = OptionalLong.of(e.epoch());
    } else if (event instanceof VipEvent.Stopped) {
      kind = Kind.STOPPED;
    } else if (event instanceof VipEvent.LeaseLost) {
      kind = Kind.LEASE_LOST;
    } else {
      return; // EffectFailed: the reconciler's business, logged there
    }
    List<String> script = scripts.get(kind);
    if (script == null) {
      return;
    }
    List<String> command = new ArrayList<>(script);
    command.add(kind.argument);
    command.add(event.vip().value());
    command.add(epoch.isPresent() ? Long.toString(epoch.getAsLong()) : "-");
    Kind k = kind;
    OptionalLong ep = epoch;
    try {
      thread.execute(() -> run(k, event.vip(), ep, List.copyOf(command)));
    } catch (RejectedExecutionException full) {
      long n = dropped.incrementAndGet();
      log.warn(
          "notify queue full or closed: {} for {} dropped ({} dropped so far)",
          kind.argument,
          event.vip(),
          n);
    }
  }

  /** Events dropped because the queue was full (or the hooks closed). */
  public long dropped() {
    return dropped.get();
  }

  private void run(Kind kind, VipName vip, OptionalLong epoch, List<String> command) {
    Optional<BoundedProcess.Outcome> outcome = Optional.empty();
    try {
      BoundedProcess.Outcome o = BoundedProcess.run(command, timeout, OUTPUT_BYTES_MAX);
      outcome = Optional.of(o);
      if (o.timedOut()) {
        log.warn(
            "notify {} {}: {} timed out after {} ms; killed pid {} and its descendants ({})",
            kind.argument,
            vip,
            command.get(0),
            timeout.toMillis(),
            o.pid(),
            o.killed());
      } else if (o.exitCode().getAsInt() != 0) {
        log.warn(
            "notify {} {}: {} exited {} in {} ms: {}",
            kind.argument,
            vip,
            command.get(0),
            o.exitCode().getAsInt(),
            o.elapsedMs(),
            o.firstLine());
      } else {
        log.info(
            "notify {} {}: {} exited 0 in {} ms",
            kind.argument,
            vip,
            command.get(0),
            o.elapsedMs());
      }
    } catch (IOException e) {
      log.warn(
          "notify {} {}: cannot start {}: {}", kind.argument, vip, command.get(0), e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closing; the process tree was killed
      return;
    }
    try {
      observer.accept(new Run(kind, vip, epoch, command, outcome));
    } catch (RuntimeException bad) {
      log.warn("notify observer threw", bad);
    }
  }

  /**
   * Stops: queued events are dropped, a running script is killed (by PID, with its descendants).
   */
  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
