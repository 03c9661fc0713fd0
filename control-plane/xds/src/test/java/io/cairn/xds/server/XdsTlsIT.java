package io.cairn.xds.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.registry.Core;
import io.cairn.registry.Registry;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.store.sqlite.SqliteStore;
import io.cairn.tls.ServerTls;
import io.cairn.tls.TestPki;
import io.cairn.tls.TlsFiles;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ADS over TLS and mTLS with grpc-java's own TLS channel credentials. */
class XdsTlsIT {
  private static final String CLUSTER = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
  @TempDir static Path dir;
  static TestPki pki;
  @TempDir Path data;
  private Registry registry;
  private ServerTls tls;
  private XdsServer xds;

  @BeforeAll
  static void certificates() {
    pki = new TestPki(dir);
  }

  @AfterEach
  void stop() {
    xds.close();
    tls.close();
    registry.close();
  }

  private void start(Optional<Path> clientCa) {
    start(pki.serverCert(), pki.serverKey(), clientCa);
  }

  private void start(Path cert, Path key, Optional<Path> clientCa) {
    registry = Registry.open(SqliteStore.open(data), new SimpleMeterRegistry());
    registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder("web-1", "web").address("127.0.0.1").port(8080).build()));
    tls = ServerTls.start(new TlsFiles(cert, key, clientCa, Duration.ofSeconds(10)));
    xds =
        CheckedXds.start(
            XdsSettings.loopback(0),
            Core.of(registry, new SimpleMeterRegistry()),
            Optional.of(tls));
  }

  /**
   * One ADS request for every cluster; the first response, or the status the stream failed with.
   */
  private Object exchange(ChannelCredentials credentials) throws Exception {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("localhost", xds.port(), credentials).build();
    try {
      CompletableFuture<Object> result = new CompletableFuture<>();
      StreamObserver<DiscoveryRequest> requests =
          AggregatedDiscoveryServiceGrpc.newStub(channel)
              .streamAggregatedResources(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(DiscoveryResponse response) {
                      result.complete(response);
                    }

                    @Override
                    public void onError(Throwable t) {
                      result.complete(Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                      result.complete(Status.OK);
                    }
                  });
      requests.onNext(
          DiscoveryRequest.newBuilder()
              .setNode(Node.newBuilder().setId("tls-test").setUserAgentName("grpc-java"))
              .setTypeUrl(CLUSTER)
              .build());
      return result.get(10, TimeUnit.SECONDS);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static ChannelCredentials trusting(Optional<String> clientCert) throws IOException {
    TlsChannelCredentials.Builder b =
        TlsChannelCredentials.newBuilder().trustManager(pki.caPem().toFile());
    clientCert.ifPresent(
        name -> {
          try {
            b.keyManager(pki.file(name + ".pem").toFile(), pki.file(name + ".key").toFile());
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
    return b.build();
  }

  @Test
  void adsOverTls() throws Exception {
    start(Optional.empty());
    Object reply = exchange(trusting(Optional.empty()));
    assertThat(reply).isInstanceOf(DiscoveryResponse.class);
    DiscoveryResponse response = (DiscoveryResponse) reply;
    assertThat(response.getTypeUrl()).isEqualTo(CLUSTER);
    assertThat(response.getVersionInfo()).isNotEmpty();

    Object plaintext = exchange(InsecureChannelCredentials.create());
    assertThat(plaintext).isInstanceOf(Status.class);
    assertThat(((Status) plaintext).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void mutualTlsNeedsAClientCertificateFromTheClientCa() throws Exception {
    start(Optional.of(pki.caPem()));
    Object anonymous = exchange(trusting(Optional.empty()));
    assertThat(anonymous).isInstanceOf(Status.class);
    assertThat(((Status) anonymous).getCode()).isEqualTo(Status.Code.UNAVAILABLE);

    Object stranger = exchange(trusting(Optional.of("stranger")));
    assertThat(stranger).isInstanceOf(Status.class);
    assertThat(((Status) stranger).getCode()).isEqualTo(Status.Code.UNAVAILABLE);

    Object client = exchange(trusting(Optional.of("client")));
    assertThat(client).isInstanceOf(DiscoveryResponse.class);
    assertThat(((DiscoveryResponse) client).getTypeUrl()).isEqualTo(CLUSTER);
  }

  @Test
  void newConnectionsGetAReloadedCertificate() throws Exception {
    Path cert = dir.resolve("xds-live.pem");
    Path key = dir.resolve("xds-live.key");
    java.nio.file.Files.copy(pki.serverCert(), cert);
    java.nio.file.Files.copy(pki.serverKey(), key);
    start(cert, key, Optional.empty());
    TestPki.Client before = pki.client(Optional.empty());
    assertThat(exchange(TlsChannelCredentials.newBuilder().trustManager(before).build()))
        .isInstanceOf(DiscoveryResponse.class);
    assertThat(before.lastServerSerial()).isEqualTo(java.math.BigInteger.valueOf(1001));

    pki.issueServer("xds-renewed", "cairn-xds-renewed", 1401);
    java.nio.file.Files.move(
        pki.file("xds-renewed.pem"), cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    java.nio.file.Files.move(
        pki.file("xds-renewed.key"), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    tls.reloadIfChanged();

    TestPki.Client after = pki.client(Optional.empty());
    assertThat(exchange(TlsChannelCredentials.newBuilder().trustManager(after).build()))
        .isInstanceOf(DiscoveryResponse.class);
    assertThat(after.lastServerSerial()).isEqualTo(java.math.BigInteger.valueOf(1401));
  }
}
