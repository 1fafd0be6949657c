package io.raftvip.bench.failover;

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
 * The probe tools of io.raftvip.testlan.probe, run inside this JVM with their sockets opened in the
 * LAN's namespaces (no child JVM to start on a busy host): a {@link VipResponder} per node, which
 * answers exactly the probes its kernel delivers for the VIP (so only an unfenced holder answers),
 * and, per measurement, a {@link VipProber} in the client namespace. Responders run until {@link
 * #close()}; each {@link Run} is bounded by {@link #RUN_MAX_MS} and its own event bound.
 */
final class VipProbes implements AutoCloseable {

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
  static VipProbes start(TestLan lan, String vip) {
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
  Run probe() {
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
    return new Run(prober, t, events);
  }

  /** One measurement: the prober runs until {@link #stop()}. */
  static final class Run implements AutoCloseable {
    private final VipProber prober;
    private final Thread thread;
    private final List<ProbeEvent> events;
    private final long startMicros = KernelView.nowMicros();

    private Run(VipProber prober, Thread thread, List<ProbeEvent> events) {
      this.prober = prober;
      this.thread = thread;
      this.events = events;
    }

    long startMicros() {
      return startMicros;
    }

    /** Answers from {@code node} to UDP probes (through the client's stack) so far. */
    int udpAnswersFrom(String node, long sinceMicros) {
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
    Timeline stop() throws InterruptedException {
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
