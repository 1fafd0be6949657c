package io.raftvip.cli.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The machine this JVM runs on, in its network namespace.
 *
 * <p>Interface names come from {@code /sys/class/net} as well as {@link NetworkInterface}: on Linux
 * the JDK lists only interfaces that carry an address, and a VIP-only interface may carry none.
 */
public final class LocalHost implements Host {

  /** The one instance; it holds no state. */
  public static final LocalHost INSTANCE = new LocalHost();

  private static final Path SYS_CLASS_NET = Path.of("/sys/class/net");

  /** A host with more interfaces than this is not one we can list in a message anyway. */
  private static final int INTERFACE_COUNT_MAX = 4096;

  private LocalHost() {}

  @Override
  public List<String> interfaceNames() {
    // index -> name; names the JDK and sysfs both list are the same interface.
    Map<Integer, String> byIndex = new TreeMap<>();
    for (NetworkInterface nif : jdkInterfaces()) {
      byIndex.put(nif.getIndex(), nif.getName());
    }
    if (Files.isDirectory(SYS_CLASS_NET)) {
      try (DirectoryStream<Path> dir = Files.newDirectoryStream(SYS_CLASS_NET)) {
        int seen = 0;
        for (Path entry : dir) {
          if (++seen > INTERFACE_COUNT_MAX) {
            break;
          }
          String name = entry.getFileName().toString();
          if (byIndex.containsValue(name)) {
            continue;
          }
          int index = readIndex(entry.resolve("ifindex"));
          byIndex.put(index > 0 ? index : Integer.MAX_VALUE - seen, name);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + SYS_CLASS_NET + ": " + e.getMessage(), e);
      }
    }
    return List.copyOf(byIndex.values());
  }

  @Override
  public Set<IpAddress> addresses() {
    Set<IpAddress> out = new HashSet<>();
    for (NetworkInterface nif : jdkInterfaces()) {
      for (InetAddress a : Collections.list(nif.getInetAddresses())) {
        out.add(IpAddress.of(a.getAddress()));
      }
    }
    return Set.copyOf(out);
  }

  @Override
  public boolean isReadableFile(Path path) {
    return Files.isRegularFile(path) && Files.isReadable(path);
  }

  @Override
  public boolean isExecutableFile(Path path) {
    return Files.isRegularFile(path) && Files.isExecutable(path);
  }

  private static List<NetworkInterface> jdkInterfaces() {
    try {
      List<NetworkInterface> out = new ArrayList<>();
      var all = NetworkInterface.getNetworkInterfaces();
      if (all != null) {
        out.addAll(Collections.list(all));
      }
      return out;
    } catch (SocketException e) {
      throw new UncheckedIOException("cannot list network interfaces: " + e.getMessage(), e);
    }
  }

  private static int readIndex(Path file) {
    try {
      return Integer.parseInt(Files.readString(file).trim());
    } catch (IOException | NumberFormatException e) {
      // An interface that vanished between listing and reading sorts last; it is still a name.
      return -1;
    }
  }
}
