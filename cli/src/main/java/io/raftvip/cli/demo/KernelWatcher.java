package io.raftvip.cli.demo;

import io.raftvip.netio.MacAddress;
import io.raftvip.netio.Neighbour;
import io.raftvip.netio.NetioException;
import io.raftvip.netio.Netlink;
import io.raftvip.testlan.Host;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches the kernels from outside, the way {@code ip neigh} and {@code ip addr} would but over
 * rtnetlink sockets opened in each namespace (forking {@code ip} every few ms would cost more than
 * the thing measured): the client's neighbour entry for the VIP every {@value #CLIENT_PERIOD_MS}
 * ms, and whether each node has the VIP configured every {@value #NODE_PERIOD_MS} ms. Records
 * changes only, with wall-clock times.
 *
 * <p>One named daemon thread; {@link #close} stops it and closes the sockets. Bounded: at most
 * {@value #CHANGES_MAX} changes are kept.
 */
final class KernelWatcher implements AutoCloseable {

  static final long CLIENT_PERIOD_MS = 3;
  static final long NODE_PERIOD_MS = 6;
  static final int CHANGES_MAX = 100_000;

  /** The client's neighbour entry for the VIP changed: its MAC (empty while unresolved), state. */
  record NeighbourChange(long wallMicros, Optional<String> mac, String state) {}

  /** A node's kernel gained or lost the VIP address. */
  record AddressChange(String node, long wallMicros, boolean present) {}

  private final InetAddress vip;
  private final int prefixLength;
  private final Netlink client;
  private final Map<String, Netlink> nodes;
  private final List<NeighbourChange> neighbourChanges = new ArrayList<>();
  private final List<AddressChange> addressChanges = new ArrayList<>();
  private final Thread thread;
  private volatile boolean stopped;
  private int errors;

  private KernelWatcher(
      InetAddress vip, int prefixLength, Netlink client, Map<String, Netlink> nodes) {
    this.vip = vip;
    this.prefixLength = prefixLength;
    this.client = client;
    this.nodes = nodes;
    this.thread = new Thread(this::loop, "demo-kernel-watcher");
    thread.setDaemon(true);
  }

  /** Opens a netlink socket in the client's and in every node's namespace and starts watching. */
  static KernelWatcher start(InetAddress vip, int prefixLength, Host client, List<Host> nodes) {
    Map<String, Netlink> sockets = new LinkedHashMap<>();
    Netlink c = client.inNetns(Netlink::open);
    try {
      for (Host n : nodes) {
        sockets.put(n.name(), n.inNetns(Netlink::open));
      }
    } catch (RuntimeException e) {
      c.close();
      sockets.values().forEach(Netlink::close);
      throw e;
    }
    KernelWatcher w = new KernelWatcher(vip, prefixLength, c, sockets);
    w.thread.start();
    return w;
  }

  private void loop() {
    Optional<String> lastMac = null;
    String lastState = null;
    Map<String, Boolean> present = new LinkedHashMap<>();
    long nextNodes = System.nanoTime();
    while (!stopped) {
      long started = System.nanoTime();
      try {
        Optional<Neighbour> n = client.neighbours().get("eth0", vip);
        Optional<String> mac = n.flatMap(Neighbour::mac).map(MacAddress::toString);
        String state = n.map(Neighbour::stateName).orElse("NONE");
        if (!Objects.equals(mac, lastMac) || !state.equals(lastState)) {
          add(neighbourChanges, new NeighbourChange(Clocks.wallMicros(), mac, state));
          lastMac = mac;
          lastState = state;
        }
        if (started - nextNodes >= 0) {
          nextNodes = started + TimeUnit.MILLISECONDS.toNanos(NODE_PERIOD_MS);
          for (Map.Entry<String, Netlink> e : nodes.entrySet()) {
            boolean has = e.getValue().addresses().find("eth0", vip, prefixLength).isPresent();
            Boolean before = present.put(e.getKey(), has);
            if (before == null || before != has) {
              add(addressChanges, new AddressChange(e.getKey(), Clocks.wallMicros(), has));
            }
          }
        }
      } catch (NetioException | IllegalStateException e) {
        synchronized (this) {
          errors++;
        }
        if (stopped) {
          return;
        }
      }
      long sleep = TimeUnit.MILLISECONDS.toNanos(CLIENT_PERIOD_MS) - (System.nanoTime() - started);
      if (sleep > 0) {
        LockSupport.parkNanos(sleep);
      }
    }
  }

  private synchronized <T> void add(List<T> list, T item) {
    if (list.size() < CHANGES_MAX) {
      list.add(item);
    }
  }

  synchronized List<NeighbourChange> neighbourChanges() {
    return List.copyOf(neighbourChanges);
  }

  synchronized List<AddressChange> addressChanges() {
    return List.copyOf(addressChanges);
  }

  synchronized int errors() {
    return errors;
  }

  @Override
  public void close() {
    stopped = true;
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    client.close();
    nodes.values().forEach(Netlink::close);
  }
}
