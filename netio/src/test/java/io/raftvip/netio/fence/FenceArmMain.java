package io.raftvip.netio.fence;

import java.net.InetAddress;

/**
 * Child-JVM main for the kill/stop variants: opens the fence in this process's namespace, manages
 * the VIP, arms it with a lease, prints {@code ARMED <deadlineNanos>} and then idles for at most 60
 * s. SIGTERM runs a shutdown hook that closes the fence (clean teardown); SIGKILL leaves the tables
 * behind, as a crash would.
 *
 * <p>Arguments: vip ifname leaseMs
 */
public final class FenceArmMain {
  private FenceArmMain() {}

  public static void main(String[] args) throws Exception {
    InetAddress vip = InetAddress.getByName(args[0]);
    String ifname = args[1];
    long leaseMs = Long.parseLong(args[2]);
    NftablesFence fence = NftablesFence.builder().open();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  fence.close();
                  System.out.println("CLOSED");
                  System.out.flush();
                }));
    fence.manage(vip, ifname);
    long deadline = System.nanoTime() + leaseMs * 1_000_000L;
    FenceRenewal r = fence.renew(vip, deadline);
    System.out.println("ARMED " + deadline + " applyNanos=" + r.applyNanos());
    System.out.flush();
    Thread.sleep(60_000);
  }
}
