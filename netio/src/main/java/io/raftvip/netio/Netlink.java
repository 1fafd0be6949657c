package io.raftvip.netio;

/**
 * The rtnetlink facade: one {@link NetlinkSocket} shared by {@link AddressTable}, {@link Links},
 * {@link Macvlan} and {@link NeighbourTable}, all acting on the network namespace the socket was
 * opened in.
 *
 * <pre>{@code
 * try (Netlink nl = host.inNetns(Netlink::open)) {
 *   nl.addresses().add("eth0", AddressSpec.builder("198.18.0.200/32").lifetimeSec(3).build());
 * }
 * }</pre>
 *
 * <p>Thread-safe: requests from several threads are serialized on the socket.
 */
public final class Netlink implements AutoCloseable {
  private final NetlinkSocket socket;
  private final Links links;
  private final AddressTable addresses;
  private final Macvlan macvlans;
  private final NeighbourTable neighbours;

  private Netlink(NetlinkSocket socket) {
    this.socket = socket;
    this.links = new Links(socket);
    this.addresses = new AddressTable(socket, links);
    this.macvlans = new Macvlan(socket, links);
    this.neighbours = new NeighbourTable(socket, links);
  }

  /** Opens a socket with default settings in the calling thread's network namespace. */
  public static Netlink open() {
    return new Netlink(NetlinkSocket.open());
  }

  /** Opens a socket configured by {@code builder} in the calling thread's network namespace. */
  public static Netlink open(NetlinkSocket.Builder builder) {
    return new Netlink(builder.open());
  }

  public AddressTable addresses() {
    return addresses;
  }

  public Links links() {
    return links;
  }

  public Macvlan macvlans() {
    return macvlans;
  }

  public NeighbourTable neighbours() {
    return neighbours;
  }

  /** The shared socket, for requests this facade does not cover. */
  public NetlinkSocket socket() {
    return socket;
  }

  @Override
  public void close() {
    socket.close();
  }
}
