package io.raftvip.cli.lan;

import io.raftvip.testlan.Host;
import io.raftvip.testlan.TestLan;
import io.raftvip.testlan.probe.ProbeEvent;
import io.raftvip.testlan.probe.ProbeWire;
import io.raftvip.testlan.probe.Timeline;
import io.raftvip.testlan.probe.VipProber;
import io.raftvip.testlan.probe.VipResponder;
import java.util.ArrayList;
import java.util.List;

/**
 * The probe tools of io.raftvip.testlan.probe, run inside this JVM (the demo, the agent tests) with
 * their sockets opened in the LAN's namespaces (no child JVM to start on a busy host): a {@link
 * VipResponder} per node, which answers exactly the probes its kernel delivers for the VIP (so only
 * an unfenced holder answers), and, per measurement, a {@link VipProber} in the client namespace.
 * Responders run until {@link #close()}; each {@link Run} is bounded by {@link #RUN_MAX_MS} and its
 * own event bound.
 */
public final class VipProbes implements AutoCloseable {

  static final long RESPONDER_MAX_MS = 1_800_000;
  static final long RUN_MAX_MS = 120_000;
  static final long EVENTS_MAX = 2_000_000;

  private final TestLan lan;
  private final String vip;
  private final List<VipResponder> responders = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();

  private VipProbes(TestLan lan, String vip) {
    this.lan = lan;
    this.vip = vip;
  }

  /** Starts a responder in every node of {@code lan}. */
  public static VipProbes start(TestLan lan, String vip) {
    VipProbes p = new VipProbes(lan, vip);
    try {
      for (Host h : lan.nodes()) {
        VipResponder r =
            h.inNetns(
                () -> {
                  VipResponder opened = VipResponder.open(h.name(), ProbeWire.DEFAULT_PORT);
                  opened.warmUp(ProbeWire.DEFAULT_PORT, 200);
                  return opened;
                });
        p.responders.add(r);
        Thread t =
            new Thread(
                () -> r.serve(RESPONDER_MAX_MS, VipResponder.DEFAULT_REPLIES_MAX),
                "responder-" + h.name());
        t.setDaemon(true);
        t.start();
        p.threads.add(t);
      }
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
    return p;
  }

  /** Starts probing from the client; stop the run to get its timeline. */
  public Run probe() {
    VipProber.Options o =
        VipProber.Options.forLan(lan, vip).withDurationMs(RUN_MAX_MS).withEventsMax(EVENTS_MAX);
    List<ProbeEvent> events = new ArrayList<>();
    VipProber prober =
        lan.client()
            .inNetns(
                () ->
                    VipProber.open(
                        o,
                        e -> {
                          synchronized (events) {
                            events.add(e);
                          }
                        }));
    Thread t = new Thread(prober::run, "prober");
    t.setDaemon(true);
    t.start();
    return new Run(o, prober, t, events);
  }

  /** One measurement: the prober runs until {@link #stop()}. */
  public static final class Run implements AutoCloseable {
    private final VipProber.Options options;
    private final VipProber prober;
    private final Thread thread;
    private final List<ProbeEvent> events;
    private final long startMicros = KernelView.nowMicros();

    private Run(
        VipProber.Options options, VipProber prober, Thread thread, List<ProbeEvent> events) {
      this.options = options;
      this.prober = prober;
      this.thread = thread;
      this.events = events;
    }

    /** What this run sends and how often. */
    public VipProber.Options options() {
      return options;
    }

    /** Everything recorded so far (the prober keeps running). */
    public Timeline snapshot() {
      synchronized (events) {
        return Timeline.of(List.copyOf(events));
      }
    }

    public long startMicros() {
      return startMicros;
    }

    /** Answers from {@code node} to UDP probes (through the client's stack) so far. */
    public int udpAnswersFrom(String node, long sinceMicros) {
      synchronized (events) {
        int n = 0;
        for (ProbeEvent e : events) {
          if (e.kind() == ProbeEvent.Kind.UDP_REPLY
              && e.epochMicros() >= sinceMicros
              && node.equals(e.identity())) {
            n++;
          }
        }
        return n;
      }
    }

    /** Stops probing and returns everything recorded. */
    public Timeline stop() throws InterruptedException {
      prober.stop("done");
      prober.awaitFinished(10_000);
      prober.close();
      thread.join(5_000);
      synchronized (events) {
        return Timeline.of(events);
      }
    }

    @Override
    public void close() {
      prober.close();
    }
  }

  @Override
  public void close() {
    responders.forEach(VipResponder::close);
    for (Thread t : threads) {
      try {
        t.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
