package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cairn.tls.TestPki;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.NameResolverRegistry;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.xds.XdsChannelCredentials;
import io.grpc.xds.XdsNameResolverProvider;
import io.grpc.xds.XdsServerBuilder;
import io.grpc.xds.XdsServerCredentials;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proxyless gRPC with mTLS and RBAC from Cairn, all real: the packaged server, {@code cairn connect
 * certs} writing each service's leaf and roots, and grpc-java's xDS client and xDS server
 * (XdsServerCredentials) reading them with the {@code file_watcher} certificate provider their
 * bootstraps define and name in their node metadata. Calls go over mTLS with the server's SPIFFE ID
 * checked; an intention's deny is the server's RBAC; a client without a certificate, or with one
 * from another CA, fails the handshake; a root rotation (which renews every leaf) loses no call.
 */
class ProxylessMtlsIT {
  private static final Duration START = Duration.ofSeconds(60);
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SCHEME = "cairn-mtls";
  private static final String SERVER = "mtls-api";
  private static final String CLIENT = "mtls-web";

  private static final MethodDescriptor<String, String> WHO =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("demo.Who/Am")
          .setRequestMarshaller(Utf8.INSTANCE)
          .setResponseMarshaller(Utf8.INSTANCE)
          .build();

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dataDir;
  @TempDir static Path serverCerts;
  @TempDir static Path clientCerts;
  @TempDir static Path pkiDir;

  private static CairnProcess cairn;
  private static final List<CairnProcess> watchers = new ArrayList<>();
  private static int http;
  private static int serverPort;
  private static Server server;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    cairn = CairnProcess.server(dataDir);
    http = cairn.awaitHttpPort(START);
    int xds = cairn.awaitXdsPort(START);
    serverPort = ProxylessFixtures.freePort();
    // Both services are Connect-native: their applications speak mTLS themselves.
    send(
        "PUT",
        "/v1/agent/service/register",
        """
        {"ID": "%s-1", "Name": "%s", "Address": "127.0.0.1", "Port": %d,
         "Connect": {"Native": true}}"""
            .formatted(SERVER, SERVER, serverPort));
    send(
        "PUT",
        "/v1/agent/service/register",
        """
        {"ID": "%s-1", "Name": "%s", "Address": "127.0.0.1", "Port": 1,
         "Connect": {"Native": true}}"""
            .formatted(CLIENT, CLIENT));
    watch(SERVER, serverCerts);
    watch(CLIENT, clientCerts);

    server =
        XdsServerBuilder.forPort(
                serverPort, XdsServerCredentials.create(InsecureServerCredentials.create()))
            .overrideBootstrapForTest(ProxylessFixtures.bootstrap(xds, SERVER, serverCerts))
            .addService(
                ServerServiceDefinition.builder("demo.Who")
                    .addMethod(
                        WHO,
                        ServerCalls.asyncUnaryCall(
                            (request, response) -> {
                              response.onNext(SERVER);
                              response.onCompleted();
                            }))
                    .build())
            .build()
            .start();
    NameResolverRegistry.getDefaultRegistry()
        .register(
            XdsNameResolverProvider.createForTest(
                SCHEME, ProxylessFixtures.bootstrap(xds, CLIENT, clientCerts)));
    channel =
        Grpc.newChannelBuilder(
                SCHEME + ":///" + SERVER,
                XdsChannelCredentials.create(InsecureChannelCredentials.create()))
            .build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    watchers.forEach(CairnProcess::close);
    if (cairn != null) {
      cairn.close();
    }
  }

  /** {@code cairn connect certs} for {@code service}, once it has written the three files. */
  private static void watch(String service, Path dir) throws Exception {
    CairnProcess w = ProxylessFixtures.connectCerts(service, dir, http);
    watchers.add(w);
    w.awaitLine(l -> l.startsWith("wrote key.pem and cert.pem: serial "), START);
  }

  @Test
  void mtlsCallsFollowIntentionsRefuseStrangersAndSurviveARootRotation() throws Exception {
    await("a call over mTLS")
        .atMost(WAIT)
        .ignoreExceptions()
        .until(() -> call(channel).equals(SERVER));

    // The server takes only clients with a leaf of Cairn's CA: a Cairn leaf works (control), no
    // certificate or one from another CA fails the handshake.
    assertThat(call(direct(keys(clientCerts.resolve("cert.pem"), clientCerts.resolve("key.pem")))))
        .isEqualTo(SERVER);
    assertHandshakeFails(direct(TlsChannelCredentials.newBuilder().trustManager(trustAll())));
    TestPki pki = new TestPki(pkiDir);
    assertHandshakeFails(direct(keys(pki.file("stranger.pem"), pki.file("stranger.key"))));
    assertHandshakeFails(
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", serverPort, InsecureChannelCredentials.create())
            .build());

    // A deny intention reaches the server's RBAC; removing it allows calls again.
    String intention = "/v1/connect/intentions/exact?source=" + CLIENT + "&destination=" + SERVER;
    send("PUT", intention, "{\"Action\": \"deny\"}");
    await("denied by RBAC")
        .atMost(WAIT)
        .until(() -> status(channel) == Status.Code.PERMISSION_DENIED);
    send("DELETE", intention, null);
    await("allowed again")
        .atMost(WAIT)
        .ignoreExceptions()
        .until(() -> call(channel).equals(SERVER));

    // A steady loop of calls on fresh connections and the open one while the CA rotates to a new
    // root (every leaf is renewed from it) and both sides' files change under grpc-java.
    String clientLeaf = new CertDir(clientCerts).cert();
    String serverLeaf = new CertDir(serverCerts).cert();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger ok = new AtomicInteger();
    List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread loop =
        Thread.ofPlatform()
            .start(
                () -> {
                  while (running.get() && ok.get() + failures.size() < 5_000) {
                    try {
                      call(channel);
                      ok.incrementAndGet();
                    } catch (RuntimeException e) {
                      failures.add(e.toString());
                    }
                    try {
                      Thread.sleep(20);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
    try {
      int before = ok.get();
      send(
          "PUT",
          "/v1/connect/ca/configuration",
          "{\"Config\":{\"PrivateKeyType\":\"rsa\",\"PrivateKeyBits\":2048}}");
      await("both leaves renewed")
          .atMost(WAIT)
          .until(
              () ->
                  !new CertDir(clientCerts).cert().equals(clientLeaf)
                      && !new CertDir(serverCerts).cert().equals(serverLeaf));
      // New handshakes with the renewed leaves, once grpc-java has reread the files.
      Thread.sleep(3_000);
      assertThat(
              call(direct(keys(clientCerts.resolve("cert.pem"), clientCerts.resolve("key.pem")))))
          .isEqualTo(SERVER);
      await().atMost(WAIT).until(() -> ok.get() > before + 50);
    } finally {
      running.set(false);
      loop.join(30_000);
    }
    assertThat(failures).as("calls failed during the rotation").isEmpty();
    assertThat(ok.get()).isGreaterThan(50);
  }

  private static String call(Channel c) {
    return ClientCalls.blockingUnaryCall(
        c, WHO, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS), "?");
  }

  private static Status.Code status(Channel c) {
    try {
      call(c);
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  private static void assertHandshakeFails(ManagedChannel c) throws Exception {
    try {
      assertThatThrownBy(() -> call(c))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    } finally {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** TLS with a client certificate, trusting any server (the server's check is what is tested). */
  private static TlsChannelCredentials.Builder keys(Path cert, Path key) throws Exception {
    return TlsChannelCredentials.newBuilder()
        .keyManager(cert.toFile(), key.toFile())
        .trustManager(trustAll());
  }

  /** A channel straight to the server's port, past xDS. */
  private static ManagedChannel direct(TlsChannelCredentials.Builder tls) {
    ChannelCredentials creds = tls.build();
    return Grpc.newChannelBuilderForAddress("127.0.0.1", serverPort, creds).build();
  }

  /** Trusts any server, with no host name check (the server's check is what is tested). */
  private static TrustManager trustAll() {
    return ProxylessFixtures.trustingAnyServer(leaf -> {});
  }

  private static String send(String method, String path, String body) throws Exception {
    return ProxylessFixtures.send(http, method, path, body);
  }

  private enum Utf8 implements MethodDescriptor.Marshaller<String> {
    INSTANCE;

    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
