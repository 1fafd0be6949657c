package io.raftvip.netio;

import io.raftvip.netio.NetlinkSocket.Subject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Macvlan interfaces with a virtual MAC (keepalived's {@code use_vmac}): create, bring up or down,
 * delete. Mirrors {@code ip link add link eth0 name vip1 address 00:00:5e:00:01:01 type macvlan
 * mode private}.
 *
 * <p>Ownership: a created link carries IFLA_IFALIAS "raftvip:&lt;tag&gt;". Every change and the
 * delete check the alias first and throw {@link NotOwnedByRaftvip} for links raftvip did not
 * create, e.g. one made with {@code ip link add} by hand.
 *
 * <p>Thread-safe: holds no state besides the shared socket, which serializes requests.
 */
public final class Macvlan {
  private static final Logger log = LoggerFactory.getLogger(Macvlan.class);

  private final NetlinkSocket socket;
  private final Links links;

  Macvlan(NetlinkSocket socket, Links links) {
    this.socket = socket;
    this.links = links;
  }

  /**
   * Creates the macvlan (down) and returns it as the kernel reports it.
   *
   * <p>The alias travels in the create request; kernels that ignore IFLA_IFALIAS on create get it
   * in a second request right after, and if that fails the new link is deleted again. A crash
   * between the two leaves a link without raftvip's mark, which raftvip will then refuse to delete;
   * remove it by hand.
   *
   * @throws LinkExists when a link with that name exists
   * @throws NoSuchInterface when the parent does not exist
   */
  public Link create(MacvlanSpec spec) {
    String object = spec.name() + " on " + spec.parent() + " with MAC " + spec.mac();
    Link parent;
    try {
      parent = links.get(spec.parent());
    } catch (NoSuchInterface e) {
      throw new NoSuchInterface("create macvlan", object + " (no parent)", e.errno());
    }
    socket.ack(
        LinkCodec.newMacvlan(spec.name(), parent.index(), spec.mac(), spec.mode(), spec.alias()),
        "create macvlan",
        object,
        Subject.LINK);
    Link created = links.get(spec.name());
    if (!spec.alias().equals(created.alias().orElse(""))) {
      log.debug("kernel ignored IFLA_IFALIAS when creating {}; setting it now", spec.name());
      try {
        socket.ack(
            LinkCodec.setAlias(created.index(), spec.alias()),
            "mark macvlan",
            created.describe(),
            Subject.LINK);
      } catch (RuntimeException e) {
        try {
          socket.ack(
              LinkCodec.delete(created.index()),
              "delete unmarked macvlan",
              created.describe(),
              Subject.LINK);
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
      created = links.get(created.index());
    }
    return created;
  }

  /** Brings raftvip's macvlan {@code name} up (IFF_UP). */
  public void setUp(String name) {
    Link link = owned(name, "set up link", "set it up");
    socket.ack(LinkCodec.setUp(link.index(), true), "set up link", link.describe(), Subject.LINK);
  }

  /** Takes raftvip's macvlan {@code name} down. */
  public void setDown(String name) {
    Link link = owned(name, "set down link", "set it down");
    socket.ack(
        LinkCodec.setUp(link.index(), false), "set down link", link.describe(), Subject.LINK);
  }

  /**
   * Deletes raftvip's macvlan {@code name}.
   *
   * @throws NoSuchInterface when it does not exist
   * @throws NotOwnedByRaftvip when raftvip did not create it
   */
  public void delete(String name) {
    Link link = owned(name, "delete link", "delete it");
    socket.ack(LinkCodec.delete(link.index()), "delete link", link.describe(), Subject.LINK);
  }

  /** The macvlans raftvip created (alias marked) in this namespace. */
  public List<Link> list() {
    List<Link> out = new ArrayList<>();
    for (Link l : links.list()) {
      if (l.ownedByRaftvip() && l.kind().filter("macvlan"::equals).isPresent()) {
        out.add(l);
      }
    }
    return List.copyOf(out);
  }

  /** The link {@code name}, checked to carry raftvip's mark. */
  Link owned(String name, String operation, String refusedAction) {
    Link link;
    try {
      link = links.get(name);
    } catch (NoSuchInterface e) {
      throw new NoSuchInterface(operation, name, e.errno());
    }
    if (!link.ownedByRaftvip()) {
      throw new NotOwnedByRaftvip(
          operation,
          link.describe(),
          "alias " + link.alias().map(a -> "'" + a + "'").orElse("none"),
          refusedAction);
    }
    return link;
  }
}
