package io.raftvip.testlan;

/**
 * Child JVM for teardown tests: opens a one-node test LAN, prints "READY" and its namespace names,
 * then waits (at most {@link #LIFETIME_MS}) to be terminated or killed without closing the LAN.
 */
public final class LanHolderMain {
  static final long LIFETIME_MS = 120_000;

  private LanHolderMain() {}

  public static void main(String[] args) throws Exception {
    TestLan lan = TestLan.builder().name("holder").nodes(1).client(false).start();
    System.out.println("READY " + String.join(" ", lan.namespaces()));
    System.out.flush();
    Thread.sleep(LIFETIME_MS);
  }
}
