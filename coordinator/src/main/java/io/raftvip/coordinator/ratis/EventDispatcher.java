package io.raftvip.coordinator.ratis;

import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers {@link StateListener} events on one named thread, in the order they were posted, so that
 * Ratis callbacks only enqueue and never run listener code (some hold the RaftServerImpl monitor,
 * shared/reference/ratis.md A.1).
 *
 * <p>{@link #post} never blocks: the queue is bounded and a full queue drops the event and counts
 * it; the listener hears {@link StateListener#onEventsDropped} before its next event.
 */
final class EventDispatcher implements AutoCloseable {

  /** Events that may wait; a few seconds of a busy log at the measured ~100 commits/s. */
  static final int CAPACITY_DEFAULT = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);
  private static final long POLL_MS = 100;

  private record Event(String what, Consumer<StateListener> call) {}

  private final StateListener listener;
  private final ArrayBlockingQueue<Event> queue;
  private final AtomicLong dropped = new AtomicLong();
  private final Thread thread;
  private volatile boolean closing;
  private volatile long drainDeadlineNanos;

  EventDispatcher(String threadName, StateListener listener, int capacity) {
    Objects.requireNonNull(threadName, "threadName");
    this.listener = Objects.requireNonNull(listener, "listener");
    if (capacity < 1) {
      throw new IllegalArgumentException("event queue capacity " + capacity + " must be >= 1");
    }
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.thread = new Thread(this::run, threadName);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** The delivery thread's name. */
  String threadName() {
    return thread.getName();
  }

  /** Queues {@code call} for the listener; never blocks. Ignored once closing. */
  void post(String what, Consumer<StateListener> call) {
    if (closing) {
      return;
    }
    if (!queue.offer(new Event(what, call))) {
      long n = dropped.incrementAndGet();
      if (n == 1) {
        LOG.warn(
            "{}: listener is {} events behind; dropping {}", thread.getName(), queue.size(), what);
      }
    }
  }

  private void run() {
    while (true) {
      Event e;
      try {
        e = queue.poll(POLL_MS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException ie) {
        return;
      }
      long lost = dropped.getAndSet(0);
      if (lost > 0) {
        deliver(new Event("onEventsDropped(" + lost + ")", l -> l.onEventsDropped(lost)));
      }
      if (e != null) {
        deliver(e);
      }
      if (closing && (e == null || System.nanoTime() - drainDeadlineNanos > 0)) {
        return;
      }
    }
  }

  private void deliver(Event e) {
    try {
      e.call().accept(listener);
    } catch (RuntimeException | Error x) {
      // A listener bug must not stop later events (or the thread).
      LOG.error("{}: listener failed in {}", thread.getName(), e.what(), x);
    }
  }

  /**
   * Stops accepting events, delivers what is queued for at most {@code drainMs}, then stops the
   * thread. Idempotent.
   */
  void close(long drainMs) {
    if (!closing) {
      drainDeadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(drainMs);
      closing = true;
    }
    if (Thread.currentThread() == thread) {
      return;
    }
    try {
      thread.join(drainMs + 2 * POLL_MS);
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(POLL_MS);
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
    if (!queue.isEmpty()) {
      LOG.warn("{}: closed with {} undelivered events", thread.getName(), queue.size());
    }
  }

  @Override
  public void close() {
    close(1000);
  }
}
