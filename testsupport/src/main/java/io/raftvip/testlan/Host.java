package io.raftvip.testlan;

import java.io.File;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One machine on the test LAN: a network namespace whose only link is {@code eth0}, plugged into
 * the LAN's bridge. Node {@code i} (1-based) has 198.18.0.(10+i)/24, 2001:db8::(10+i)/64 and MAC
 * 02:00:00:00:00:(10+i in hex); the client has 198.18.0.100, 2001:db8::100 and 02:00:00:00:00:64.
 *
 * <p>Thread-safe. Valid until its {@link TestLan} is closed.
 */
public final class Host {
  /** The name of every host's only interface. */
  public static final String IFNAME = "eth0";

  /** Default bound for {@link #exec} and {@link #execOrThrow}. */
  public static final Duration EXEC_TIMEOUT = Duration.ofSeconds(30);

  /** Default bound for {@link #inNetns(Callable)}. */
  public static final Duration IN_NETNS_TIMEOUT = Duration.ofSeconds(60);

  /** Bound for ip netns exec to set up the namespace and exec the command in start(). */
  static final Duration EXEC_START_TIMEOUT = Duration.ofSeconds(10);

  private static final File DEV_NULL = new File("/dev/null");

  private final TestLan lan;
  private final int index;
  private final String name;
  private final String netns;
  private final String switchPort;
  private final String ipv4;
  private final String ipv6;
  private final byte[] mac;

  Host(TestLan lan, int index, String name, String netns, String switchPort, boolean ipv6Enabled) {
    this.lan = lan;
    this.index = index;
    this.name = name;
    this.netns = netns;
    this.switchPort = switchPort;
    int hostPart = index == 0 ? 100 : 10 + index;
    this.ipv4 = "198.18.0." + hostPart;
    // 2001:db8::11 for node 1: the decimal host part written as hex digits, as the contract says.
    this.ipv6 = ipv6Enabled ? "2001:db8::" + hostPart : null;
    this.mac = new byte[] {0x02, 0, 0, 0, 0, (byte) hostPart};
  }

  TestLan lan() {
    return lan;
  }

  /** Returns 1..n for node(i), 0 for the client. */
  public int index() {
    return index;
  }

  /** Returns whether this is the client rather than a node. */
  public boolean isClient() {
    return index == 0;
  }

  /** Returns the short role name: {@code n1}..{@code n8} or {@code client}. */
  public String name() {
    return name;
  }

  /** Returns the network namespace name, e.g. {@code rvt12345kcmp-fence-n1}. */
  public String netns() {
    return netns;
  }

  /** Returns the name of the host's interface, always {@code eth0}. */
  public String ifname() {
    return IFNAME;
  }

  /** Returns the name of this host's port on the switch bridge ({@code p1}.., {@code pc}). */
  public String switchPort() {
    return switchPort;
  }

  /** Returns the IPv4 address as text, e.g. {@code 198.18.0.11}; the prefix length is 24. */
  public String ipv4() {
    return ipv4;
  }

  /**
   * Returns the IPv6 address as text, e.g. {@code 2001:db8::11}; the prefix length is 64.
   *
   * @throws IllegalStateException if the LAN was built with {@code ipv6(false)}
   */
  public String ipv6() {
    if (ipv6 == null) {
      throw new IllegalStateException("test LAN " + lan.name() + " was built with ipv6(false)");
    }
    return ipv6;
  }

  /** Returns {@link #ipv4()} as an address object. */
  public Inet4Address ipv4Address() {
    return (Inet4Address) literal(ipv4);
  }

  /** Returns {@link #ipv6()} as an address object. */
  public Inet6Address ipv6Address() {
    return (Inet6Address) literal(ipv6());
  }

  /** Returns a copy of the fixed MAC of {@code eth0}, 6 bytes. */
  public byte[] mac() {
    return mac.clone();
  }

  /** Returns the MAC as text, e.g. {@code 02:00:00:00:00:0b}. */
  public String macString() {
    return Frame.formatMac(mac);
  }

  /** Runs {@code command} in this namespace, bounded by {@link #EXEC_TIMEOUT}. */
  public ExecResult exec(String... command) {
    return exec(EXEC_TIMEOUT, command);
  }

  /** Runs {@code command} in this namespace, bounded by {@code timeout}. */
  public ExecResult exec(Duration timeout, String... command) {
    return exec(List.of(command), null, timeout);
  }

  /**
   * Runs {@code command} in this namespace ({@code ip netns exec <ns> command...}) and returns its
   * exit code and output. A non-zero exit is returned, not thrown.
   *
   * @param stdin text for the command's standard input, or null for none
   * @throws TestLanException if it does not finish within {@code timeout} (it is then killed)
   */
  public ExecResult exec(List<String> command, String stdin, Duration timeout) {
    return Commands.run(inNamespace(command), stdin, timeout);
  }

  /** Like {@link #exec(String...)}, but a non-zero exit throws {@link ExecFailedException}. */
  public ExecResult execOrThrow(String... command) {
    return execOrThrow(EXEC_TIMEOUT, command);
  }

  /** Like {@link #exec(Duration, String...)}, but a non-zero exit throws. */
  public ExecResult execOrThrow(Duration timeout, String... command) {
    return execOrThrow(List.of(command), null, timeout);
  }

  /**
   * Like {@link #exec(List, String, Duration)}, but a non-zero exit throws {@link
   * ExecFailedException} carrying the command, exit code and stderr.
   */
  public ExecResult execOrThrow(List<String> command, String stdin, Duration timeout) {
    return Commands.runOrThrow(inNamespace(command), stdin, timeout);
  }

  /** Runs {@code body} inside this namespace, bounded by {@link #IN_NETNS_TIMEOUT}. */
  public <T> T inNetns(Callable<T> body) {
    return inNetns(IN_NETNS_TIMEOUT, body);
  }

  /**
   * Runs {@code body} on a fresh platform thread that first moves itself into this namespace with
   * setns(2), waits for its result and lets the thread end (it can never leave the namespace).
   * Sockets and channels created by {@code body} stay bound to this namespace and may be used from
   * any thread afterwards.
   *
   * <p>Exceptions thrown by {@code body}: unchecked ones and errors (including assertion failures)
   * are rethrown as they are; checked ones are wrapped in a {@link TestLanException}.
   *
   * @throws TestLanException if {@code body} does not finish within {@code timeout} (its thread is
   *     interrupted and abandoned), or the namespace cannot be entered
   */
  public <T> T inNetns(Duration timeout, Callable<T> body) {
    lan.requireOpen();
    String path = "/var/run/netns/" + netns;
    FutureTask<T> task =
        new FutureTask<>(
            () -> {
              Libc.enterNetworkNamespace(path);
              return body.call();
            });
    Thread thread = new Thread(task, "testlan-netns-" + netns);
    thread.setDaemon(true);
    thread.start();
    try {
      return task.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new TestLanException("code run in namespace " + netns + " failed: " + cause, cause);
    } catch (TimeoutException e) {
      thread.interrupt();
      throw new TestLanException(
          "code run in namespace "
              + netns
              + " did not finish within "
              + timeout.toMillis()
              + " ms");
    } catch (InterruptedException e) {
      thread.interrupt();
      Thread.currentThread().interrupt();
      throw new TestLanException("interrupted while waiting for code in namespace " + netns, e);
    }
  }

  /**
   * Starts {@code command} in this namespace with stdout and stderr appended to {@code log}, and
   * returns as soon as {@code ip netns exec} has exec'd it (a few milliseconds), so the returned
   * process is the command itself: signals and {@link Process#destroy()} reach it directly. {@link
   * TestLan#close()} kills it (and its descendants) if it still runs.
   */
  public Process start(List<String> command, Path log) {
    return start(command, log, false);
  }

  /**
   * Like {@link #start(List, Path)}, but the command's standard input and output are pipes to this
   * JVM ({@link Process#getOutputStream()}, {@link Process#getInputStream()}), for a line protocol
   * with it; only its standard error goes to {@code log}. The caller must keep reading the output
   * (a full pipe blocks the child) and close the streams when done.
   */
  public Process startPiped(List<String> command, Path log) {
    return start(command, log, true);
  }

  private Process start(List<String> command, Path log, boolean piped) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command must not be empty");
    }
    lan.requireOpen();
    try {
      Path parent = log.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      ProcessBuilder builder = new ProcessBuilder(inNamespace(command));
      if (piped) {
        builder
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .redirectOutput(ProcessBuilder.Redirect.PIPE)
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
      } else {
        builder
            .redirectInput(DEV_NULL)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      }
      Process process = builder.start();
      lan.track(process);
      awaitExec(process, command.get(0));
      return process;
    } catch (IOException e) {
      throw new TestLanException("cannot start in " + netns + ": " + String.join(" ", command), e);
    }
  }

  /**
   * Waits (bounded) until {@code ip netns exec} has exec'd the command, so that the caller's
   * Process, pid and signals refer to the command and never to {@code ip}.
   */
  private static void awaitExec(Process process, String program) {
    Path ip = Path.of(Commands.tool("ip"));
    if (Path.of(program).getFileName().toString().equals("ip")) {
      return; // the command is ip itself: no way to tell, and nothing to wait for
    }
    Path exe = Path.of("/proc", Long.toString(process.pid()), "exe");
    long deadline = System.nanoTime() + EXEC_START_TIMEOUT.toNanos();
    while (System.nanoTime() - deadline < 0) {
      try {
        if (!Files.isSameFile(Files.readSymbolicLink(exe), ip)) {
          return;
        }
      } catch (IOException e) {
        return; // exited already (e.g. command not found): the log says why
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    throw new TestLanException(
        "ip netns exec did not exec "
            + program
            + " within "
            + EXEC_START_TIMEOUT.toMillis()
            + " ms");
  }

  /**
   * Starts a child JVM in this namespace running {@code main} with this JVM's java binary and class
   * path; output goes to {@code log}. See {@link #start(List, Path)}.
   */
  public Process startJava(Class<?> main, List<String> args, Path log) {
    return startJava(main, List.of(), args, log);
  }

  /**
   * Like {@link #startJava(Class, List, Path)} with extra JVM options (e.g. {@code -Xmx128m})
   * placed before the main class.
   */
  public Process startJava(Class<?> main, List<String> jvmArgs, List<String> args, Path log) {
    return start(javaCommand(main, jvmArgs, args), log, false);
  }

  /**
   * Like {@link #startJava(Class, List, List, Path)} with the child's standard input and output as
   * pipes to this JVM; see {@link #startPiped(List, Path)}. Standard error goes to {@code log}.
   */
  public Process startJavaPiped(Class<?> main, List<String> jvmArgs, List<String> args, Path log) {
    return start(javaCommand(main, jvmArgs, args), log, true);
  }

  private static List<String> javaCommand(Class<?> main, List<String> jvmArgs, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(args);
    return command;
  }

  /**
   * Sends a signal by name ({@code STOP}, {@code CONT}, {@code KILL}, {@code TERM}, {@code INT}...)
   * to {@code process} with {@code kill -s}. Only the process itself is signalled, not its
   * children.
   */
  public static void signal(Process process, String signal) {
    Commands.signal(process.pid(), signal);
  }

  /** Like {@link #signal(Process, String)} for a pid of a process the test started. */
  public static void signal(long pid, String signal) {
    Commands.signal(pid, signal);
  }

  static String javaBinary() {
    Path fromHome = Path.of(System.getProperty("java.home"), "bin", "java");
    if (Files.isExecutable(fromHome)) {
      return fromHome.toString();
    }
    return ProcessHandle.current()
        .info()
        .command()
        .orElseThrow(() -> new TestLanException("cannot find this JVM's java binary"));
  }

  private List<String> inNamespace(List<String> command) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command must not be empty");
    }
    List<String> full = new ArrayList<>(command.size() + 4);
    full.addAll(Arrays.asList(Commands.tool("ip"), "netns", "exec", netns));
    full.addAll(command);
    return full;
  }

  private static InetAddress literal(String text) {
    try {
      return InetAddress.getByName(text); // a literal: no name lookup happens
    } catch (UnknownHostException e) {
      throw new IllegalStateException("not an address literal: " + text, e);
    }
  }

  @Override
  public String toString() {
    return name + "(" + netns + ", " + ipv4 + ")";
  }
}
