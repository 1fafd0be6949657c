package io.raftvip.netio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftvip.testlan.Host;
import io.raftvip.testlan.TestLan;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dumps that span several datagrams while another socket changes the table: NLM_F_DUMP_INTR for
 * real, and ownership checks that stay exact when a dump would not be.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DumpConsistencyNamespaceTest {
  private static final Logger log = LoggerFactory.getLogger(DumpConsistencyNamespaceTest.class);

  private TestLan lan;
  private Host node;
  private Netlink nl;

  @BeforeEach
  void start() {
    lan = TestLan.builder().name("dumps").nodes(1).client(false).start();
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

  /** Runs {@code change} on its own thread until stopped (bounded to 40 s). */
  private static Thread churn(AtomicBoolean running, AtomicInteger count, Runnable change) {
    Thread t =
        new Thread(
            () -> {
              long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
              while (running.get() && System.nanoTime() < until) {
                change.run();
                count.incrementAndGet();
              }
            },
            "test-churn");
    t.start();
    return t;
  }

  @Test
  void interruptedLinkDumpsAreRetriedOrReported() throws Exception {
    // ~1 KiB per link: 60 macvlans need several datagrams, so a change can land between them.
    for (int i = 1; i <= 60; i++) {
      MacAddress mac = MacAddress.parse(String.format("02:00:00:01:00:%02x", i));
      nl.macvlans().create(MacvlanSpec.builder("mv" + i, "eth0", mac).build());
    }
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger changes = new AtomicInteger();
    Thread t =
        churn(
            running,
            changes,
            () -> {
              nl.macvlans()
                  .create(
                      MacvlanSpec.builder("churn", "eth0", MacAddress.parse("02:00:00:02:00:01"))
                          .build());
              nl.macvlans().delete("churn");
            });
    int dumps = 0;
    DumpInterrupted seen = null;
    try (Netlink once =
            node.inNetns(() -> Netlink.open(NetlinkSocket.builder().dumpAttemptsMax(1)));
        Netlink retrying =
            node.inNetns(() -> Netlink.open(NetlinkSocket.builder().dumpAttemptsMax(50)))) {
      while (seen == null && dumps < 2000) {
        dumps++;
        try {
          once.links().list();
        } catch (DumpInterrupted e) {
          seen = e;
        }
      }
      for (int i = 0; i < 30; i++) {
        List<Link> links = retrying.links().list();
        assertThat(links).extracting(Link::name).contains("lo", "eth0", "mv1", "mv30", "mv60");
        assertThat(links).filteredOn(l -> l.name().startsWith("mv")).hasSize(60);
      }
    } finally {
      running.set(false);
      t.join(10_000);
    }
    log.info(
        "link dumps until the first NLM_F_DUMP_INTR: {} ({} changes meanwhile)",
        dumps,
        changes.get());
    assertThat(seen).as("an interrupted link dump within 2000 dumps").isNotNull();
    assertThat(seen)
        .hasMessage(
            "list links all links: dump interrupted by concurrent changes on all 1 attempts; results may be inconsistent");
    assertThat(t.isAlive()).isFalse();
  }

  @Test
  void ipv6OwnershipCheckIsExactWhileDumpsAreNot() throws Exception {
    for (int i = 1; i <= 1500; i++) {
      nl.addresses().add("eth0", AddressSpec.of("2001:db8::1:" + Integer.toHexString(i) + "/128"));
    }
    node.execOrThrow("ip", "addr", "add", "2001:db8::1:ffff/128", "dev", "eth0", "nodad");
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger changes = new AtomicInteger();
    Thread t =
        churn(
            running,
            changes,
            () -> {
              nl.addresses().add("eth0", AddressSpec.of("2001:db8::2:1/128"));
              nl.addresses().delete("eth0", "2001:db8::2:1/128");
            });
    int incompleteDumps = 0;
    try (Netlink other = node.inNetns(Netlink::open)) {
      for (int i = 0; i < 100; i++) {
        // The foreign address must be found every time, or delete would report it absent.
        assertThatThrownBy(() -> other.addresses().delete("eth0", "2001:db8::1:ffff/128"))
            .isInstanceOf(NotOwnedByRaftvip.class);
        Set<String> listed = new HashSet<>();
        other.addresses().list("eth0").forEach(a -> listed.add(a.cidr()));
        if (!listed.contains("2001:db8::1:1/128")
            || !listed.contains("2001:db8::1:ffff/128")
            || listed.stream().filter(c -> c.startsWith("2001:db8::1:")).count() < 1501) {
          incompleteDumps++;
        }
      }
    } finally {
      running.set(false);
      t.join(10_000);
    }
    log.info(
        "IPv6 dumps missing entries without NLM_F_DUMP_INTR: {} of 100 ({} changes meanwhile)",
        incompleteDumps,
        changes.get());
    assertThat(node.execOrThrow("ip", "-6", "addr", "show", "dev", "eth0").stdout())
        .contains("2001:db8::1:ffff/128");
    assertThat(t.isAlive()).isFalse();
  }
}
