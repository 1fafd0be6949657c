package io.raftvip.coordinator.health;

import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.NodeInfo;
import io.raftvip.coordinator.core.VipSpec;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs this node's health checks and keeps the replicated state's view of them right.
 *
 * <p>Every check runs on its own schedule on a bounded check pool (one thread per check, and at
 * most one run per check at a time, so a hung check can never starve another). Results feed the
 * check's {@link RiseFall}; a verdict change is reported as {@link Command.ReportHealth} through
 * the caller's submit function, retried with backoff ({@value #SUBMIT_ATTEMPTS_MAX} attempts) when
 * the submit fails, and announced as a {@link HealthChanged} event.
 *
 * <p>Every {@code reconcileInterval} the monitor compares its verdicts with the node's health in
 * the locally applied state and re-reports a check whose replicated value differs: a report lost to
 * a leader change, a node that re-joined after expiry (apply resets its health to "never reported",
 * which counts as unhealthy), or a restart with persisted state. An UNKNOWN verdict is never
 * reported; the state's value stands until rise or fall is reached.
 */
public final class HealthMonitor implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);

  /** A run gets this long beyond its check's timeout before it counts as failed. */
  public static final long TIMEOUT_GRACE_MS = 50;

  /** Most checks per node. */
  public static final int CHECKS_MAX = 64;

  /** Submits of one report before giving up until the next reconcile. */
  static final int SUBMIT_ATTEMPTS_MAX = 6;

  static final long SUBMIT_BACKOFF_FIRST_MS = 100;
  static final long SUBMIT_BACKOFF_MAX_MS = 2_000;

  /** A submit whose future has not completed after this counts as failed. */
  static final long SUBMIT_WAIT_MS = 5_000;

  /**
   * A check's verdict changed on this node.
   *
   * @param node this node
   * @param check the check's name
   * @param verdict the new verdict (HEALTHY or UNHEALTHY)
   * @param last the run that completed the streak
   */
  public record HealthChanged(NodeId node, String check, Verdict verdict, CheckResult last) {
    public HealthChanged {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(check, "check");
      Objects.requireNonNull(verdict, "verdict");
      Objects.requireNonNull(last, "last");
    }
  }

  /** Hears verdict changes on the monitor's scheduler thread; must return quickly. */
  @FunctionalInterface
  public interface Listener {
    Listener NONE = event -> {};

    void onHealthChanged(HealthChanged event);
  }

  /**
   * A check to run, validated on construction.
   *
   * @param name the name VIP specs list in their health checks (a DNS label, as the core requires)
   * @param check what to run
   * @param schedule when, and how results are debounced; the check's timeout must not exceed its
   *     interval (a run that overruns into the next interval makes the monitor skip that start)
   */
  public record Registration(String name, HealthCheck check, CheckSchedule schedule) {
    public Registration {
      VipSpec.checkHealthCheckName(name);
      Objects.requireNonNull(check, "check " + name);
      Objects.requireNonNull(schedule, "schedule of check " + name);
      Duration timeout = HealthCheck.checkTimeout(check.timeout(), "check " + name);
      if (timeout.compareTo(schedule.interval()) > 0) {
        throw new IllegalArgumentException(
            "timeout "
                + timeout.toMillis()
                + " ms of check "
                + name
                + " must not exceed its interval of "
                + schedule.intervalMs()
                + " ms");
      }
    }
  }

  /** One registered check. Fields are touched on the scheduler thread only unless marked. */
  private static final class Slot {
    final String name;
    final HealthCheck check;
    final CheckSchedule schedule;
    RiseFall machine;
    volatile Verdict published = Verdict.UNKNOWN; // read by verdicts() on any thread
    long runId;
    boolean awaitingResult;
    Future<?> inflight;
    final AtomicBoolean busy = new AtomicBoolean(); // set by the scheduler, cleared by the runner
    Boolean submitting; // the value being submitted, null when none
    boolean retryPending;
    int attempts;
    long lastSubmitNanos = Long.MIN_VALUE;

    Slot(String name, HealthCheck check, CheckSchedule schedule) {
      this.name = name;
      this.check = check;
      this.schedule = schedule;
      this.machine = RiseFall.start(schedule.rise(), schedule.fall());
    }
  }

  private final NodeId self;
  private final Function<Command, CompletableFuture<?>> submitter;
  private final Supplier<ClusterState> state;
  private final Listener listener;
  private final long reconcileIntervalMs;
  private final List<Slot> slots;
  private final ScheduledThreadPoolExecutor scheduler;
  private final ThreadPoolExecutor runners;
  private volatile boolean closed;

  private HealthMonitor(Builder b) {
    this.self = b.self;
    this.submitter = b.submitter;
    this.state = b.state;
    this.listener = b.listener;
    this.reconcileIntervalMs = b.reconcileInterval.toMillis();
    this.slots = List.copyOf(b.slots.values());
    String node = self.value();
    this.scheduler = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "raftvip-health-" + node));
    this.scheduler.setRemoveOnCancelPolicy(true);
    int n = Math.max(1, slots.size());
    AtomicInteger count = new AtomicInteger();
    // One thread per check and at most one run per check in flight: the queue never fills.
    this.runners =
        new ThreadPoolExecutor(
            n,
            n,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(n),
            r -> daemon(r, "raftvip-health-check-" + node + "-" + count.incrementAndGet()));
  }

  public static Builder builder(NodeId self) {
    return new Builder(self);
  }

  /** Settings; each setter validates on the spot. */
  public static final class Builder {
    private final NodeId self;
    private Function<Command, CompletableFuture<?>> submitter;
    private Supplier<ClusterState> state;
    private Listener listener = Listener.NONE;
    private Duration reconcileInterval = Duration.ofSeconds(1);
    private final Map<String, Slot> slots = new LinkedHashMap<>();

    private Builder(NodeId self) {
      this.self = Objects.requireNonNull(self, "self");
    }

    /**
     * Where reports go, e.g. {@code c -> raft.submit(c, timeout)}; the future completes
     * exceptionally when the command was not committed or was rejected. Called on the monitor's
     * scheduler thread: it must not block.
     */
    public Builder submitter(Function<Command, CompletableFuture<?>> submitter) {
      this.submitter = Objects.requireNonNull(submitter, "submitter");
      return this;
    }

    /** The locally applied replicated state (non-blocking read). */
    public Builder replicatedState(Supplier<ClusterState> state) {
      this.state = Objects.requireNonNull(state, "replicatedState");
      return this;
    }

    public Builder listener(Listener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** How often verdicts are compared with the replicated state; 10 ms .. 10 min, default 1 s. */
    public Builder reconcileInterval(Duration interval) {
      Objects.requireNonNull(interval, "reconcileInterval");
      if (interval.compareTo(Duration.ofMillis(10)) < 0
          || interval.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException(
            "reconcile interval " + interval.toMillis() + " ms must be between 10 ms and 10 min");
      }
      this.reconcileInterval = interval;
      return this;
    }

    /**
     * Registers a check.
     *
     * @throws IllegalArgumentException for a duplicate name or too many checks
     */
    public Builder check(Registration r) {
      Objects.requireNonNull(r, "registration");
      if (slots.containsKey(r.name())) {
        throw new IllegalArgumentException("check " + r.name() + " was already added");
      }
      if (slots.size() >= CHECKS_MAX) {
        throw new IllegalArgumentException(
            "more than " + CHECKS_MAX + " checks; " + r.name() + " refused");
      }
      slots.put(r.name(), new Slot(r.name(), r.check(), r.schedule()));
      return this;
    }

    /** Registers check {@code name}; see {@link Registration}. */
    public Builder check(String name, HealthCheck check, CheckSchedule schedule) {
      return check(new Registration(name, check, schedule));
    }

    /** Starts the scheduler; the first run of every check starts at once. */
    public HealthMonitor start() {
      Objects.requireNonNull(submitter, "submitter must be set");
      Objects.requireNonNull(state, "replicatedState must be set");
      HealthMonitor m = new HealthMonitor(this);
      m.begin();
      return m;
    }
  }

  private void begin() {
    for (Slot s : slots) {
      scheduler.scheduleWithFixedDelay(
          () -> tick(s), 0, s.schedule.intervalMs(), TimeUnit.MILLISECONDS);
    }
    scheduler.scheduleWithFixedDelay(
        this::reconcile, reconcileIntervalMs, reconcileIntervalMs, TimeUnit.MILLISECONDS);
  }

  /** This node's id. */
  public NodeId node() {
    return self;
  }

  /** Every check's current verdict, by name in registration order (any thread). */
  public Map<String, Verdict> verdicts() {
    Map<String, Verdict> out = new LinkedHashMap<>();
    for (Slot s : slots) {
      out.put(s.name, s.published);
    }
    return Collections.unmodifiableMap(out);
  }

  // ---- scheduler thread ----

  private void tick(Slot s) {
    if (closed) {
      return;
    }
    if (s.awaitingResult) {
      // The last run may use its timeout plus the grace, past this start: skip it, never overlap.
      return;
    }
    if (s.busy.get()) {
      // The last run timed out and ignored the interrupt; it still holds the check's thread.
      observe(s, CheckResult.fail("previous run still hung after its timeout"));
      return;
    }
    long id = ++s.runId;
    s.awaitingResult = true;
    s.busy.set(true);
    try {
      s.inflight = runners.submit(() -> runOnce(s, id));
    } catch (RejectedExecutionException closing) {
      s.busy.set(false);
      s.awaitingResult = false;
      return;
    }
    long waitMs = s.check.timeout().toMillis() + TIMEOUT_GRACE_MS;
    scheduler.schedule(
        () -> {
          if (s.runId == id && s.awaitingResult) {
            s.inflight.cancel(true);
            onResult(s, id, CheckResult.fail("no result within " + waitMs + " ms"));
          }
        },
        waitMs,
        TimeUnit.MILLISECONDS);
  }

  /** On a check thread. */
  private void runOnce(Slot s, long id) {
    CheckResult r;
    try {
      r = Objects.requireNonNull(s.check.run(), "result");
    } catch (InterruptedException e) {
      r = CheckResult.fail("interrupted");
    } catch (Exception e) {
      r = CheckResult.fail("check threw " + e);
    } finally {
      s.busy.set(false);
    }
    CheckResult result = r;
    post(() -> onResult(s, id, result));
  }

  private void onResult(Slot s, long id, CheckResult r) {
    if (id != s.runId || !s.awaitingResult) {
      return; // a late result of a run already counted as timed out
    }
    s.awaitingResult = false;
    s.inflight = null;
    observe(s, r);
  }

  private void observe(Slot s, CheckResult r) {
    RiseFall.Step step = s.machine.observe(r.passed());
    s.machine = step.next();
    log.trace("{}: check {} {}: {}", self, s.name, r.passed() ? "passed" : "failed", r.reason());
    if (step.changedTo().isEmpty()) {
      return;
    }
    Verdict v = step.changedTo().get();
    s.published = v;
    log.info("{}: check {} is now {} ({})", self, s.name, v, r.reason());
    try {
      listener.onHealthChanged(new HealthChanged(self, s.name, v, r));
    } catch (RuntimeException bad) {
      log.warn("{}: health listener threw on {}", self, s.name, bad);
    }
    s.attempts = 0;
    report(s);
  }

  private void report(Slot s) {
    if (closed
        || s.machine.verdict() == Verdict.UNKNOWN
        || s.submitting != null
        || s.retryPending) {
      return; // a completing submit or a pending retry re-checks the verdict
    }
    boolean value = s.machine.verdict() == Verdict.HEALTHY;
    s.submitting = value;
    s.lastSubmitNanos = System.nanoTime();
    CompletableFuture<?> f;
    try {
      f = submitter.apply(new Command.ReportHealth(self, s.name, value)).copy();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.orTimeout(SUBMIT_WAIT_MS, TimeUnit.MILLISECONDS)
        .whenComplete((ok, error) -> post(() -> submitted(s, value, error)));
  }

  private void submitted(Slot s, boolean value, Throwable error) {
    s.submitting = null;
    boolean stillWanted =
        s.machine.verdict() != Verdict.UNKNOWN && (s.machine.verdict() == Verdict.HEALTHY) == value;
    if (error == null || !stillWanted) {
      if (error == null) {
        log.debug("{}: reported check {} healthy={}", self, s.name, value);
      }
      s.attempts = 0;
      if (!stillWanted) {
        report(s); // the verdict flipped while this one was in flight
      }
      return;
    }
    s.attempts++;
    if (s.attempts >= SUBMIT_ATTEMPTS_MAX) {
      log.warn(
          "{}: reporting check {} healthy={} failed {} times ({}); next try at reconcile",
          self,
          s.name,
          value,
          s.attempts,
          error.toString());
      s.attempts = 0;
      return;
    }
    long backoffMs = Math.min(SUBMIT_BACKOFF_MAX_MS, SUBMIT_BACKOFF_FIRST_MS << (s.attempts - 1));
    log.debug("{}: reporting check {} failed ({}); retry in {} ms", self, s.name, error, backoffMs);
    s.retryPending = true;
    scheduler.schedule(
        () -> {
          s.retryPending = false;
          report(s);
        },
        backoffMs,
        TimeUnit.MILLISECONDS);
  }

  private void reconcile() {
    if (closed) {
      return;
    }
    ClusterState st;
    try {
      st = state.get();
    } catch (RuntimeException e) {
      log.debug("{}: reading the replicated state failed: {}", self, e.toString());
      return;
    }
    Optional<NodeInfo> me = st.node(self);
    if (me.isEmpty()) {
      return; // not joined yet: a report would be rejected (unknown node)
    }
    long now = System.nanoTime();
    for (Slot s : slots) {
      Verdict v = s.machine.verdict();
      if (v == Verdict.UNKNOWN || s.submitting != null || s.retryPending) {
        continue;
      }
      Boolean replicated = me.get().health().get(s.name);
      boolean local = v == Verdict.HEALTHY;
      // The local state may lag a report just committed: give it one interval to show up.
      boolean recent =
          s.lastSubmitNanos != Long.MIN_VALUE
              && now - s.lastSubmitNanos < TimeUnit.MILLISECONDS.toNanos(reconcileIntervalMs);
      if (!Boolean.valueOf(local).equals(replicated) && !recent) {
        log.info(
            "{}: replicated health of check {} is {}, local verdict {}: reporting again",
            self,
            s.name,
            replicated == null ? "unreported" : replicated ? "healthy" : "unhealthy",
            v);
        report(s);
      }
    }
  }

  private void post(Runnable r) {
    try {
      scheduler.execute(r);
    } catch (RejectedExecutionException closing) {
      // Shutting down.
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Stops the scheduler and interrupts running checks (exec checks kill their processes). */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    scheduler.shutdownNow();
    runners.shutdownNow();
    try {
      scheduler.awaitTermination(2, TimeUnit.SECONDS);
      runners.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
