package io.raftvip.netio;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.netio.NetlinkEvent.AddressAdded;
import io.raftvip.netio.NetlinkEvent.AddressRemoved;
import io.raftvip.netio.NetlinkEvent.LinkChanged;
import io.raftvip.netio.NetlinkEvent.LinkRemoved;
import io.raftvip.netio.NetlinkEvent.NeighbourChanged;
import io.raftvip.netio.NetlinkEvent.Resynced;
import io.raftvip.testlan.Host;
import io.raftvip.testlan.TestLan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NetlinkEventsNamespaceTest {
  private static final Logger log = LoggerFactory.getLogger(NetlinkEventsNamespaceTest.class);

  private TestLan lan;
  private Host node;
  private Netlink nl;
  private final List<NetlinkEvent> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    lan = TestLan.builder().name("events").nodes(1).client(true).start();
    node = lan.node(1);
    nl = node.inNetns(Netlink::open);
  }

  @AfterEach
  void stop() {
    if (nl != null) {
      nl.close();
    }
    if (lan != null) {
      lan.close();
    }
  }

  private <T extends NetlinkEvent> Optional<T> await(Class<T> type, Predicate<T> match) {
    return Poll.until(
        Duration.ofSeconds(5),
        10,
        () -> events.stream().filter(type::isInstance).map(type::cast).filter(match).findFirst());
  }

  @Test
  void addressLinkAndNeighbourChangesArriveAsTypedEvents() {
    try (NetlinkEvents sub =
        node.inNetns(() -> NetlinkEvents.builder(events::add).threadName("test-events").start())) {
      assertThat(sub.isRunning()).isTrue();

      nl.addresses().add("eth0", AddressSpec.of("198.18.0.200/32"));
      nl.addresses().add("eth0", AddressSpec.of("2001:db8::200/128"));
      AddressAdded v4 =
          await(AddressAdded.class, e -> e.address().cidr().equals("198.18.0.200/32"))
              .orElseThrow();
      assertThat(v4.address().ownedByRaftvip()).isTrue();
      assertThat(v4.address().label()).isEqualTo("eth0:rv");
      assertThat(await(AddressAdded.class, e -> e.address().cidr().equals("2001:db8::200/128")))
          .isPresent();

      nl.addresses().delete("eth0", "198.18.0.200/32");
      nl.addresses().delete("eth0", "2001:db8::200/128");
      assertThat(await(AddressRemoved.class, e -> e.address().cidr().equals("198.18.0.200/32")))
          .isPresent();
      assertThat(await(AddressRemoved.class, e -> e.address().cidr().equals("2001:db8::200/128")))
          .isPresent();

      nl.macvlans().create(MacvlanSpec.builder("vip1", "eth0", VirtualMac.ipv4(1)).build());
      nl.macvlans().setUp("vip1");
      assertThat(await(LinkChanged.class, e -> e.link().name().equals("vip1") && e.link().isUp()))
          .isPresent();
      nl.macvlans().delete("vip1");
      LinkRemoved removed =
          await(LinkRemoved.class, e -> e.link().name().equals("vip1")).orElseThrow();
      assertThat(removed.link().mac()).contains(VirtualMac.ipv4(1));

      node.execOrThrow("ping", "-c", "1", "-W", "2", lan.client().ipv4());
      NeighbourChanged n =
          await(
                  NeighbourChanged.class,
                  e ->
                      e.neighbour().address().equals(lan.client().ipv4Address())
                          && e.neighbour().mac().isPresent())
              .orElseThrow();
      assertThat(n.neighbour().mac()).contains(MacAddress.of(lan.client().mac()));

      assertThat(sub.overruns()).isZero();
      assertThat(events).noneMatch(e -> e instanceof Resynced);
    }
  }

  @Test
  void overrunIsFollowedByAResyncWithTheCurrentState() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch firstSeen = new CountDownLatch(1);
    NetlinkListener blocking =
        e -> {
          firstSeen.countDown();
          try {
            // The first event blocks the thread, so the tiny receive buffer overflows meanwhile.
            release.await(20, TimeUnit.SECONDS);
          } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
          }
          events.add(e);
        };
    int burst = 119;
    try (NetlinkEvents sub =
        node.inNetns(
            () ->
                NetlinkEvents.builder(blocking)
                    .groups(EnumSet.of(NetlinkEvents.Group.IPV4_ADDRESS, NetlinkEvents.Group.LINK))
                    .receiveBufferBytes(1)
                    .threadName("test-overrun")
                    .start())) {
      nl.addresses().add("eth0", AddressSpec.of("198.18.0.150/32"));
      assertThat(firstSeen.await(5, TimeUnit.SECONDS)).isTrue();
      List<String> added = new ArrayList<>();
      for (int i = 0; i < burst; i++) {
        // 198.18.0.20 .. 198.18.0.139, skipping the client's .100: the tests stay in 198.18.0.0/24.
        int host = 20 + i + (20 + i >= 100 ? 1 : 0);
        String cidr = "198.18.0." + host + "/32";
        nl.addresses().add("eth0", AddressSpec.of(cidr));
        added.add(cidr);
      }
      release.countDown();

      Resynced r = await(Resynced.class, e -> true).orElseThrow();
      assertThat(sub.overruns()).isGreaterThanOrEqualTo(1);
      List<String> snapshot = r.addresses().stream().map(InterfaceAddress::cidr).toList();
      assertThat(snapshot)
          .containsAll(added)
          .contains("198.18.0.150/32", "198.18.0.11/24", "127.0.0.1/8");
      assertThat(snapshot)
          .contains("2001:db8::11/64"); // addresses of both families, whatever was subscribed
      assertThat(r.links()).extracting(Link::name).containsExactly("lo", "eth0");
      long adds = events.stream().filter(e -> e instanceof AddressAdded).count();
      log.info(
          "overrun: {} of {} AddressAdded events delivered before the resync, overruns {}",
          adds,
          burst + 1,
          sub.overruns());
      assertThat(adds).isLessThan(burst + 1); // some really were dropped

      // After the resync, notifications flow again.
      nl.addresses().delete("eth0", "198.18.0.150/32");
      assertThat(await(AddressRemoved.class, e -> e.address().cidr().equals("198.18.0.150/32")))
          .isPresent();
    }
  }

  @Test
  void closeIsBoundedEvenWithAStuckListener() throws Exception {
    CountDownLatch inListener = new CountDownLatch(1);
    NetlinkListener stuck =
        e -> {
          inListener.countDown();
          long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
          while (System.nanoTime() < until) {
            // Swallows interrupts on purpose: a listener that does not return promptly.
            try {
              Thread.sleep(50);
            } catch (InterruptedException ignored) {
              // keep "working"
            }
          }
        };
    NetlinkEvents sub =
        node.inNetns(
            () -> NetlinkEvents.builder(stuck).stopTimeoutMs(200).threadName("test-stuck").start());
    nl.addresses().add("eth0", AddressSpec.of("198.18.0.151/32"));
    assertThat(inListener.await(5, TimeUnit.SECONDS)).isTrue();

    long t0 = System.nanoTime();
    boolean stopped = sub.stop(200);
    long tookMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(stopped).isFalse();
    assertThat(tookMs).isBetween(350L, 1500L); // two bounded waits of 200 ms
    // Once the listener returns the thread ends by itself.
    assertThat(Poll.condition(Duration.ofSeconds(5), 20, () -> !sub.isRunning())).isTrue();

    try (NetlinkEvents quick = node.inNetns(() -> NetlinkEvents.builder(events::add).start())) {
      t0 = System.nanoTime();
      assertThat(quick.stop(2000)).isTrue();
      assertThat((System.nanoTime() - t0) / 1_000_000)
          .isLessThan(1000L); // within ~one poll interval
      assertThat(quick.isRunning()).isFalse();
    }
  }
}
