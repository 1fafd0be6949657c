package io.raftvip.cli.config;

/**
 * Config paths: the key syntax used in messages, {@code timing.lease}, {@code vips[1].address},
 * {@code cluster.peers[0].raft}. The empty path is the top of the file.
 */
final class ConfigPaths {

  private ConfigPaths() {}

  /** {@code parent.key}, or {@code key} at the top; an index ({@code [0]}) attaches directly. */
  static String join(String parent, String child) {
    if (parent.isEmpty()) {
      return child;
    }
    if (child.isEmpty()) {
      return parent;
    }
    return child.startsWith("[") ? parent + child : parent + "." + child;
  }

  /** {@code parent[index]}. */
  static String index(String parent, int index) {
    return parent + "[" + index + "]";
  }

  /**
   * The enclosing path: {@code timing} for {@code timing.lease}, {@code vips} for {@code vips[1]}.
   */
  static String parent(String path) {
    int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    return cut < 0 ? "" : path.substring(0, cut);
  }

  /** How a message names a section: "in timing", or "at the top level". */
  static String describe(String path) {
    return path.isEmpty() ? "at the top level" : "in " + path;
  }
}
