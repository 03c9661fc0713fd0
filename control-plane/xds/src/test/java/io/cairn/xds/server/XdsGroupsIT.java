package io.cairn.xds.server;

import static io.cairn.xds.server.AdsClient.CLUSTER;
import static io.cairn.xds.server.AdsClient.LISTENER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.registry.Registry;
import io.cairn.registry.command.DeregisterInstance;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.model.ConnectProxy;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.store.sqlite.SqliteStore;
import io.cairn.xds.TestCa;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache's node groups are bounded by the registered sidecars and the open streams: a
 * deregistered sidecar's snapshot is released once its Envoy is gone, and Envoys with ids no proxy
 * has leave nothing behind when their streams close.
 */
class XdsGroupsIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String PROXY = "web-1-sidecar-proxy";

  @TempDir Path dir;
  private Registry registry;
  private XdsServer xds;

  @BeforeEach
  void start() {
    registry = Registry.open(SqliteStore.open(dir), new SimpleMeterRegistry());
    registry.apply(TestCa.setUp());
    xds =
        CheckedXds.start(
            XdsSettings.loopback(0),
            io.cairn.registry.Core.of(registry, new SimpleMeterRegistry()),
            java.util.Optional.empty());
  }

  @AfterEach
  void stop() {
    xds.close();
    registry.close();
  }

  private void sidecar() {
    registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder(PROXY, "web-sidecar-proxy")
                .address("10.0.1.1")
                .port(21000)
                .kind(new ConnectProxy("web", Optional.of("web-1"), "127.0.0.1", 8080, List.of()))
                .build()));
  }

  @Test
  void aSidecarDeregisteredWhileConnectedIsReleasedWhenItsEnvoyGoes() throws Exception {
    int empty = xds.groupCount();
    sidecar();
    await().atMost(WAIT).until(() -> xds.holdsSidecarGroup(PROXY));
    try (AdsClient envoy = new AdsClient(xds.port(), PROXY, "web")) {
      envoy.subscribe(LISTENER);
      envoy.await(LISTENER, r -> r.getResourcesCount() > 0, WAIT);
      registry.apply(new DeregisterInstance(PROXY));
    }
    await().atMost(WAIT).until(() -> !xds.holdsSidecarGroup(PROXY));
    assertThat(xds.groupCount()).isEqualTo(empty);
    reconnectSeesNothing();
  }

  @Test
  void aSidecarDeregisteredAfterItsEnvoyWentIsReleased() throws Exception {
    int empty = xds.groupCount();
    sidecar();
    try (AdsClient envoy = new AdsClient(xds.port(), PROXY, "web")) {
      envoy.subscribe(LISTENER);
      envoy.await(LISTENER, r -> r.getResourcesCount() > 0, WAIT);
    }
    await().atMost(WAIT).until(() -> xds.proxies().isEmpty());
    registry.apply(new DeregisterInstance(PROXY));
    await().atMost(WAIT).until(() -> !xds.holdsSidecarGroup(PROXY));
    assertThat(xds.groupCount()).isEqualTo(empty);
    reconnectSeesNothing();
  }

  @Test
  void aSidecarThatNamesItsNodeOnlyOnceIsServedItsOwnResourcesOnLaterRequests() throws Exception {
    sidecar();
    await().atMost(WAIT).until(() -> xds.holdsSidecarGroup(PROXY));
    try (AdsClient envoy = new AdsClient(xds.port(), PROXY, "web")) {
      envoy.subscribe(LISTENER);
      envoy.await(LISTENER, r -> r.getResourcesCount() > 0, WAIT);
      envoy.subscribeWithoutNode(CLUSTER);
      var clusters =
          envoy.await(CLUSTER, r -> r.getResourcesCount() > 0, WAIT).getResourcesList().stream()
              .map(
                  any -> {
                    try {
                      return any.unpack(io.envoyproxy.envoy.config.cluster.v3.Cluster.class)
                          .getName();
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                      throw new AssertionError(e);
                    }
                  })
              .toList();
      assertThat(clusters)
          .as("the sidecar's clusters, not the proxyless ones")
          .contains("local_app");
    }
  }

  @Test
  void theProxylessSnapshotIsBuiltOnlyWhileProxylessClientsAreConnected() throws Exception {
    registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder("api-1", "api").address("10.0.0.1").port(9000).build()));
    Node grpc = Node.newBuilder().setId("grpc-client").setUserAgentName("grpc-java").build();
    assertThat(xds.holdsProxylessSnapshot()).as("nothing built before a client").isFalse();
    try (AdsClient client = new AdsClient(xds.port(), grpc, Optional.empty())) {
      client.subscribe(LISTENER, "api");
      client.await(LISTENER, r -> r.getResourcesCount() == 1, WAIT);
      assertThat(xds.holdsProxylessSnapshot()).isTrue();
    }
    await().atMost(WAIT).until(() -> !xds.holdsProxylessSnapshot());

    // Changes while nobody is served reach the next client, built afresh.
    registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder("web-1", "web").address("10.0.0.2").port(9000).build()));
    try (AdsClient client = new AdsClient(xds.port(), grpc, Optional.empty())) {
      client.subscribe(LISTENER, "web");
      client.await(LISTENER, r -> r.getResourcesCount() == 1, WAIT);
      registry.apply(new DeregisterInstance("web-1"));
      registry.apply(
          RegisterInstance.of(
              ServiceInstance.builder("web-2", "web").address("10.0.0.3").port(9000).build()));
      client.subscribe(io.cairn.xds.server.AdsClient.ENDPOINT, "web");
      client.await(
          io.cairn.xds.server.AdsClient.ENDPOINT,
          r -> r.toString().contains("10.0.0.3") && !r.toString().contains("10.0.0.2"),
          WAIT);
    }
  }

  /** The same node id is now an Envoy no proxy has: it waits, and is sent no old listeners. */
  private void reconnectSeesNothing() throws Exception {
    try (AdsClient again = new AdsClient(xds.port(), PROXY, "web")) {
      again.subscribe(LISTENER);
      assertThat(again.next(LISTENER, Duration.ofSeconds(2))).isEmpty();
      assertThat(xds.proxies())
          .anyMatch(p -> p.nodeId().equals(PROXY) && p.kind().equals("unregistered"));
    }
  }

  @Test
  void envoysWithInventedNodeIdsLeaveNoGroupsBehind() throws Exception {
    int before = xds.groupCount();
    int n = 40;
    List<AdsClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        AdsClient c = new AdsClient(xds.port(), "invented-" + UUID.randomUUID(), "nobody");
        clients.add(c);
        c.subscribe(CLUSTER);
      }
      await().atMost(WAIT).until(() -> xds.groupCount() == before + n);
    } finally {
      for (AdsClient c : clients) {
        c.close();
      }
    }
    await().atMost(WAIT).until(() -> xds.groupCount() == before);
    assertThat(xds.proxies()).isEmpty();
  }

  @Test
  void proxylessClientsNamingTheirServiceAreServedAndLeaveNoGroupsBehind() throws Exception {
    int before = xds.groupCount();
    int n = 20;
    List<AdsClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        // Two clients per service: they share the service's group.
        Node node = Node.newBuilder().setId("grpc-" + i).setCluster("svc-" + i / 2).build();
        AdsClient c = new AdsClient(xds.port(), node, Optional.empty());
        clients.add(c);
        c.subscribe(CLUSTER);
      }
      for (AdsClient c : clients) {
        assertThat(c.next(CLUSTER, WAIT)).as("a response from the service's group").isPresent();
      }
      assertThat(xds.groupCount()).isEqualTo(before + n / 2);
    } finally {
      for (AdsClient c : clients) {
        c.close();
      }
    }
    // Released once the streams are gone (after a grace period for requests on their way).
    await().atMost(Duration.ofSeconds(30)).until(() -> xds.groupCount() == before);
    assertThat(xds.proxies()).isEmpty();
  }

  @Test
  void deltaStreamsWithInventedNodeIdsLeaveNoGroupsBehind() throws Exception {
    int before = xds.groupCount();
    int n = 20;
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", xds.port(), InsecureChannelCredentials.create())
            .build();
    try {
      List<StreamObserver<DeltaDiscoveryRequest>> streams = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        StreamObserver<DeltaDiscoveryRequest> requests =
            AggregatedDiscoveryServiceGrpc.newStub(channel)
                .deltaAggregatedResources(
                    new StreamObserver<>() {
                      @Override
                      public void onNext(DeltaDiscoveryResponse r) {}

                      @Override
                      public void onError(Throwable t) {}

                      @Override
                      public void onCompleted() {}
                    });
        requests.onNext(
            DeltaDiscoveryRequest.newBuilder()
                .setNode(
                    Node.newBuilder()
                        .setId("invented-" + UUID.randomUUID())
                        .setUserAgentName("envoy"))
                .setTypeUrl(CLUSTER)
                .build());
        streams.add(requests);
      }
      await().atMost(WAIT).until(() -> xds.groupCount() == before + n);
      streams.forEach(StreamObserver::onCompleted);
      await().atMost(WAIT).until(() -> xds.groupCount() == before);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
