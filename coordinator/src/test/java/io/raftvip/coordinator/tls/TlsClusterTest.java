package io.raftvip.coordinator.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.raftvip.coordinator.admin.AdminEventLog;
import io.raftvip.coordinator.admin.AdminService;
import io.raftvip.coordinator.admin.BearerTokenInterceptor;
import io.raftvip.coordinator.api.RaftVipNode;
import io.raftvip.coordinator.core.NodeId;
import io.raftvip.coordinator.core.NodeStatus;
import io.raftvip.coordinator.core.lease.TimingSettings;
import io.raftvip.coordinator.reconcile.InMemoryDataPlane;
import io.raftvip.proto.admin.v1.AdminServiceGrpc;
import io.raftvip.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.raftvip.proto.admin.v1.CreateVipRequest;
import io.raftvip.proto.admin.v1.GetClusterStatusRequest;
import io.raftvip.proto.admin.v1.GetVipRequest;
import io.raftvip.proto.admin.v1.OwnershipState;
import io.raftvip.proto.admin.v1.Vip;
import io.raftvip.proto.admin.v1.VipSpec;
import io.raftvip.proto.common.v1.IpPrefix;
import io.raftvip.proto.peer.v1.PeerServiceGrpc;
import io.raftvip.proto.peer.v1.PingRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS on a real three-node cluster on 127.0.0.1 (Ratis, leases, in-memory data planes), with
 * certificates made by openssl at test time and re-read every second: the cluster forms and serves
 * a VIP; an admin client needs a certificate from the CA (and the token); an admin certificate
 * cannot speak the peer protocol; a renewed certificate is presented without a restart; and no key
 * or token reaches the logs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TlsClusterTest {

  static final TimingSettings TIMING =
      TimingSettings.defaults().toBuilder().leaseDurationMs(1_000).renewIntervalMs(200).build();

  static final String TOKEN = "tls-test-token-9f2c41";

  static final Duration RELOAD = Duration.ofSeconds(1);

  @TempDir static Path dir;

  private final Map<NodeId, RaftVipNode> nodes = new LinkedHashMap<>();
  private final Map<NodeId, RaftVipNode.Member> members = new LinkedHashMap<>();
  private final Map<NodeId, TlsSettings> tls = new LinkedHashMap<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final LogCapture logs = new LogCapture();
  private TestPki.Ca ca;
  private TestPki.Ca otherCa;
  private TestPki.Leaf adminClient;
  private TestPki.Leaf foreignClient;
  private Server adminServer;

  @BeforeAll
  void start() throws Exception {
    logs.start();
    ca = TestPki.ca(dir, "cluster-ca");
    otherCa = TestPki.ca(dir, "other-ca");
    adminClient = ca.issue("admin", "DNS:admin.test");
    foreignClient = otherCa.issue("intruder", "IP:127.0.0.1", "DNS:admin.test");
    for (int i = 1; i <= 3; i++) {
      NodeId id = NodeId.of("n" + i);
      members.put(id, new RaftVipNode.Member(id, "127.0.0.1", freePort(), freePort()));
      TestPki.Leaf leaf = ca.issue("n" + i, "IP:127.0.0.1");
      Path own = Files.createDirectories(dir.resolve("n" + i + "-tls"));
      leaf.installAt(own.resolve("cert.pem"), own.resolve("key.pem"));
      tls.put(
          id, new TlsSettings(own.resolve("cert.pem"), own.resolve("key.pem"), ca.cert(), RELOAD));
    }
    UUID group = UUID.randomUUID();
    Map<NodeId, String> adminAddresses = new LinkedHashMap<>();
    int adminPort = freePort();
    adminAddresses.put(NodeId.of("n1"), "127.0.0.1:" + adminPort);
    for (RaftVipNode.Member m : members.values()) {
      RaftVipNode.Builder b =
          RaftVipNode.builder()
              .nodeId(m.id())
              .storageDir(dir.resolve(m.id().value()))
              .groupId(group)
              .dataPlane(InMemoryDataPlane.onSystemClock())
              .timing(TIMING)
              .tls(tls.get(m.id()));
      members.values().forEach(b::member);
      AdminEventLog events = null;
      if (m.id().value().equals("n1")) {
        events =
            new AdminEventLog(
                1000, System::currentTimeMillis, AdminService.addressBook(adminAddresses));
        b.observer(events);
      }
      RaftVipNode node = b.start();
      nodes.put(m.id(), node);
      if (events != null) {
        AdminService admin = new AdminService(node, adminAddresses, events);
        adminServer =
            NettyServerBuilder.forAddress(
                    new InetSocketAddress("127.0.0.1", adminPort),
                    node.adminServerCredentials().orElseThrow())
                .addService(ServerInterceptors.intercept(admin, new BearerTokenInterceptor(TOKEN)))
                .build()
                .start();
      }
    }
    RaftVipNode any = nodes.values().iterator().next();
    await(
        () ->
            any.state().nodes().size() == 3
                && any.state().nodes().values().stream()
                    .allMatch(n -> n.status() == NodeStatus.ACTIVE),
        90_000,
        "all members to join over TLS");
  }

  @AfterAll
  void stop() throws InterruptedException {
    channels.forEach(ManagedChannel::shutdownNow);
    if (adminServer != null) {
      adminServer.shutdownNow();
    }
    List<Thread> closers = new ArrayList<>();
    for (RaftVipNode n : nodes.values()) {
      Thread t = new Thread(n::close, "close-" + n.id());
      t.start();
      closers.add(t);
    }
    for (Thread t : closers) {
      t.join(15_000);
    }
    logs.stop();
  }

  // ------------------------------------------------------------------------------------------

  @Test
  @Order(1)
  void clusterFormsOverTlsAndAVipGetsAnOwner() throws Exception {
    AdminServiceBlockingStub admin = adminStub(clientCredentials(adminClient, ca.cert()), TOKEN);
    admin.createVip(
        CreateVipRequest.newBuilder()
            .setSpec(
                VipSpec.newBuilder()
                    .setName("web")
                    .setAddress(IpPrefix.newBuilder().setCidr("198.18.0.210/32")))
            .build());
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Vip v = null;
    while (System.nanoTime() < end) {
      v =
          adminStub(clientCredentials(adminClient, ca.cert()), TOKEN)
              .getVip(GetVipRequest.newBuilder().setName("web").build());
      if (v.getState() == OwnershipState.OWNERSHIP_STATE_OWNED) {
        break;
      }
      Thread.sleep(50);
    }
    assertThat(v.getState()).as("%s", v).isEqualTo(OwnershipState.OWNERSHIP_STATE_OWNED);
    assertThat(v.getOwner()).isIn("n1", "n2", "n3");
  }

  @Test
  @Order(2)
  void anAdminClientWithACertificateFromTheCaAndTheTokenIsServed() throws Exception {
    var status =
        adminStub(clientCredentials(adminClient, ca.cert()), TOKEN)
            .getClusterStatus(GetClusterStatusRequest.getDefaultInstance());
    assertThat(status.getNodesCount()).isEqualTo(3);
  }

  @Test
  @Order(3)
  void clientsWithoutAValidCertificateOrTokenAreRefused() throws Exception {
    ChannelCredentials noClientCert =
        TlsChannelCredentials.newBuilder().trustManager(ca.cert().toFile()).build();
    assertThat(statusOf(adminStub(noClientCert, TOKEN)).getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);

    ChannelCredentials foreign = clientCredentials(foreignClient, ca.cert());
    assertThat(statusOf(adminStub(foreign, TOKEN)).getCode()).isEqualTo(Status.Code.UNAVAILABLE);

    assertThat(statusOf(adminStub(InsecureChannelCredentials.create(), TOKEN)).getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);

    // A client that does not trust the cluster's CA refuses the server in turn.
    ChannelCredentials distrusting = clientCredentials(adminClient, otherCa.cert());
    assertThat(statusOf(adminStub(distrusting, TOKEN)).getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);

    // TLS is necessary, not sufficient: the token is still checked.
    ChannelCredentials good = clientCredentials(adminClient, ca.cert());
    assertThat(statusOf(adminStub(good, null)).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(statusOf(adminStub(good, "wrong-token")).getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  @Order(4)
  void onlyMemberCertificatesMaySpeakTheLeaseAndRaftProtocols() throws Exception {
    int leasePort = members.get(NodeId.of("n2")).leasePort();
    // The admin certificate is from the right CA but names no member host.
    assertThat(ping(leasePort, clientCredentials(adminClient, ca.cert())).getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(ping(leasePort, clientCredentials(foreignClient, ca.cert())).getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(ping(leasePort, InsecureChannelCredentials.create()).getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);
    // n1's own certificate is let in (an invalid leader id gets the witness's silent reply).
    TlsSettings n1 = tls.get(NodeId.of("n1"));
    ChannelCredentials member =
        TlsChannelCredentials.newBuilder()
            .keyManager(n1.certFile().toFile(), n1.keyFile().toFile())
            .trustManager(ca.cert().toFile())
            .build();
    assertThat(ping(leasePort, member).getCode()).isEqualTo(Status.Code.OK);

    // Ratis' port has the same rule: past the handshake a member's certificate reaches Ratis'
    // server, which does not know the lease service (UNIMPLEMENTED); the admin certificate does
    // not get that far.
    int raftPort = members.get(NodeId.of("n2")).raftPort();
    assertThat(ping(raftPort, member).getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThat(ping(raftPort, clientCredentials(adminClient, ca.cert())).getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(ping(raftPort, InsecureChannelCredentials.create()).getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  @Order(5)
  void aRenewedCertificateIsPresentedWithoutARestart() throws Exception {
    long before = serverSerial();
    TlsSettings n1 = tls.get(NodeId.of("n1"));
    assertThat(before).isNotEqualTo(0);
    TestPki.Leaf renewed = ca.issue("n1-renewed", "IP:127.0.0.1");
    renewed.installAt(n1.certFile(), n1.keyFile());
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    long seen = before;
    while (System.nanoTime() < end && seen != renewed.serial()) {
      Thread.sleep(200);
      try {
        seen = serverSerial();
      } catch (StatusRuntimeException e) {
        // Between the two renames the key and certificate may not match for one period.
      }
    }
    assertThat(seen).isEqualTo(renewed.serial());
    // The cluster keeps working: new Raft and lease handshakes present the renewed certificate.
    var status =
        adminStub(clientCredentials(adminClient, ca.cert()), TOKEN)
            .getClusterStatus(GetClusterStatusRequest.getDefaultInstance());
    assertThat(status.getNodesCount()).isEqualTo(3);
  }

  @Test
  @Order(6)
  void logsNameTheFilesButHoldNoKeyAndNoToken() throws Exception {
    // A truncated key on n2 (its real first lines, then the end): the re-read fails and says so.
    TlsSettings n2 = tls.get(NodeId.of("n2"));
    List<String> real = Files.readAllLines(n2.keyFile());
    Files.write(n2.keyFile(), List.of(real.get(0), real.get(1), real.get(real.size() - 1)));
    Files.setLastModifiedTime(
        n2.keyFile(),
        FileTime.fromMillis(Files.getLastModifiedTime(n2.keyFile()).toMillis() + 1_000));
    await(
        () -> logs.text().contains("keeping the previous TLS certificate"),
        15_000,
        "the failed re-read to be logged");
    String text = logs.text();
    assertThat(text).contains(n2.keyFile().toString());
    assertThat(text).doesNotContain(TOKEN).doesNotContain("PRIVATE KEY");
    assertThat(text).doesNotContain(real.get(1));
    List<Path> keys;
    try (var walk = Files.walk(dir)) {
      keys = walk.filter(p -> p.toString().endsWith(".key")).toList();
    }
    assertThat(keys).hasSizeGreaterThanOrEqualTo(6);
    for (Path k : keys) {
      for (String line : Files.readAllLines(k)) {
        if (!line.startsWith("-----") && line.length() >= 16) {
          assertThat(text).as("a line of %s", k).doesNotContain(line);
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------------

  private static ChannelCredentials clientCredentials(TestPki.Leaf leaf, Path trusted) {
    try {
      return TlsChannelCredentials.newBuilder()
          .keyManager(leaf.cert().toFile(), leaf.key().toFile())
          .trustManager(trusted.toFile())
          .build();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private AdminServiceBlockingStub adminStub(ChannelCredentials creds, String token) {
    ManagedChannel ch =
        NettyChannelBuilder.forAddress("127.0.0.1", adminServer.getPort(), creds).build();
    channels.add(ch);
    AdminServiceBlockingStub stub =
        AdminServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
    if (token != null) {
      Metadata md = new Metadata();
      md.put(BearerTokenInterceptor.AUTHORIZATION, "Bearer " + token);
      stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
    }
    return stub;
  }

  private static Status statusOf(AdminServiceBlockingStub stub) {
    try {
      stub.getClusterStatus(GetClusterStatusRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
    throw new AssertionError("the call succeeded");
  }

  private Status ping(int port, ChannelCredentials creds) {
    ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port, creds).build();
    channels.add(ch);
    try {
      PeerServiceGrpc.newBlockingStub(ch)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .ping(PingRequest.newBuilder().setLeader("").setTerm(0).build());
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  /** The serial number of the certificate n1's admin server presents on a new connection. */
  private long serverSerial() throws Exception {
    AtomicReference<X509Certificate> seen = new AtomicReference<>();
    AdvancedTlsX509TrustManager recording =
        AdvancedTlsX509TrustManager.newBuilder()
            .setSslSocketAndEnginePeerVerifier(
                new AdvancedTlsX509TrustManager.SslSocketAndEnginePeerVerifier() {
                  @Override
                  public void verifyPeerCertificate(
                      X509Certificate[] chain, String authType, Socket socket) {
                    seen.set(chain[0]);
                  }

                  @Override
                  public void verifyPeerCertificate(
                      X509Certificate[] chain, String authType, SSLEngine engine) {
                    seen.set(chain[0]);
                  }
                })
            .build();
    recording.updateTrustCredentials(ca.cert().toFile());
    ChannelCredentials creds =
        TlsChannelCredentials.newBuilder()
            .keyManager(adminClient.cert().toFile(), adminClient.key().toFile())
            .trustManager(recording)
            .build();
    adminStub(creds, TOKEN).getClusterStatus(GetClusterStatusRequest.getDefaultInstance());
    return seen.get().getSerialNumber().longValueExact();
  }

  private static int freePort() throws IOException {
    return io.raftvip.testlan.FreePorts.next();
  }

  private static void await(BooleanSupplier cond, long timeoutMs, String what)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (System.nanoTime() < end) {
      if (cond.getAsBoolean()) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what);
  }

  /**
   * Everything written to System.err (slf4j-simple resolves System.err on every write) and every
   * java.util.logging record (gRPC, grpc-util's reloaders), gRPC's at FINE, while the class runs.
   */
  static final class LogCapture {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final StringBuffer jul = new StringBuffer();
    private PrintStream original;
    private final Logger grpc = Logger.getLogger("io.grpc");
    private Level grpcLevel;
    private final Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            jul.append(r.getLevel())
                .append(' ')
                .append(r.getLoggerName())
                .append(' ')
                .append(r.getMessage())
                .append(' ')
                .append(r.getThrown())
                .append('\n');
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };

    void start() {
      original = System.err;
      PrintStream o = original;
      OutputStream tee =
          new OutputStream() {
            @Override
            public void write(int b) {
              synchronized (bytes) {
                bytes.write(b);
              }
              o.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
              synchronized (bytes) {
                bytes.write(b, off, len);
              }
              o.write(b, off, len);
            }
          };
      System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
      grpcLevel = grpc.getLevel();
      grpc.setLevel(Level.FINE);
      handler.setLevel(Level.ALL);
      Logger.getLogger("").addHandler(handler);
    }

    String text() {
      synchronized (bytes) {
        return bytes.toString(StandardCharsets.UTF_8) + "\n" + jul;
      }
    }

    void stop() {
      Logger.getLogger("").removeHandler(handler);
      grpc.setLevel(grpcLevel);
      if (original != null) {
        System.setErr(original);
      }
    }
  }
}
