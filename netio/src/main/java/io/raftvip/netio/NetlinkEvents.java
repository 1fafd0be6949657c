package io.raftvip.netio;

import io.raftvip.netio.NetlinkEvent.AddressAdded;
import io.raftvip.netio.NetlinkEvent.AddressRemoved;
import io.raftvip.netio.NetlinkEvent.LinkChanged;
import io.raftvip.netio.NetlinkEvent.LinkRemoved;
import io.raftvip.netio.NetlinkEvent.NeighbourChanged;
import io.raftvip.netio.NetlinkEvent.NeighbourRemoved;
import io.raftvip.netio.NetlinkEvent.Resynced;
import io.raftvip.netio.nl.NetlinkMessage;
import io.raftvip.netio.nl.Rtnl;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscribes to rtnetlink multicast groups (links, IPv4/IPv6 addresses, neighbours) and delivers
 * typed {@link NetlinkEvent}s to a {@link NetlinkListener} on one named daemon thread.
 *
 * <p>Overruns: when the listener falls behind and the socket's receive buffer overflows, the kernel
 * drops notifications and the next receive fails with ENOBUFS. The thread then discards what is
 * still queued (it predates the snapshot), dumps all links and addresses through a second socket
 * and delivers {@link Resynced} with that snapshot.
 *
 * <p>Both sockets are opened by {@link Builder#start()} in the calling thread's network namespace.
 * The thread owns them and closes them when it ends. {@link #close()} stops it within a bound.
 */
public final class NetlinkEvents implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NetlinkEvents.class);

  /** How long one receive waits, so the thread notices a stop request within this bound. */
  static final int POLL_INTERVAL_MS = 100;

  /** Most datagrams discarded after an overrun before the resync dump (bounds the drain loop). */
  static final int DRAIN_DATAGRAMS_MAX = 100_000;

  /** Pause after a receive error, so a persistent failure does not spin the CPU. */
  static final long ERROR_BACKOFF_MS = 100;

  /** The multicast groups one can subscribe to. */
  public enum Group {
    LINK(Rtnl.RTNLGRP_LINK),
    NEIGHBOUR(Rtnl.RTNLGRP_NEIGH),
    IPV4_ADDRESS(Rtnl.RTNLGRP_IPV4_IFADDR),
    IPV6_ADDRESS(Rtnl.RTNLGRP_IPV6_IFADDR);

    private final int rtnlGroup;

    Group(int rtnlGroup) {
      this.rtnlGroup = rtnlGroup;
    }

    public int rtnlGroup() {
      return rtnlGroup;
    }
  }

  private final NetlinkSocket events;
  private final Netlink resync;
  private final NetlinkListener listener;
  private final long stopTimeoutMs;
  private final Thread thread;
  private final AtomicLong overruns = new AtomicLong();
  private final AtomicLong delivered = new AtomicLong();
  private volatile boolean stopping;

  private NetlinkEvents(Builder b) {
    int[] groups = b.groups.stream().mapToInt(Group::rtnlGroup).toArray();
    this.events =
        NetlinkSocket.builder().groups(groups).receiveBufferBytes(b.receiveBufferBytes).open();
    try {
      this.resync = Netlink.open(NetlinkSocket.builder().requestTimeoutMs(b.resyncTimeoutMs));
    } catch (RuntimeException e) {
      events.close();
      throw e;
    }
    this.listener = b.listener;
    this.stopTimeoutMs = b.stopTimeoutMs;
    this.thread = new Thread(this::run, b.threadName);
    this.thread.setDaemon(true);
  }

  public static Builder builder(NetlinkListener listener) {
    return new Builder(listener);
  }

  /** How many times the kernel reported ENOBUFS (each followed by a {@link Resynced}). */
  public long overruns() {
    return overruns.get();
  }

  /** How many events were handed to the listener. */
  public long delivered() {
    return delivered.get();
  }

  public boolean isRunning() {
    return thread.isAlive();
  }

  private void run() {
    try {
      while (!stopping) {
        NetlinkSocket.Received r;
        try {
          r = events.receive(POLL_INTERVAL_MS, "receive rtnetlink notifications");
        } catch (RuntimeException e) {
          error(e);
          sleepQuietly(ERROR_BACKOFF_MS);
          continue;
        }
        if (r.overrun()) {
          overruns.incrementAndGet();
          resynchronize();
          continue;
        }
        for (NetlinkMessage m : r.messages()) {
          if (stopping) {
            break;
          }
          Optional<NetlinkEvent> e;
          try {
            e = decode(m);
          } catch (RuntimeException ex) {
            error(ex);
            continue;
          }
          e.ifPresent(this::deliver);
        }
      }
    } finally {
      events.close();
      resync.close();
    }
  }

  private void resynchronize() {
    int drained = 0;
    while (drained < DRAIN_DATAGRAMS_MAX && !stopping) {
      NetlinkSocket.Received r;
      try {
        r = events.receive(0, "drain rtnetlink notifications");
      } catch (RuntimeException e) {
        error(e);
        break;
      }
      if (!r.overrun() && r.messages().isEmpty()) {
        break;
      }
      drained++;
    }
    log.info("rtnetlink notifications overran; discarded {} queued datagrams, resyncing", drained);
    try {
      List<Link> links = resync.links().list();
      List<InterfaceAddress> addresses = resync.addresses().list();
      deliver(new Resynced(links, addresses));
    } catch (RuntimeException e) {
      error(e);
    }
  }

  /** The event for one notification; empty for message types and families not covered. */
  static Optional<NetlinkEvent> decode(NetlinkMessage m) {
    return switch (m.type()) {
      case Rtnl.RTM_NEWLINK -> Optional.of(new LinkChanged(LinkCodec.decode(m)));
      case Rtnl.RTM_DELLINK -> Optional.of(new LinkRemoved(LinkCodec.decode(m)));
      case Rtnl.RTM_NEWADDR -> AddressCodec.decode(m).map(AddressAdded::new);
      case Rtnl.RTM_DELADDR -> AddressCodec.decode(m).map(AddressRemoved::new);
      case Rtnl.RTM_NEWNEIGH -> NeighbourCodec.decode(m).map(NeighbourChanged::new);
      case Rtnl.RTM_DELNEIGH -> NeighbourCodec.decode(m).map(NeighbourRemoved::new);
      default -> Optional.empty();
    };
  }

  private void deliver(NetlinkEvent e) {
    delivered.incrementAndGet();
    try {
      listener.onEvent(e);
    } catch (RuntimeException ex) {
      log.warn("netlink listener threw on {}", e, ex);
    }
  }

  private void error(RuntimeException e) {
    try {
      listener.onError(e);
    } catch (RuntimeException ex) {
      log.warn("netlink listener threw on error {}", e, ex);
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Asks the thread to stop and waits up to {@code timeoutMs}; interrupts it if it is still busy
   * (e.g. a blocked listener) and waits once more as long. Returns whether it ended; if not, it is
   * a daemon and closes its sockets when the listener returns.
   */
  public boolean stop(long timeoutMs) {
    stopping = true;
    try {
      thread.join(timeoutMs);
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(timeoutMs);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    boolean ended = !thread.isAlive();
    if (!ended) {
      log.warn("{} did not stop within {} ms", thread.getName(), 2 * timeoutMs);
    }
    return ended;
  }

  /** {@link #stop} with the builder's stop timeout. */
  @Override
  public void close() {
    stop(stopTimeoutMs);
  }

  /** Settings, each validated on the spot. */
  public static final class Builder {
    private final NetlinkListener listener;
    private Set<Group> groups = EnumSet.allOf(Group.class);
    private int receiveBufferBytes;
    private String threadName = "raftvip-netlink-events";
    private long stopTimeoutMs = 2_000;
    private long resyncTimeoutMs = 5_000;

    private Builder(NetlinkListener listener) {
      if (listener == null) {
        throw new IllegalArgumentException("listener must not be null");
      }
      this.listener = listener;
    }

    /** Groups to join; default all of {@link Group}. */
    public Builder groups(Set<Group> value) {
      if (value.isEmpty()) {
        throw new IllegalArgumentException("subscribe to at least one group");
      }
      this.groups = EnumSet.copyOf(value);
      return this;
    }

    /**
     * SO_RCVBUF of the notification socket; 0 (default) keeps the kernel default. A small value (a
     * few KiB) overruns quickly, which tests use to exercise the resync path.
     */
    public Builder receiveBufferBytes(int bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("receive buffer must not be negative, was " + bytes);
      }
      this.receiveBufferBytes = bytes;
      return this;
    }

    public Builder threadName(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("thread name must not be blank");
      }
      this.threadName = name;
      return this;
    }

    /** How long {@link #close()} waits for the thread (twice, with an interrupt between). */
    public Builder stopTimeoutMs(long ms) {
      if (ms < 1 || ms > 60_000) {
        throw new IllegalArgumentException("stop timeout must be 1..60000 ms, was " + ms);
      }
      this.stopTimeoutMs = ms;
      return this;
    }

    /** Request timeout of the resync dumps. */
    public Builder resyncTimeoutMs(long ms) {
      if (ms < 1 || ms > 600_000) {
        throw new IllegalArgumentException("resync timeout must be 1..600000 ms, was " + ms);
      }
      this.resyncTimeoutMs = ms;
      return this;
    }

    /** Opens both sockets in the calling thread's network namespace and starts the thread. */
    public NetlinkEvents start() {
      NetlinkEvents e = new NetlinkEvents(this);
      e.thread.start();
      return e;
    }
  }
}
