package io.raftvip.netio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.jna.Library;
import com.sun.jna.Native;
import io.raftvip.testlan.Host;
import io.raftvip.testlan.TestLan;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Without CAP_NET_ADMIN the kernel refuses changes with EPERM. Capabilities are per thread in
 * Linux, so the test drops CAP_NET_ADMIN only on the throwaway thread {@code inNetns} runs on,
 * which opens and uses the socket and then ends.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PermissionDeniedNamespaceTest {
  private static final int LINUX_CAPABILITY_VERSION_3 = 0x20080522;
  private static final int CAP_NET_ADMIN = 12;

  /** capget/capset from libc, for this test only. */
  interface Caps extends Library {
    Caps INSTANCE = Native.load("c", Caps.class);

    int capget(byte[] header, byte[] data);

    int capset(byte[] header, byte[] data);
  }

  private TestLan lan;
  private Host node;

  @BeforeEach
  void start() {
    lan = TestLan.builder().name("eperm").nodes(1).client(false).ipv6(false).start();
    node = lan.node(1);
  }

  @AfterEach
  void stop() {
    if (lan != null) {
      lan.close();
    }
  }

  /** Removes CAP_NET_ADMIN from the calling thread's effective and permitted sets. */
  private static void dropNetAdminOnThisThread() {
    byte[] header =
        ByteBuffer.allocate(8)
            .order(ByteOrder.nativeOrder())
            .putInt(LINUX_CAPABILITY_VERSION_3)
            .putInt(0)
            .array();
    byte[] data = new byte[24]; // two {effective, permitted, inheritable} u32 triples
    assertThat(Caps.INSTANCE.capget(header, data)).isZero();
    ByteBuffer d = ByteBuffer.wrap(data).order(ByteOrder.nativeOrder());
    int mask = ~(1 << CAP_NET_ADMIN);
    d.putInt(0, d.getInt(0) & mask); // effective, low word
    d.putInt(4, d.getInt(4) & mask); // permitted, low word
    assertThat(Caps.INSTANCE.capset(header, data)).isZero();
  }

  @Test
  void changesWithoutCapNetAdminAreRefusedWithAHint() {
    PermissionDenied e =
        node.inNetns(
            () -> {
              dropNetAdminOnThisThread();
              try (Netlink nl = Netlink.open()) {
                // Reading needs no privilege ...
                assertThat(nl.links().get("eth0").isUp()).isTrue();
                assertThat(nl.addresses().list("eth0")).isNotEmpty();
                // ... changing does.
                try {
                  nl.addresses().add("eth0", AddressSpec.of("198.18.0.200/32"));
                } catch (PermissionDenied denied) {
                  return denied;
                }
                return null;
              }
            });

    assertThat(e).isNotNull();
    assertThat(e.errno()).isEqualTo(1);
    assertThat(e)
        .hasMessage(
            "add address 198.18.0.200/32 on eth0 (ifindex 2): operation not permitted (EPERM); "
                + "needs CAP_NET_ADMIN (run as root or grant the capability)");
    assertThat(node.execOrThrow("ip", "-o", "addr").stdout()).doesNotContain("198.18.0.200");
    // The main test thread kept its capabilities.
    try (Netlink nl = node.inNetns(Netlink::open)) {
      nl.addresses().add("eth0", AddressSpec.of("198.18.0.200/32"));
      assertThatThrownBy(() -> nl.addresses().add("eth0", AddressSpec.of("198.18.0.200/32")))
          .isInstanceOf(AddressExists.class);
    }
  }
}
