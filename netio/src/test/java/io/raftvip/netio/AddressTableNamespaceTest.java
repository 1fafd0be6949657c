package io.raftvip.netio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftvip.netio.nl.IfAddrMsg;
import io.raftvip.netio.nl.NetlinkMessage;
import io.raftvip.netio.nl.Nlmsg;
import io.raftvip.netio.nl.Rtnl;
import io.raftvip.testlan.Host;
import io.raftvip.testlan.TestLan;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** AddressTable against a real kernel, in a private namespace (node 1 of a one-node TestLan). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AddressTableNamespaceTest {
  private static final Logger log = LoggerFactory.getLogger(AddressTableNamespaceTest.class);

  private TestLan lan;
  private Host host;
  private Netlink nl;
  private AddressTable addresses;

  @BeforeEach
  void start() {
    lan = TestLan.builder().name("addr").nodes(1).client(false).start();
    host = lan.node(1);
    nl = host.inNetns(Netlink::open);
    addresses = nl.addresses();
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

  private Optional<InterfaceAddress> find(String cidr) {
    AddressSpec s = AddressSpec.of(cidr);
    return addresses.find("eth0", s.address(), s.prefixLength());
  }

  private String ipAddr() {
    return host.execOrThrow("ip", "-o", "addr", "show", "dev", "eth0").stdout();
  }

  @Test
  void ipv4HostVipIsAddedListedAndDeleted() {
    addresses.add("eth0", AddressSpec.builder("198.18.0.200/32").lifetimeSec(300).build());

    InterfaceAddress a = find("198.18.0.200/32").orElseThrow();
    assertThat(a.ifindex()).isEqualTo(nl.links().indexOf("eth0"));
    assertThat(a.proto()).isEqualTo(Ownership.ADDRESS_PROTO);
    assertThat(a.ownedByRaftvip()).isTrue();
    assertThat(a.label()).isEqualTo("eth0:rv");
    assertThat(a.validLifetimeSec()).isBetween(298L, 300L);
    assertThat(a.isPermanent()).isFalse();
    assertThat(ipAddr()).contains("inet 198.18.0.200/32 scope global dynamic eth0:rv");

    addresses.delete("eth0", "198.18.0.200/32");

    assertThat(find("198.18.0.200/32")).isEmpty();
    assertThat(ipAddr()).doesNotContain("198.18.0.200");
  }

  @Test
  void ipv6VipIsUsableAtOnceAndDeleted() {
    addresses.add("eth0", AddressSpec.of("2001:db8::200/128"));

    InterfaceAddress a = find("2001:db8::200/128").orElseThrow();
    assertThat(a.ownedByRaftvip()).isTrue();
    assertThat(a.hasFlag(Rtnl.IFA_F_NODAD)).isTrue();
    assertThat(a.hasFlag(Rtnl.IFA_F_TENTATIVE)).isFalse();
    assertThat(a.isPermanent()).isTrue();
    assertThat(ipAddr()).contains("inet6 2001:db8::200/128 scope global nodad");
    // Usable as a source right away: no DAD means no "tentative" state.
    host.execOrThrow("ping", "-6", "-c", "1", "-W", "2", "-I", "2001:db8::200", "2001:db8::11");

    addresses.delete("eth0", "2001:db8::200/128");
    assertThat(find("2001:db8::200/128")).isEmpty();
  }

  @Test
  void ipv4SubnetVipGetsBroadcastAndOptionallyNoPrefixRoute() {
    addresses.add("eth0", AddressSpec.of("198.18.0.201/24"));
    addresses.add(
        "eth0", AddressSpec.builder("198.18.0.102/25").noPrefixRoute(true).label("eth0:b").build());

    String ip = ipAddr();
    assertThat(ip).contains("inet 198.18.0.201/24 brd 198.18.0.255 scope global secondary eth0:rv");
    assertThat(ip)
        .contains("inet 198.18.0.102/25 brd 198.18.0.127 scope global noprefixroute eth0:b");
    assertThat(find("198.18.0.201/24").orElseThrow().hasFlag(Rtnl.IFA_F_SECONDARY)).isTrue();
    assertThat(find("198.18.0.102/25").orElseThrow().hasFlag(Rtnl.IFA_F_NOPREFIXROUTE)).isTrue();
    assertThat(host.execOrThrow("ip", "-4", "route", "show", "dev", "eth0").stdout())
        .doesNotContain("198.18.0.0/25");

    addresses.delete("eth0", "198.18.0.201/24");
    addresses.delete("eth0", "198.18.0.102/25");
    assertThat(ipAddr()).doesNotContain("198.18.0.201").doesNotContain("198.18.0.102");
  }

  @Test
  void replaceCreatesThenRenewsLifetimesAndRenewNeverCreates() {
    addresses.replace("eth0", AddressSpec.builder("198.18.0.203/32").lifetimeSec(100).build());
    assertThat(find("198.18.0.203/32").orElseThrow().validLifetimeSec()).isBetween(98L, 100L);

    addresses.replace(
        "eth0",
        AddressSpec.builder("198.18.0.203/32")
            .validLifetimeSec(200)
            .preferredLifetimeSec(150)
            .build());
    InterfaceAddress a = find("198.18.0.203/32").orElseThrow();
    assertThat(a.validLifetimeSec()).isBetween(198L, 200L);
    assertThat(a.preferredLifetimeSec()).isBetween(148L, 150L);

    addresses.renew("eth0", AddressSpec.builder("198.18.0.203/32").lifetimeSec(50).build());
    assertThat(find("198.18.0.203/32").orElseThrow().validLifetimeSec()).isBetween(48L, 50L);

    addresses.renew("eth0", AddressSpec.of("198.18.0.203/32"));
    assertThat(find("198.18.0.203/32").orElseThrow().validLifetimeSec())
        .isEqualTo(InterfaceAddress.FOREVER);

    assertThatThrownBy(
            () ->
                addresses.renew(
                    "eth0", AddressSpec.builder("198.18.0.204/32").lifetimeSec(5).build()))
        .isInstanceOf(AddressNotFound.class)
        .hasMessage("renew address 198.18.0.204/32 on eth0 (ifindex 2): no such address");
    assertThat(find("198.18.0.204/32")).isEmpty();

    addresses.replace("eth0", AddressSpec.builder("2001:db8::204/128").lifetimeSec(60).build());
    addresses.replace("eth0", AddressSpec.builder("2001:db8::204/128").lifetimeSec(120).build());
    assertThat(find("2001:db8::204/128").orElseThrow().validLifetimeSec()).isBetween(118L, 120L);
  }

  @Test
  void errorsAreTypedAndNameTheObject() {
    addresses.add("eth0", AddressSpec.of("198.18.0.200/32"));

    assertThatThrownBy(() -> addresses.add("eth0", AddressSpec.of("198.18.0.200/32")))
        .isInstanceOf(AddressExists.class)
        .hasMessageStartingWith(
            "add address 198.18.0.200/32 on eth0 (ifindex 2): address exists (EEXIST)")
        .satisfies(e -> assertThat(((NetioException) e).errno()).isEqualTo(17));
    assertThatThrownBy(() -> addresses.add("eth9", AddressSpec.of("198.18.0.200/32")))
        .isInstanceOf(NoSuchInterface.class)
        .hasMessage("add address 198.18.0.200/32 on eth9: no such interface (ENODEV)");
    assertThatThrownBy(() -> addresses.add("eth0", AddressSpec.of("198.18.0.200/33")))
        .isInstanceOf(InvalidArgument.class)
        .hasMessageContaining("prefix length 33 is out of range 0..32");
    assertThatThrownBy(() -> addresses.delete("eth0", "198.18.0.205/32"))
        .isInstanceOf(AddressNotFound.class)
        .hasMessage("delete address 198.18.0.205/32 on eth0 (ifindex 2): no such address");
    assertThatThrownBy(() -> nl.links().get("eth9")).isInstanceOf(NoSuchInterface.class);
  }

  @Test
  void kernelRejectionCarriesTheExtendedAckText() {
    // A prefix of 33 built by hand, bypassing AddressSpec, to see the kernel's own answer.
    int index = nl.links().indexOf("eth0");
    NetlinkMessage bad =
        NetlinkMessage.builder(Rtnl.RTM_NEWADDR, Nlmsg.NLM_F_CREATE | Nlmsg.NLM_F_EXCL)
            .struct(new IfAddrMsg(Rtnl.AF_INET, 33, 0, 0, index).toBytes())
            .attr(Rtnl.IFA_LOCAL, AddressCodecTest.addr("198.18.0.206").getAddress())
            .build();

    assertThatThrownBy(
            () ->
                nl.socket()
                    .ack(
                        bad,
                        "add address",
                        "198.18.0.206/33 on eth0",
                        NetlinkSocket.Subject.ADDRESS))
        .isInstanceOf(InvalidArgument.class)
        .hasMessage(
            "add address 198.18.0.206/33 on eth0: invalid argument (EINVAL); kernel says: ipv4: Invalid prefix length")
        .satisfies(
            e ->
                assertThat(((InvalidArgument) e).kernelMessage())
                    .contains("ipv4: Invalid prefix length"));
    // The socket stays usable after an error.
    assertThat(addresses.list("eth0")).isNotEmpty();
  }

  @Test
  void addressesAddedBySomeoneElseSurviveEveryRaftvipOperation() {
    host.execOrThrow("ip", "addr", "add", "198.18.0.210/32", "dev", "eth0");
    host.execOrThrow("ip", "addr", "add", "2001:db8::210/128", "dev", "eth0", "nodad");
    String before = ipAddr();

    assertThatThrownBy(() -> addresses.delete("eth0", "198.18.0.210/32"))
        .isInstanceOf(NotOwnedByRaftvip.class)
        .hasMessage(
            "198.18.0.210/32 on eth0 (ifindex 2) was not added by raftvip (proto 0); refusing to delete it");
    assertThatThrownBy(() -> addresses.delete("eth0", "198.18.0.11/24"))
        .isInstanceOf(NotOwnedByRaftvip.class)
        .hasMessage(
            "198.18.0.11/24 on eth0 (ifindex 2) was not added by raftvip (proto 0); refusing to delete it");
    assertThatThrownBy(
            () ->
                addresses.replace(
                    "eth0", AddressSpec.builder("198.18.0.210/32").lifetimeSec(1).build()))
        .isInstanceOf(NotOwnedByRaftvip.class)
        .hasMessageEndingWith("refusing to replace it");
    assertThatThrownBy(
            () ->
                addresses.renew(
                    "eth0", AddressSpec.builder("198.18.0.210/32").lifetimeSec(1).build()))
        .isInstanceOf(NotOwnedByRaftvip.class)
        .hasMessageEndingWith("refusing to renew it");
    assertThatThrownBy(() -> addresses.add("eth0", AddressSpec.of("198.18.0.210/32")))
        .isInstanceOf(AddressExists.class);
    assertThatThrownBy(() -> addresses.delete("eth0", "2001:db8::210/128"))
        .isInstanceOf(NotOwnedByRaftvip.class)
        .hasMessage(
            "2001:db8::210/128 on eth0 (ifindex 2) was not added by raftvip (proto 0); refusing to delete it");
    assertThatThrownBy(
            () ->
                addresses.replace(
                    "eth0", AddressSpec.builder("2001:db8::210/128").lifetimeSec(1).build()))
        .isInstanceOf(NotOwnedByRaftvip.class);

    List<InterfaceAddress> listed = addresses.list("eth0");
    assertThat(listed)
        .extracting(InterfaceAddress::cidr)
        .contains("198.18.0.210/32", "2001:db8::210/128", "198.18.0.11/24", "2001:db8::11/64");
    assertThat(listed)
        .filteredOn(a -> a.cidr().equals("198.18.0.210/32"))
        .allSatisfy(
            a -> {
              assertThat(a.ownedByRaftvip()).isFalse();
              assertThat(a.isPermanent())
                  .isTrue(); // the refused 1 s replace did not reach the kernel
            });
    assertThat(ipAddr()).isEqualTo(before);
  }

  @Test
  void listFiltersByInterfaceAndFamily() {
    addresses.add("eth0", AddressSpec.of("198.18.0.207/32"));
    addresses.add("eth0", AddressSpec.of("2001:db8::207/128"));
    int eth0 = nl.links().indexOf("eth0");
    int lo = nl.links().indexOf("lo");

    assertThat(addresses.list(eth0, Rtnl.AF_INET))
        .extracting(InterfaceAddress::cidr)
        .containsExactlyInAnyOrder("198.18.0.11/24", "198.18.0.207/32");
    assertThat(addresses.list(eth0, Rtnl.AF_INET6))
        .extracting(InterfaceAddress::cidr)
        .contains("2001:db8::11/64", "2001:db8::207/128")
        .allMatch(c -> c.contains(":"));
    assertThat(addresses.list(lo, Rtnl.AF_UNSPEC))
        .extracting(InterfaceAddress::cidr)
        .containsExactlyInAnyOrder("127.0.0.1/8", "::1/128");
    assertThat(addresses.list()).extracting(InterfaceAddress::ifindex).contains(eth0, lo);
  }

  @Test
  void expiredLifetimeRemovesTheAddressAndAnnouncesIt() throws Exception {
    List<NetlinkEvent> events = java.util.Collections.synchronizedList(new ArrayList<>());
    try (NetlinkEvents sub =
        host.inNetns(
            () -> NetlinkEvents.builder(events::add).threadName("test-expiry-events").start())) {
      long t0 = System.nanoTime();
      addresses.add("eth0", AddressSpec.builder("198.18.0.208/32").lifetimeSec(1).build());

      boolean gone =
          Poll.condition(Duration.ofMillis(2500), 20, () -> find("198.18.0.208/32").isEmpty());
      long goneMs = (System.nanoTime() - t0) / 1_000_000;
      log.info("address with valid_lft 1 s gone after {} ms", goneMs);
      assertThat(gone).as("gone within 2.5 s (took %d ms)", goneMs).isTrue();
      assertThat(goneMs).isGreaterThanOrEqualTo(950); // never much early (kernel fuzz is 20 ms)

      boolean announced =
          Poll.condition(
              Duration.ofSeconds(2),
              20,
              () ->
                  events.stream()
                      .anyMatch(
                          e ->
                              e instanceof NetlinkEvent.AddressRemoved r
                                  && r.address().cidr().equals("198.18.0.208/32")));
      assertThat(announced).as("AddressRemoved event for the expired address").isTrue();
    }
  }

  @Test
  void requestsFromManyThreadsAreSerialized() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        fs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 20; i++) {
                    String cidr = "198.18.0." + (100 + thread * 25 + i) + "/32";
                    if (cidr.equals("198.18.0.100/32")) {
                      continue;
                    }
                    addresses.add("eth0", AddressSpec.of(cidr));
                    assertThat(find(cidr)).isPresent();
                    addresses.delete("eth0", cidr);
                  }
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(addresses.list("eth0")).noneMatch(InterfaceAddress::ownedByRaftvip);
  }

  @Test
  void netlinkIsFasterThanForkingIp() {
    int pairs = 100;
    long t0 = System.nanoTime();
    for (int i = 0; i < pairs; i++) {
      addresses.add("eth0", AddressSpec.of("198.18.0.209/32"));
      addresses.delete("eth0", "198.18.0.209/32");
    }
    double netlinkMs = (System.nanoTime() - t0) / 1e6 / pairs;
    int ipPairs = 10;
    t0 = System.nanoTime();
    for (int i = 0; i < ipPairs; i++) {
      host.execOrThrow("ip", "addr", "add", "198.18.0.209/32", "dev", "eth0");
      host.execOrThrow("ip", "addr", "del", "198.18.0.209/32", "dev", "eth0");
    }
    double ipMs = (System.nanoTime() - t0) / 1e6 / ipPairs;
    log.info(
        String.format(
            "add+delete of one address: netlink %.2f ms, ip netns exec ip %.2f ms",
            netlinkMs, ipMs));
    // Each netlink pair is 5 requests (get link, add; get link, dump, delete); far below 20 ms.
    assertThat(netlinkMs).isLessThan(20.0);
    assertThat(netlinkMs).isLessThan(ipMs);
  }

  @Test
  void socketStaysInItsNamespaceWhateverThreadUsesIt() {
    // This test thread is in the root namespace; the socket was opened in the node's.
    assertThat(nl.links().get("eth0").mac()).contains(MacAddress.of(host.mac()));
    InetAddress nodeAddress = host.ipv4Address();
    assertThat(addresses.list("eth0")).extracting(InterfaceAddress::address).contains(nodeAddress);
  }
}
