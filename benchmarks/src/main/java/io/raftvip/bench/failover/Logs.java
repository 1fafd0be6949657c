package io.raftvip.bench.failover;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reading daemon logs back for failure messages. */
final class Logs {
  private Logs() {}

  /** The last {@code lines} lines of {@code file} under a heading; empty when there is no file. */
  static String tail(Path file, int lines, String heading) {
    if (!Files.exists(file)) {
      return "";
    }
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      StringBuilder sb = new StringBuilder("\n--- " + heading + " (" + file + ") ---\n");
      all.subList(Math.max(0, all.size() - lines), all.size())
          .forEach(l -> sb.append(l).append('\n'));
      return sb.toString();
    } catch (IOException e) {
      return "\n(cannot read " + file + ": " + e + ")";
    }
  }

  /** Removes a temporary directory tree, best effort. */
  static void deleteTree(Path root) {
    try (var s = Files.walk(root)) {
      s.sorted(java.util.Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // best effort: a temp dir
                }
              });
    } catch (IOException ignored) {
      // best effort
    }
  }

  /** Copies every *.log and *.conf/*.yaml under {@code from} to {@code to}, best effort. */
  static void copyLogs(Path from, Path to) {
    try (var s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String n = p.getFileName().toString();
        if (Files.isRegularFile(p)
            && (n.endsWith(".log") || n.endsWith(".conf") || n.endsWith(".yaml"))) {
          Path dest = to.resolve(from.relativize(p));
          Files.createDirectories(dest.getParent());
          Files.copy(p, dest, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      System.err.println("failover: cannot keep logs in " + to + ": " + e);
    }
  }
}
