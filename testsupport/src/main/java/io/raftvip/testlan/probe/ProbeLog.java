package io.raftvip.testlan.probe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A prober log read back: its events in time order and how many lines were not events (logger
 * output, a torn last line of a log still being written). Immutable.
 */
public final class ProbeLog {

  /** Bound on lines read from one file; the prober's own default limit is far below. */
  public static final int LINES_MAX = 20_000_000;

  private final List<ProbeEvent> events;
  private final int skippedLines;

  private ProbeLog(List<ProbeEvent> events, int skippedLines) {
    this.events = events;
    this.skippedLines = skippedLines;
  }

  /** A log of these events, sorted by time (stable: equal times keep their order). */
  public static ProbeLog of(List<ProbeEvent> events) {
    List<ProbeEvent> sorted = new ArrayList<>(events);
    sorted.sort(Comparator.comparingLong(ProbeEvent::epochMicros));
    return new ProbeLog(List.copyOf(sorted), 0);
  }

  /** Parses lines; those that are not events are counted and skipped. */
  public static ProbeLog parse(List<String> lines) {
    List<ProbeEvent> out = new ArrayList<>(lines.size());
    int skipped = 0;
    for (String line : lines) {
      Optional<ProbeEvent> e = ProbeEvent.parse(line);
      if (e.isPresent()) {
        out.add(e.get());
      } else if (!line.isBlank()) {
        skipped++;
      }
    }
    out.sort(Comparator.comparingLong(ProbeEvent::epochMicros));
    return new ProbeLog(List.copyOf(out), skipped);
  }

  /**
   * Reads a log file, which may still be growing (a torn last line is skipped). A missing file
   * reads as an empty log.
   */
  public static ProbeLog read(Path file) {
    try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      return parse(lines.limit(LINES_MAX).toList());
    } catch (NoSuchFileException e) {
      return new ProbeLog(List.of(), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read probe log " + file, e);
    }
  }

  /** Every event, in time order. */
  public List<ProbeEvent> events() {
    return events;
  }

  /** Non-blank lines that were not events. */
  public int skippedLines() {
    return skippedLines;
  }

  /** The analysis view of these events. */
  public Timeline timeline() {
    return Timeline.of(events);
  }

  /** The last stop line, if the prober finished cleanly. */
  public Optional<ProbeEvent> stop() {
    for (int i = events.size() - 1; i >= 0; i--) {
      if (events.get(i).kind() == ProbeEvent.Kind.STOP) {
        return Optional.of(events.get(i));
      }
    }
    return Optional.empty();
  }
}
