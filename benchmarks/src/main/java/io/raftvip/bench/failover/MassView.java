package io.raftvip.bench.failover;

import io.raftvip.cli.lan.KernelView;
import io.raftvip.netio.InterfaceAddress;
import io.raftvip.netio.NetioException;
import io.raftvip.netio.Netlink;
import io.raftvip.testlan.Host;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * For a mass failover: how many of the benchmark's VIPs each node's eth0 carries, sampled every
 * {@link #PERIOD_MS} over rtnetlink sockets opened in the node namespaces. One daemon thread;
 * rounds kept bounded by {@link #ROUNDS_MAX}.
 */
final class MassView implements AutoCloseable {

  static final long PERIOD_MS = 25;
  static final int ROUNDS_MAX = 100_000;

  /** One sample: per node (index i-1) how many of the VIPs it has configured. */
  record Round(long micros, int[] counts) {}

  private final Set<InetAddress> vips = new HashSet<>();
  private final List<Netlink> links = new ArrayList<>();
  private final List<Round> rounds = new ArrayList<>();
  private final Thread thread = new Thread(this::loop, "mass-view");
  private volatile boolean stopped;

  private MassView(String vip, int vipCount) {
    try {
      vips.add(InetAddress.getByName(vip));
      for (int v = 1; v < vipCount; v++) {
        vips.add(InetAddress.getByName(RaftvipCluster.extraVip(v)));
      }
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
    thread.setDaemon(true);
  }

  static MassView start(List<Host> nodes, String vip, int vipCount) {
    MassView v = new MassView(vip, vipCount);
    try {
      for (Host h : nodes) {
        v.links.add(h.inNetns(Netlink::open));
      }
    } catch (RuntimeException e) {
      v.close();
      throw e;
    }
    v.thread.start();
    return v;
  }

  private void loop() {
    while (!stopped) {
      long started = System.nanoTime();
      int[] counts = new int[links.size()];
      try {
        for (int i = 0; i < links.size(); i++) {
          for (InterfaceAddress a : links.get(i).addresses().list("eth0")) {
            if (vips.contains(a.address())) {
              counts[i]++;
            }
          }
        }
        synchronized (this) {
          if (rounds.size() < ROUNDS_MAX) {
            rounds.add(new Round(KernelView.nowMicros(), counts));
          }
        }
      } catch (NetioException | IllegalStateException e) {
        if (stopped) {
          return;
        }
      }
      long sleep = TimeUnit.MILLISECONDS.toNanos(PERIOD_MS) - (System.nanoTime() - started);
      if (sleep > 0) {
        LockSupport.parkNanos(sleep);
      }
    }
  }

  /**
   * Time of the first round at or after {@code fromMicros} in which nodes other than {@code old}
   * (1-based) carry every VIP; -1 when none did.
   */
  synchronized long allElsewhereMicros(int old, long fromMicros) {
    for (Round r : rounds) {
      if (r.micros() < fromMicros) {
        continue;
      }
      int elsewhere = 0;
      for (int i = 0; i < r.counts().length; i++) {
        if (i != old - 1) {
          elsewhere += r.counts()[i];
        }
      }
      if (elsewhere >= vips.size()) {
        return r.micros();
      }
    }
    return -1;
  }

  /** The first round at or after {@code fromMicros} in which {@code old} carries none; -1. */
  synchronized long noneOnMicros(int old, long fromMicros, long toMicros) {
    for (Round r : rounds) {
      if (r.micros() >= fromMicros && r.micros() <= toMicros && r.counts()[old - 1] == 0) {
        return r.micros();
      }
    }
    return -1;
  }

  /** VIPs on {@code node} (1-based) in the last round before {@code micros}; -1 unknown. */
  synchronized int countOn(int node, long micros) {
    int n = -1;
    for (Round r : rounds) {
      if (r.micros() >= micros) {
        break;
      }
      n = r.counts()[node - 1];
    }
    return n;
  }

  synchronized void forgetBefore(long micros) {
    rounds.removeIf(r -> r.micros() < micros);
  }

  @Override
  public void close() {
    stopped = true;
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    links.forEach(Netlink::close);
  }
}
