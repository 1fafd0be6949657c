package io.raftvip.testlan;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;

/**
 * Child JVM for {@link StartJavaTest}: prints its interfaces, MACs and addresses, then "READY",
 * then waits (at most {@link #LIFETIME_MS}) to be killed.
 */
public final class PrintAddressesMain {
  static final long LIFETIME_MS = 120_000;

  private PrintAddressesMain() {}

  public static void main(String[] args) throws Exception {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      byte[] mac = nic.getHardwareAddress();
      StringBuilder line = new StringBuilder(nic.getName());
      if (mac != null && mac.length > 0) {
        line.append(' ').append(Frame.formatMac(mac));
      }
      for (InetAddress a : Collections.list(nic.getInetAddresses())) {
        line.append(' ').append(a.getHostAddress().replaceAll("%.*", ""));
      }
      System.out.println(line);
    }
    System.out.println("ARGS " + String.join(" ", args));
    System.out.println("READY");
    System.out.flush();
    Thread.sleep(LIFETIME_MS);
  }
}
