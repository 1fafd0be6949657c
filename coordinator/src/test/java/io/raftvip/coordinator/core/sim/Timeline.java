package io.raftvip.coordinator.core.sim;

import java.util.ArrayDeque;
import java.util.Locale;
import java.util.function.Supplier;

/** The last events of a run, formatted only when a failure is reported. */
final class Timeline {
  private record Line(long timeUs, String node, Supplier<String> text) {}

  private final int capacity;
  private final ArrayDeque<Line> lines = new ArrayDeque<>();

  Timeline(int capacity) {
    this.capacity = capacity;
  }

  void add(long timeUs, String node, Supplier<String> text) {
    if (lines.size() == capacity) {
      lines.removeFirst();
    }
    lines.addLast(new Line(timeUs, node, text));
  }

  String render(int last) {
    StringBuilder sb = new StringBuilder();
    int skip = Math.max(0, lines.size() - last);
    int i = 0;
    for (Line l : lines) {
      if (i++ < skip) {
        continue;
      }
      sb.append(
          String.format(
              Locale.ROOT, "%10.3f ms %-5s %s%n", l.timeUs / 1000.0, l.node, l.text.get()));
    }
    return sb.toString();
  }
}
