package io.raftvip.testlan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Netns
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InNetnsTest {
  private static TestLan lan;

  @BeforeAll
  static void up() {
    lan = TestLan.builder().name("innetns").nodes(2).client(false).start();
  }

  @AfterAll
  static void down() {
    if (lan != null) {
      lan.close();
    }
  }

  @Test
  void codeSeesTheNamespaceInterfacesAndTheCallerDoesNot() throws IOException {
    Host n1 = lan.node(1);
    List<String> inside = n1.inNetns(InNetnsTest::interfacesWithMacs);
    assertThat(inside).containsExactlyInAnyOrder("lo", "eth0 " + n1.macString());

    List<String> outside = interfacesWithMacs();
    assertThat(outside).noneMatch(s -> s.endsWith(n1.macString()));
  }

  @Test
  void socketsOpenedInsideStayInTheNamespaceOnAnyThread() throws IOException {
    Host n1 = lan.node(1);
    Host n2 = lan.node(2);
    // Binding to these addresses only works inside the namespaces that hold them.
    try (DatagramSocket receiver =
            n2.inNetns(() -> new DatagramSocket(new InetSocketAddress(n2.ipv4Address(), 0)));
        DatagramSocket sender =
            n1.inNetns(() -> new DatagramSocket(new InetSocketAddress(n1.ipv4Address(), 0)))) {
      receiver.setSoTimeout(5_000);
      byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
      sender.send(new DatagramPacket(hello, hello.length, receiver.getLocalSocketAddress()));
      DatagramPacket in = new DatagramPacket(new byte[16], 16);
      receiver.receive(in);
      assertThat(Arrays.copyOf(in.getData(), in.getLength())).isEqualTo(hello);
      assertThat(in.getAddress()).isEqualTo(n1.ipv4Address());
    }
    assertThatThrownBy(() -> new DatagramSocket(new InetSocketAddress(n1.ipv4Address(), 0)))
        .isInstanceOf(IOException.class);
  }

  @Test
  void uncheckedExceptionsAndAssertionErrorsPropagateAsTheyAre() {
    Host n1 = lan.node(1);
    assertThatThrownBy(() -> n1.inNetns(() -> assertThat(1).isEqualTo(2)))
        .isInstanceOf(AssertionError.class);
    IllegalStateException boom = new IllegalStateException("boom");
    assertThatThrownBy(
            () ->
                n1.inNetns(
                    () -> {
                      throw boom;
                    }))
        .isSameAs(boom);
  }

  @Test
  void checkedExceptionsAreWrappedWithTheNamespace() {
    Host n1 = lan.node(1);
    IOException io = new IOException("disk on fire");
    assertThatThrownBy(
            () ->
                n1.inNetns(
                    () -> {
                      throw io;
                    }))
        .isInstanceOf(TestLanException.class)
        .hasMessageContaining(n1.netns())
        .hasCause(io);
  }

  @Test
  void theWaitIsBoundedAndTheThreadIsInterrupted() throws InterruptedException {
    Host n1 = lan.node(1);
    Thread[] worker = new Thread[1];
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                n1.inNetns(
                    Duration.ofMillis(200),
                    () -> {
                      worker[0] = Thread.currentThread();
                      Thread.sleep(30_000);
                      return null;
                    }))
        .isInstanceOf(TestLanException.class)
        .hasMessageContaining("did not finish within 200 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    worker[0].join(5_000);
    assertThat(worker[0].isAlive()).isFalse();
  }

  @Test
  void eachCallRunsOnAFreshThread() {
    Host n1 = lan.node(1);
    Thread first = n1.inNetns(Thread::currentThread);
    Thread second = n1.inNetns(Thread::currentThread);
    assertThat(first).isNotSameAs(second).isNotSameAs(Thread.currentThread());
    assertThat(first.getName()).isEqualTo("testlan-netns-" + n1.netns());
  }

  private static List<String> interfacesWithMacs() throws IOException {
    List<String> result = new ArrayList<>();
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      byte[] mac = nic.getHardwareAddress();
      result.add(
          mac == null || mac.length == 0
              ? nic.getName()
              : nic.getName() + " " + Frame.formatMac(mac));
    }
    return result;
  }
}
