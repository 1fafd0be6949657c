package io.raftvip.netio.announce;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * An {@link Announcer} that sends nothing and records what it was asked, for coordinator tests.
 * Bursts complete at once with all rounds "sent" (or {@code ownershipLost} if the check says no);
 * probes answer with a configurable function (default: no conflict). Thread-safe.
 */
public final class RecordingAnnouncer implements Announcer {
  private final List<Announcement> sent = new CopyOnWriteArrayList<>();
  private final Map<InetAddress, Long> refreshPeriodMsByVip = new ConcurrentHashMap<>();
  private final List<ArpProbe> probes = new CopyOnWriteArrayList<>();
  private volatile Function<ArpProbe, ProbeResult> probeAnswer =
      p -> new ProbeResult.NoConflict(p.candidate(), p.probeCount(), 0);
  private volatile boolean closed;

  /** Sets how probes are answered. */
  public void answerProbesWith(Function<ArpProbe, ProbeResult> answer) {
    this.probeAnswer = Objects.requireNonNull(answer, "answer");
  }

  @Override
  public void sendOnce(Announcement a) {
    requireOpen();
    sent.add(a);
  }

  @Override
  public CompletableFuture<AnnounceReport> announce(Announcement a) {
    requireOpen();
    if (!a.stillOwned().getAsBoolean()) {
      return CompletableFuture.completedFuture(new AnnounceReport(a.vip(), 0, true));
    }
    sent.add(a);
    return CompletableFuture.completedFuture(new AnnounceReport(a.vip(), a.count(), false));
  }

  @Override
  public void startRefresh(Announcement a, long periodMs) {
    requireOpen();
    refreshPeriodMsByVip.put(a.vip(), periodMs);
  }

  @Override
  public boolean stopRefresh(InetAddress vip) {
    return refreshPeriodMsByVip.remove(vip) != null;
  }

  @Override
  public Set<InetAddress> refreshing() {
    return Set.copyOf(refreshPeriodMsByVip.keySet());
  }

  @Override
  public CompletableFuture<ProbeResult> probe(ArpProbe p) {
    requireOpen();
    probes.add(p);
    return CompletableFuture.completedFuture(probeAnswer.apply(p));
  }

  /** Every announcement sent or burst started, in order. */
  public List<Announcement> sent() {
    return List.copyOf(sent);
  }

  /** Every probe asked for, in order. */
  public List<ArpProbe> probes() {
    return List.copyOf(probes);
  }

  @Override
  public void close() {
    closed = true;
    refreshPeriodMsByVip.clear();
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("announcer is closed");
    }
  }
}
