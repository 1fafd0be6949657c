package io.raftvip.testlan.probe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tools' tiny {@code --key value} parser: testsupport carries no CLI library. Unknown keys and
 * missing values are errors naming the key.
 */
final class Args {
  private final Map<String, List<String>> values;

  private Args(Map<String, List<String>> values) {
    this.values = values;
  }

  static Args parse(String[] args, Set<String> known) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String key = args[i];
      if (!key.startsWith("--") || !known.contains(key.substring(2))) {
        throw new IllegalArgumentException(
            "unknown option '" + key + "'; known: --" + String.join(", --", known));
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + key + " needs a value");
      }
      values.computeIfAbsent(key.substring(2), k -> new ArrayList<>()).add(args[++i]);
    }
    return new Args(values);
  }

  String string(String key, String fallback) {
    List<String> v = values.get(key);
    return v == null ? fallback : v.get(v.size() - 1);
  }

  String required(String key) {
    String v = string(key, null);
    if (v == null) {
      throw new IllegalArgumentException("option --" + key + " is required");
    }
    return v;
  }

  List<String> all(String key) {
    return values.getOrDefault(key, List.of());
  }

  long number(String key, long fallback, long min, long max) {
    String v = string(key, null);
    if (v == null) {
      return fallback;
    }
    long n;
    try {
      n = Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + key + " must be a number, was '" + v + "'", e);
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(
          "--" + key + " must be in " + min + ".." + max + ", was " + n);
    }
    return n;
  }
}
