package io.cairn.xds.server;

import static io.cairn.xds.server.AdsClient.ENDPOINT;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.registry.Core;
import io.cairn.registry.Registry;
import io.cairn.registry.command.DeregisterInstance;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.store.sqlite.SqliteStore;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service whose last instance leaves is gone from the snapshot, but a gRPC client keeps watching
 * its endpoints (it ignores Listener and Cluster deletions, gRFC A88). Over a raw ADS stream, as
 * grpc-java subscribes: the watched name gets an empty assignment, and the client's other endpoints
 * keep being pushed.
 */
class ServiceWithoutInstancesIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private Registry registry;
  private XdsServer xds;

  @BeforeEach
  void start() {
    registry = Registry.open(SqliteStore.open(dir), new SimpleMeterRegistry());
    xds =
        CheckedXds.start(
            XdsSettings.loopback(0),
            Core.of(registry, new SimpleMeterRegistry()),
            Optional.empty());
  }

  @AfterEach
  void stop() {
    xds.close();
    registry.close();
  }

  private void register(String id, String service, int port) {
    registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder(id, service).address("127.0.0.1").port(port).build()));
  }

  @Test
  void aWatchedServiceThatLosesItsLastInstanceGetsNoEndpointsAndOthersKeepUpdating()
      throws Exception {
    register("api-1", "api", 7001);
    register("web-1", "web", 7002);
    Node node = Node.newBuilder().setId("grpc-client").setUserAgentName("grpc-java").build();
    try (AdsClient client = new AdsClient(xds.port(), node, Optional.empty())) {
      client.subscribe(ENDPOINT, "api", "web");
      client.await(ENDPOINT, r -> endpoints(r).equals(Map.of("api", 1, "web", 1)), WAIT);

      registry.apply(new DeregisterInstance("api-1"));
      client.await(ENDPOINT, r -> endpoints(r).equals(Map.of("api", 0, "web", 1)), WAIT);

      // With "api" still missing from the snapshot, a change to "web" reaches the client.
      register("web-2", "web", 7003);
      client.await(ENDPOINT, r -> endpoints(r).equals(Map.of("api", 0, "web", 2)), WAIT);

      register("api-2", "api", 7004);
      DiscoveryResponse back =
          client.await(ENDPOINT, r -> endpoints(r).equals(Map.of("api", 1, "web", 2)), WAIT);
      assertThat(back.getResourcesCount()).isEqualTo(2);
    }
  }

  @Test
  void aListenerAskedForBeforeItsServiceRegistersArrivesWhenItDoes() throws Exception {
    register("web-1", "web", 7002);
    Node node = Node.newBuilder().setId("early-client").setUserAgentName("grpc-java").build();
    try (AdsClient client = new AdsClient(xds.port(), node, Optional.empty())) {
      client.subscribe(AdsClient.LISTENER, "late", "web");
      // Answered at once with what exists: "late" does not, so its client can fail fast.
      client.await(AdsClient.LISTENER, r -> r.getResourcesCount() == 1, WAIT);

      register("other-1", "other", 7003); // a snapshot that still lacks "late"
      register("late-1", "late", 7004);
      client.await(AdsClient.LISTENER, r -> r.getResourcesCount() == 2, WAIT);
    }
  }

  /** Endpoints per cluster name in a response. */
  private static Map<String, Integer> endpoints(DiscoveryResponse response) {
    Map<String, Integer> out = new TreeMap<>();
    for (var any : response.getResourcesList()) {
      try {
        ClusterLoadAssignment cla = any.unpack(ClusterLoadAssignment.class);
        out.put(
            cla.getClusterName(),
            cla.getEndpointsList().stream().mapToInt(l -> l.getLbEndpointsCount()).sum());
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
    }
    return out;
  }
}
