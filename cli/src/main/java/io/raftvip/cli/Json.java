package io.raftvip.cli;

import java.util.Collection;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * A tiny JSON writer for {@code --json} output (RFC 8259), so the CLI needs no JSON library. Values
 * are {@link Map} (keys as strings, in the map's order), {@link Collection}, {@link CharSequence},
 * {@link Number} (finite), {@link Boolean} and {@code null}.
 */
public final class Json {

  /** Deeper than this is a cycle or a bug; our documents are three levels deep. */
  private static final int DEPTH_MAX = 32;

  private Json() {}

  /** {@code value} as compact JSON text. */
  public static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 0);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object value, int depth) {
    if (depth > DEPTH_MAX) {
      throw new IllegalArgumentException("JSON value nested deeper than " + DEPTH_MAX);
    }
    if (value == null) {
      sb.append("null");
    } else if (value instanceof Boolean b) {
      sb.append(b.booleanValue());
    } else if (value instanceof Number n) {
      if ((n instanceof Double d && !Double.isFinite(d))
          || (n instanceof Float f && !Float.isFinite(f))) {
        throw new IllegalArgumentException("JSON has no " + n);
      }
      sb.append(n);
    } else if (value instanceof CharSequence s) {
      string(sb, s.toString());
    } else if (value instanceof Map<?, ?> map) {
      sb.append('{');
      Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<?, ?> e = it.next();
        string(sb, String.valueOf(e.getKey()));
        sb.append(':');
        write(sb, e.getValue(), depth + 1);
        if (it.hasNext()) {
          sb.append(',');
        }
      }
      sb.append('}');
    } else if (value instanceof Collection<?> list) {
      sb.append('[');
      Iterator<?> it = list.iterator();
      while (it.hasNext()) {
        write(sb, it.next(), depth + 1);
        if (it.hasNext()) {
          sb.append(',');
        }
      }
      sb.append(']');
    } else {
      throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
    }
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          // U+2028/2029 are valid JSON but break JavaScript string literals; escape them too.
          if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
