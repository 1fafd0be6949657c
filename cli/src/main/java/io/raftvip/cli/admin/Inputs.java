package io.raftvip.cli.admin;

import io.raftvip.cli.config.HostPort;
import io.raftvip.cli.config.IpPrefix;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Checks of what the user typed, done before any call so that a typo costs no round trip and gets
 * exit code 2. The server checks again (admin.proto); these rules mirror its documented ones. Pure:
 * each method returns the value for the wire or throws {@link IllegalArgumentException} with a
 * message naming the option and the bad value.
 */
final class Inputs {

  /** VIP names and node ids (admin.proto VipSpec.name; node ids are Ratis peer ids). */
  static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  static final int VRID_MIN = 1;
  static final int VRID_MAX = 255;
  static final int PRIORITY_MAX = 255;

  /** Linux IFNAMSIZ is 16 including the terminating NUL. */
  static final int INTERFACE_NAME_LENGTH_MAX = 15;

  /** More priorities or health checks than this is a pasted mistake, not a VIP. */
  static final int LIST_LENGTH_MAX = 64;

  private static final String NAME_RULE =
      "use 1 to 63 lower-case letters, digits or '-', starting with a letter or digit";

  private Inputs() {}

  static String vipName(String name) {
    return name("VIP name", name);
  }

  static String nodeId(String what, String id) {
    return name(what, id);
  }

  private static String name(String what, String value) {
    if (!NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(what + " " + quote(value) + " is invalid: " + NAME_RULE);
    }
    return value;
  }

  /**
   * Checks {@code address/prefix} and returns it as typed: the wire keeps the user's text so that
   * server messages quote it exactly (common.proto IpPrefix).
   */
  static String vipAddress(String cidr) {
    IpPrefix prefix;
    try {
      prefix = IpPrefix.parse(cidr);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("VIP address " + e.getMessage(), e);
    }
    prefix
        .floatingProblem()
        .ifPresent(
            p -> {
              throw new IllegalArgumentException(
                  "VIP address " + quote(cidr) + " cannot float between hosts: " + p);
            });
    return cidr;
  }

  static int vrid(int vrid) {
    if (vrid < VRID_MIN || vrid > VRID_MAX) {
      throw new IllegalArgumentException(
          "--vrid "
              + vrid
              + " is out of range "
              + VRID_MIN
              + ".."
              + VRID_MAX
              + " (leave --vrid out for no virtual MAC)");
    }
    return vrid;
  }

  /** {@code NODE=PRIORITY} items, each node once. */
  static SortedMap<String, Integer> priorities(List<String> items) {
    if (items.size() > LIST_LENGTH_MAX) {
      throw new IllegalArgumentException(
          "--priority given " + items.size() + " times; at most " + LIST_LENGTH_MAX);
    }
    SortedMap<String, Integer> m = new TreeMap<>();
    for (String item : items) {
      int eq = item.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException(
            "--priority " + quote(item) + " must be NODE=PRIORITY, like n1=150");
      }
      String node = item.substring(0, eq);
      String value = item.substring(eq + 1);
      name("--priority " + quote(item) + ": node id", node);
      if (value.isEmpty()
          || value.length() > 3
          || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IllegalArgumentException(
            "--priority " + quote(item) + ": priority must be a number 0.." + PRIORITY_MAX);
      }
      int p = Integer.parseInt(value);
      if (p > PRIORITY_MAX) {
        throw new IllegalArgumentException(
            "--priority " + quote(item) + ": priority " + p + " is above " + PRIORITY_MAX);
      }
      if (m.put(node, p) != null) {
        throw new IllegalArgumentException("--priority names node " + quote(node) + " twice");
      }
    }
    return m;
  }

  static String interfaceName(String name) {
    if (name.isEmpty()
        || name.length() > INTERFACE_NAME_LENGTH_MAX
        || name.equals(".")
        || name.equals("..")
        || !name.chars().allMatch(c -> c > ' ' && c < 127 && c != '/' && c != ':')) {
      throw new IllegalArgumentException(
          "--interface "
              + quote(name)
              + " is not a valid interface name: use 1 to 15 printable characters without '/',"
              + " ':' or spaces");
    }
    return name;
  }

  /** Health-check names, each once, in the order given. */
  static List<String> healthChecks(List<String> names) {
    if (names.size() > LIST_LENGTH_MAX) {
      throw new IllegalArgumentException(
          "--health-check given " + names.size() + " times; at most " + LIST_LENGTH_MAX);
    }
    Set<String> seen = new LinkedHashSet<>();
    for (String n : names) {
      name("--health-check", n);
      if (!seen.add(n)) {
        throw new IllegalArgumentException("--health-check " + quote(n) + " is given twice");
      }
    }
    return new ArrayList<>(seen);
  }

  /** A {@code host:port} for {@code option}, in canonical form. */
  static String hostPort(String option, String text) {
    try {
      HostPort hp = HostPort.parse(text);
      if (hp.isWildcard()) {
        throw new IllegalArgumentException(
            quote(text) + " is a wildcard address; give the address other nodes dial");
      }
      return hp.toString();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
    }
  }

  /** {@code "value"}, with control characters shown as \\uXXXX and long values cut. */
  static String quote(String value) {
    StringBuilder sb = new StringBuilder("\"");
    int n = Math.min(value.length(), 80);
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else {
        sb.append(c);
      }
    }
    if (value.length() > n) {
      sb.append("...");
    }
    return sb.append('"').toString();
  }
}
