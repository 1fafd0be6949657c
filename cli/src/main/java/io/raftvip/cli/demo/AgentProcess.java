package io.raftvip.cli.demo;

import io.raftvip.coordinator.core.NodeId;
import io.raftvip.testlan.Host;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The driver's handle on one {@link DemoOwnerAgent} child JVM: its process, the pipe to its stdin,
 * and a named daemon thread reading its stdout line by line into {@code onMessage}. Writes are
 * serialized; a write to a dead agent is dropped (a killed agent is part of the demo).
 */
final class AgentProcess implements AutoCloseable {

  /** JVM options for every child: small, quick to start, short GC pauses. */
  static final List<String> CHILD_JVM_OPTIONS =
      List.of(
          "-Xms32m",
          "-Xmx96m",
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          "-Xss512k",
          "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
          "-Dorg.slf4j.simpleLogger.showDateTime=true");

  private final NodeId node;
  private final Process process;
  private final Writer stdin;
  private final Thread reader;

  private AgentProcess(NodeId node, Process process, Consumer<AgentWire.FromAgent> onMessage) {
    this.node = node;
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.reader =
        new Thread(() -> read(onMessage), "demo-agent-" + node.value() + "-" + process.pid());
    reader.setDaemon(true);
  }

  /** Starts the agent of {@code host} with {@code args}; its stderr goes to {@code log}. */
  static AgentProcess start(
      Host host, List<String> args, Path log, Consumer<AgentWire.FromAgent> onMessage) {
    Process p = host.startJavaPiped(DemoOwnerAgent.class, CHILD_JVM_OPTIONS, args, log);
    AgentProcess a = new AgentProcess(NodeId.of(host.name()), p, onMessage);
    a.reader.start();
    return a;
  }

  NodeId node() {
    return node;
  }

  long pid() {
    return process.pid();
  }

  Process process() {
    return process;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Writes one line; false when the agent is gone (broken pipe). */
  synchronized boolean send(String line) {
    try {
      stdin.write(line);
      stdin.write('\n');
      stdin.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void read(Consumer<AgentWire.FromAgent> onMessage) {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        Optional<AgentWire.FromAgent> m = AgentWire.parseFromAgent(line);
        if (m.isPresent()) {
          onMessage.accept(m.get());
        }
      }
    } catch (IOException e) {
      // the agent was killed: its pipe closed
    } catch (RuntimeException e) {
      System.err.println("demo: agent " + node + " reader failed: " + e);
    }
  }

  /** Asks the agent to stop cleanly (it removes its address and fence), waiting a bounded time. */
  @Override
  public void close() {
    if (process.isAlive()) {
      send(AgentWire.quit());
      try {
        process.waitFor(3, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (process.isAlive()) {
      process.destroyForcibly();
    }
    try {
      stdin.close();
    } catch (IOException e) {
      // already closed
    }
    try {
      reader.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
