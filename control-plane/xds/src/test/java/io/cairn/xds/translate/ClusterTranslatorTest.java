package io.cairn.xds.translate;

import static io.cairn.xds.pgv.ValidResources.valid;
import static io.cairn.xds.pgv.ValidResources.validForGrpc;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.registry.config.LoadBalancerPolicy;
import io.cairn.registry.config.Protocol;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterTranslatorTest {
  private static final String OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

  @Test
  void anEdsClusterOverAdsWithTimeoutAndPolicy() {
    Cluster c =
        valid(
            ClusterTranslator.translate(
                "api",
                Duration.ofMillis(1500),
                LoadBalancerPolicy.LEAST_REQUEST,
                Protocol.HTTP,
                RouteClient.ENVOY));
    assertThat(c.getName()).isEqualTo("api");
    assertThat(c.getType()).isEqualTo(Cluster.DiscoveryType.EDS);
    assertThat(c.getEdsClusterConfig().getServiceName()).isEqualTo("api");
    assertThat(c.getEdsClusterConfig().getEdsConfig().hasAds()).isTrue();
    assertThat(c.getConnectTimeout().getSeconds()).isEqualTo(1);
    assertThat(c.getConnectTimeout().getNanos()).isEqualTo(500_000_000);
    assertThat(c.getLbPolicy()).isEqualTo(Cluster.LbPolicy.LEAST_REQUEST);
    assertThat(c.getTypedExtensionProtocolOptionsMap()).isEmpty();
  }

  @Test
  void grpcClientsGetThePolicyTheyHaveNearestToRandomAndMaglev() {
    Map<LoadBalancerPolicy, Cluster.LbPolicy> envoy =
        new java.util.EnumMap<>(LoadBalancerPolicy.class);
    Map<LoadBalancerPolicy, Cluster.LbPolicy> grpc =
        new java.util.EnumMap<>(LoadBalancerPolicy.class);
    for (LoadBalancerPolicy policy : LoadBalancerPolicy.values()) {
      envoy.put(policy, lbPolicy(policy, RouteClient.ENVOY));
      grpc.put(policy, lbPolicy(policy, RouteClient.GRPC));
    }
    assertThat(envoy)
        .containsEntry(LoadBalancerPolicy.RANDOM, Cluster.LbPolicy.RANDOM)
        .containsEntry(LoadBalancerPolicy.MAGLEV, Cluster.LbPolicy.MAGLEV);
    // gRPC clients (A27, A42, A48) reject any other policy, and so the whole cluster.
    assertThat(grpc.values())
        .allMatch(
            p ->
                p == Cluster.LbPolicy.ROUND_ROBIN
                    || p == Cluster.LbPolicy.RING_HASH
                    || p == Cluster.LbPolicy.LEAST_REQUEST);
    assertThat(grpc)
        .containsEntry(LoadBalancerPolicy.RANDOM, Cluster.LbPolicy.ROUND_ROBIN)
        .containsEntry(LoadBalancerPolicy.MAGLEV, Cluster.LbPolicy.RING_HASH)
        .containsEntry(LoadBalancerPolicy.RING_HASH, Cluster.LbPolicy.RING_HASH)
        .containsEntry(LoadBalancerPolicy.LEAST_REQUEST, Cluster.LbPolicy.LEAST_REQUEST);
  }

  private static Cluster.LbPolicy lbPolicy(LoadBalancerPolicy policy, RouteClient client) {
    Cluster c =
        ClusterTranslator.translate("api", Duration.ofSeconds(5), policy, Protocol.GRPC, client);
    return (client == RouteClient.GRPC ? validForGrpc(c) : valid(c)).getLbPolicy();
  }

  @Test
  void ringHashBoundsAndLeastRequestChoicesAreSet() {
    Cluster ring =
        validForGrpc(
            ClusterTranslator.withLoadBalancing(
                ClusterTranslator.translate(
                    "api",
                    Duration.ofSeconds(5),
                    LoadBalancerPolicy.RING_HASH,
                    Protocol.GRPC,
                    RouteClient.GRPC),
                java.util.Optional.of(
                    new io.cairn.registry.config.RingHashConfig(
                        java.util.Optional.of(64L), java.util.Optional.of(4096L))),
                java.util.Optional.empty()));
    assertThat(ring.getRingHashLbConfig().getMinimumRingSize().getValue()).isEqualTo(64);
    assertThat(ring.getRingHashLbConfig().getMaximumRingSize().getValue()).isEqualTo(4096);
    assertThat(ring.hasLeastRequestLbConfig()).isFalse();

    Cluster least =
        valid(
            ClusterTranslator.withLoadBalancing(
                ClusterTranslator.translate(
                    "api",
                    Duration.ofSeconds(5),
                    LoadBalancerPolicy.LEAST_REQUEST,
                    Protocol.HTTP,
                    RouteClient.ENVOY),
                java.util.Optional.empty(),
                java.util.Optional.of(new io.cairn.registry.config.LeastRequestConfig(5))));
    assertThat(least.getLeastRequestLbConfig().getChoiceCount().getValue()).isEqualTo(5);
    assertThat(least.hasRingHashLbConfig()).isFalse();
  }

  @Test
  void grpcAndHttp2ServicesAreCalledOverHttp2() throws Exception {
    for (Protocol p : new Protocol[] {Protocol.GRPC, Protocol.HTTP2}) {
      Cluster c =
          valid(
              ClusterTranslator.translate(
                  "api",
                  Duration.ofSeconds(5),
                  LoadBalancerPolicy.ROUND_ROBIN,
                  p,
                  RouteClient.ENVOY));
      HttpProtocolOptions options =
          c.getTypedExtensionProtocolOptionsOrThrow(OPTIONS).unpack(HttpProtocolOptions.class);
      assertThat(options.getExplicitHttpConfig().hasHttp2ProtocolOptions()).isTrue();
    }
  }

  @Test
  void theLocalAppIsAStaticClusterAtTheApplicationsAddress() {
    Cluster c = valid(ClusterTranslator.localApp("127.0.0.1", 8080, Protocol.TCP));
    assertThat(c.getName()).isEqualTo("local_app");
    assertThat(c.getType()).isEqualTo(Cluster.DiscoveryType.STATIC);
    SocketAddress socket =
        c.getLoadAssignment()
            .getEndpoints(0)
            .getLbEndpoints(0)
            .getEndpoint()
            .getAddress()
            .getSocketAddress();
    assertThat(socket.getAddress()).isEqualTo("127.0.0.1");
    assertThat(socket.getPortValue()).isEqualTo(8080);
  }
}
