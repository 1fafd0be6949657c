package io.raftvip.testlan.probe;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Writes {@link ProbeEvent}s as lines, buffered and flushed at least every {@value #FLUSH_MS} ms
 * (by {@link #flushIfDue}, called from the prober's loop), so a reader of a growing file lags by
 * little. Thread-safe; counts what it wrote.
 */
final class ProbeLogWriter implements Consumer<ProbeEvent>, AutoCloseable {
  static final long FLUSH_MS = 20;

  private final Writer writer;
  private final boolean closeStream;
  private final AtomicLong written = new AtomicLong();
  private long lastFlushNanos = System.nanoTime();
  private boolean failed;

  ProbeLogWriter(OutputStream out, boolean closeStream) {
    this.writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    this.closeStream = closeStream;
  }

  @Override
  public synchronized void accept(ProbeEvent event) {
    if (failed) {
      return;
    }
    try {
      writer.write(event.format());
      writer.write('\n');
      written.incrementAndGet();
    } catch (IOException e) {
      failed = true;
      throw new UncheckedIOException("cannot write the probe log", e);
    }
  }

  /** Writes a comment line (ignored by {@link ProbeLog}). */
  synchronized void comment(String text) {
    try {
      writer.write("# " + text.replace('\n', ' ') + "\n");
    } catch (IOException e) {
      failed = true;
    }
  }

  long written() {
    return written.get();
  }

  synchronized void flushIfDue() {
    long now = System.nanoTime();
    if (now - lastFlushNanos >= FLUSH_MS * 1_000_000L) {
      flush();
      lastFlushNanos = now;
    }
  }

  synchronized void flush() {
    try {
      writer.flush();
    } catch (IOException e) {
      failed = true;
    }
  }

  @Override
  public synchronized void close() {
    flush();
    if (closeStream) {
      try {
        writer.close();
      } catch (IOException e) {
        // nothing more to write
      }
    }
  }
}
