package io.raftvip.cli.agent;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.raftvip.cli.agent.metrics.AgentMetrics;
import io.raftvip.cli.agent.metrics.MetricsServer;
import io.raftvip.cli.agent.metrics.NodeReadings;
import io.raftvip.cli.config.AgentConfig;
import io.raftvip.coordinator.admin.AdminEventLog;
import io.raftvip.coordinator.admin.AdminService;
import io.raftvip.coordinator.admin.BearerTokenInterceptor;
import io.raftvip.coordinator.api.RaftVipNode;
import io.raftvip.coordinator.core.ClusterState;
import io.raftvip.coordinator.core.Command;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.Rejection;
import io.raftvip.coordinator.core.Vip;
import io.raftvip.coordinator.core.VipSpec;
import io.raftvip.coordinator.notify.NotifyHooks;
import io.raftvip.coordinator.ratis.RaftNodeException;
import io.raftvip.coordinator.reconcile.DataPlane;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running agent: the coordinator node over a data plane, its admin gRPC server (admin API, gRPC
 * health, server reflection), its Prometheus endpoint when {@code metrics.listen} is set, and the
 * one-time bootstrap of the config's VIPs. {@link #close()} is graceful: the admin server stops
 * taking calls, the node moves its VIPs away (fence closed, address removed, release committed
 * before the next owner starts), then everything stops.
 */
public final class Agent implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Agent.class);

  /** Events kept for WatchEvents resumes. */
  static final int EVENTS_KEPT = 10_000;

  /** Pause between bootstrap attempts while there is no leader. */
  static final long BOOTSTRAP_RETRY_MS = 500;

  /** Per attempt. */
  static final Duration BOOTSTRAP_TIMEOUT = Duration.ofSeconds(3);

  /** The bootstrap gives up (and says so) after this long without a quorum. */
  static final long BOOTSTRAP_GIVE_UP_MS = 600_000;

  private final NodeId self;
  private final RaftVipNode node;
  private final AdminEventLog events;
  private final Server adminServer;
  private final HealthStatusManager health;
  private final DataPlane dataPlane;
  private final MetricsServer metricsServer; // null when metrics are off
  private final Thread bootstrap;
  private final Optional<NotifyHooks> hooks;
  private volatile boolean closed;

  private Agent(
      NodeId self,
      RaftVipNode node,
      AdminEventLog events,
      Server adminServer,
      HealthStatusManager health,
      DataPlane dataPlane,
      Optional<NotifyHooks> hooks,
      MetricsServer metricsServer,
      List<VipSpec> bootstrapVips) {
    this.hooks = hooks;
    this.self = self;
    this.node = node;
    this.events = events;
    this.adminServer = adminServer;
    this.health = health;
    this.dataPlane = dataPlane;
    this.metricsServer = metricsServer;
    this.bootstrap = new Thread(() -> bootstrap(bootstrapVips), "raftvip-bootstrap");
    this.bootstrap.setDaemon(true);
  }

  /**
   * Starts the agent for {@code config} over {@code dataPlane} (the agent closes it).
   *
   * @param token the admin API's bearer token, if required
   */
  public static Agent start(AgentConfig config, DataPlane dataPlane, Optional<String> token)
      throws IOException {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(dataPlane, "dataPlane");
    NodeId self = AgentSettings.self(config);
    Map<NodeId, String> adminAddresses = AgentSettings.adminAddresses(config);
    Function<NodeId, String> book = AdminService.addressBook(adminAddresses);
    AdminEventLog events = new AdminEventLog(EVENTS_KEPT, System::currentTimeMillis, book);
    Optional<NotifyHooks> hooks = AgentSettings.notifyHooks(config);
    RaftVipNode.Listener logged = e -> log.info("{}", describe(e));
    RaftVipNode.Listener listener =
        hooks
            .<RaftVipNode.Listener>map(
                h ->
                    e -> {
                      logged.onEvent(e);
                      h.onEvent(e);
                    })
            .orElse(logged);
    Set<NodeId> voters =
        AgentSettings.members(config).stream()
            .map(RaftVipNode.Member::id)
            .collect(Collectors.toSet());
    // Metrics hear the node only when metrics.listen is set; lease deadlines are on the plane's
    // clock.
    Optional<AgentMetrics> metrics =
        config
            .metrics()
            .map(
                m ->
                    new AgentMetrics(
                            self,
                            voters,
                            dataPlane::nowMs,
                            System::nanoTime,
                            new PrometheusRegistry())
                        .withJvmMetrics());
    RaftVipNode.Builder b =
        RaftVipNode.builder()
            .nodeId(self)
            .storageDir(config.node().storageDir())
            .groupId(config.cluster().id())
            .timing(AgentSettings.timing(config.timing()))
            .dataPlane(dataPlane)
            .observer(metrics.map(m -> m.alongside(events)).orElse(events))
            .listener(listener)
            .healthListener(h -> log.info("{}: health {}", self, h));
    AgentSettings.healthChecks(config, b);
    metrics.ifPresent(b::metrics);
    AgentSettings.tls(config).ifPresent(b::tls);
    for (RaftVipNode.Member m : AgentSettings.members(config)) {
      b.member(m);
    }
    RaftVipNode node;
    try {
      node = b.start();
    } catch (IOException | RuntimeException e) {
      hooks.ifPresent(NotifyHooks::close);
      dataPlane.close();
      throw e;
    }
    HealthStatusManager health = new HealthStatusManager();
    AdminService admin = new AdminService(node, adminAddresses, events);
    var listen = config.admin().listen();
    // With TLS: this node's certificate, and a client certificate from the CA is required.
    ServerCredentials adminCredentials =
        node.adminServerCredentials().orElseGet(InsecureServerCredentials::create);
    NettyServerBuilder sb =
        NettyServerBuilder.forAddress(
                new InetSocketAddress(listen.host(), listen.port()), adminCredentials)
            .addService(health.getHealthService())
            .addService(ProtoReflectionServiceV1.newInstance())
            .maxInboundMessageSize(1 << 20);
    if (token.isPresent()) {
      sb.addService(ServerInterceptors.intercept(admin, new BearerTokenInterceptor(token.get())));
    } else {
      sb.addService(admin);
    }
    Server server = sb.build();
    try {
      server.start();
    } catch (IOException e) {
      node.close();
      hooks.ifPresent(NotifyHooks::close);
      dataPlane.close();
      throw new IOException("cannot listen on admin.listen " + listen + ": " + e.getMessage(), e);
    }
    MetricsServer metricsServer = null;
    if (metrics.isPresent()) {
      metrics.get().attach(NodeReadings.of(node));
      var m = config.metrics().get().listen();
      try {
        metricsServer = MetricsServer.start(m.host(), m.port(), metrics.get().registry());
      } catch (IOException e) {
        server.shutdownNow();
        node.close();
        dataPlane.close();
        throw new IOException("cannot listen on metrics.listen " + m + ": " + e.getMessage(), e);
      }
    }
    health.setStatus("", io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
    Agent a =
        new Agent(
            self,
            node,
            events,
            server,
            health,
            dataPlane,
            hooks,
            metricsServer,
            AgentSettings.vips(config));
    a.bootstrap.start();
    log.info(
        "{}: agent started; admin API on {} ({}{}), raft on {}, metrics {}",
        self,
        listen,
        config.tls().isPresent() ? "mutual TLS" : "plaintext",
        token.isPresent() ? ", token required" : "",
        config.self().raftAddress(),
        config.metrics().map(m -> "on " + m.listen()).orElse("off"));
    return a;
  }

  /** The embedded node (tests and the demo read its state). */
  public RaftVipNode node() {
    return node;
  }

  /** The metrics server's port (useful when the config asked for port 0); empty when off. */
  public OptionalInt metricsPort() {
    return metricsServer == null ? OptionalInt.empty() : OptionalInt.of(metricsServer.port());
  }

  /** The admin server's port (useful when the config asked for port 0). */
  public int adminPort() {
    return adminServer.getPort();
  }

  /**
   * Submits the config's VIPs once, when the cluster's VIP set was never initialised; the first
   * agent's commit wins, later ones are refused (AlreadyBootstrapped) and only compared.
   */
  private void bootstrap(List<VipSpec> specs) {
    long start = System.nanoTime();
    while (!closed && !node.state().bootstrapped()) {
      if (System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(BOOTSTRAP_GIVE_UP_MS)) {
        log.error(
            "{}: no quorum for {} s: the config's VIPs were not submitted; they will be on the"
                + " next start",
            self,
            BOOTSTRAP_GIVE_UP_MS / 1000);
        return;
      }
      if (node.leaderId().isEmpty()) {
        sleep(BOOTSTRAP_RETRY_MS);
        continue;
      }
      try {
        node.submit(new Command.Bootstrap(specs), BOOTSTRAP_TIMEOUT)
            .get(BOOTSTRAP_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        log.info(
            "{}: bootstrapped the cluster with the {} VIPs of this config", self, specs.size());
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | CompletionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RaftNodeException.Rejected r) {
          if (r.rejection() instanceof Rejection.AlreadyBootstrapped) {
            break;
          }
          log.error("{}: the cluster refused the config's VIPs: {}", self, r.rejection().message());
          return;
        }
        log.debug("{}: bootstrap attempt failed: {}", self, String.valueOf(cause));
        sleep(BOOTSTRAP_RETRY_MS);
      } catch (TimeoutException e) {
        sleep(BOOTSTRAP_RETRY_MS);
      }
    }
    if (!closed) {
      compareWithConfig(specs, node.state());
    }
  }

  private void compareWithConfig(List<VipSpec> specs, ClusterState state) {
    for (VipSpec s : specs) {
      Optional<Vip> v = state.vip(s.name());
      if (v.isEmpty() || !v.get().spec().equals(s)) {
        log.info(
            "{}: the config's VIP {} differs from the cluster's; the cluster's state wins"
                + " (change VIPs with raftvip vip ...)",
            self,
            s.name());
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String describe(RaftVipNode.VipEvent e) {
    if (e instanceof RaftVipNode.VipEvent.BecameOwner o) {
      return "VIP " + o.vip() + ": became owner at epoch " + o.epoch();
    }
    if (e instanceof RaftVipNode.VipEvent.Released r) {
      return "VIP " + r.vip() + ": released (epoch " + r.epoch() + ")";
    }
    if (e instanceof RaftVipNode.VipEvent.Stopped s) {
      return "VIP " + s.vip() + ": stopped serving";
    }
    if (e instanceof RaftVipNode.VipEvent.LeaseLost l) {
      return "VIP " + l.vip() + ": lease lost, fence closed";
    }
    if (e instanceof RaftVipNode.VipEvent.EffectFailed f) {
      return "VIP " + f.vip() + ": " + f.effect() + " failed: " + f.error();
    }
    return e.toString();
  }

  /** Graceful stop (see the class comment). Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    log.info("{}: stopping: moving this node's VIPs away", self);
    health.enterTerminalState();
    bootstrap.interrupt();
    events.close();
    adminServer.shutdown();
    try {
      node.close();
    } finally {
      try {
        adminServer.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      adminServer.shutdownNow();
      // After the node: the release events of the graceful stop still reach the scripts.
      hooks.ifPresent(NotifyHooks::close);
      if (metricsServer != null) {
        // Last: the graceful release above is worth watching.
        metricsServer.close();
      }
      dataPlane.close();
      log.info("{}: stopped", self);
    }
  }
}
