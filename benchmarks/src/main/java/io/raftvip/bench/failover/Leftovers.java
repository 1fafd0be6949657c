package io.raftvip.bench.failover;

import io.raftvip.testlan.Host;
import io.raftvip.testlan.TestLan;
import java.time.Duration;
import java.util.List;

/**
 * What a stopped system left in the node kernels: VIP addresses still on eth0 and raftvip fence
 * tables. Counted after every daemon was stopped, then removed so the next system starts clean.
 * Runs {@code ip}/{@code nft} inside the node namespaces only.
 */
final class Leftovers {
  private Leftovers() {}

  /** Counts found on all nodes. */
  record Count(int addresses, int fenceTables) {
    int total() {
      return addresses + fenceTables;
    }
  }

  /** Counts the leftovers of the benchmark's VIPs on every node, then removes them. */
  static Count countAndClean(TestLan lan, String vip, int vipCount) {
    int addresses = 0;
    int tables = 0;
    for (Host h : lan.nodes()) {
      String addrs = h.exec("ip", "-o", "addr", "show", "dev", "eth0").stdout();
      if (addrs.contains(" " + vip + "/")) {
        addresses++;
      }
      for (int v = 1; v < vipCount; v++) {
        if (addrs.contains(" " + RaftvipCluster.extraVip(v) + "/")) {
          addresses++;
        }
      }
      String nft = h.exec("nft", "list", "tables").stdout();
      if (nft.contains("raftvip")) {
        for (String line : nft.split("\n")) {
          String[] w = line.trim().split("\\s+");
          if (w.length == 3 && w[0].equals("table") && w[2].startsWith("raftvip")) {
            tables++;
            h.exec("nft", "delete", "table", w[1], w[2]);
          }
        }
      }
      removeVips(h, vip, vipCount);
      // raftvip moves VIPs with a virtual MAC on a macvlan only when a vrid is set; the benchmark
      // sets none, so there is nothing else to clean.
    }
    return new Count(addresses, tables);
  }

  /** Removes the benchmark's VIPs from {@code h}'s eth0 (missing ones are fine). */
  static void removeVips(Host h, String vip, int vipCount) {
    StringBuilder batch = new StringBuilder("addr del " + vip + "/32 dev eth0\n");
    for (int v = 1; v < vipCount; v++) {
      batch.append("addr del ").append(RaftvipCluster.extraVip(v)).append("/128 dev eth0\n");
    }
    h.exec(List.of("ip", "-force", "-batch", "-"), batch.toString(), Duration.ofSeconds(30));
  }
}
