package io.cairn.xds.pgv;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import org.junit.jupiter.api.Test;

/** The gRPC checker rejects what grpc-java and grpc-go clients NACK, and passes what they take. */
class GrpcJavaRulesTest {
  private static Cluster eds(Cluster.LbPolicy policy) {
    return Cluster.newBuilder()
        .setName("api")
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(
            Cluster.EdsClusterConfig.newBuilder()
                .setEdsConfig(
                    ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())))
        .setLbPolicy(policy)
        .build();
  }

  private static RouteConfiguration routes(RouteAction.Builder action) {
    return RouteConfiguration.newBuilder()
        .setName("api")
        .addVirtualHosts(
            VirtualHost.newBuilder()
                .setName("api")
                .addDomains("api")
                .addRoutes(
                    Route.newBuilder()
                        .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                        .setRoute(action)))
        .build();
  }

  @Test
  void aClusterWithAPolicyGrpcLacksIsRejectedAndRoundRobinIsNot() {
    assertThat(GrpcJavaRules.violations(eds(Cluster.LbPolicy.ROUND_ROBIN))).isEmpty();
    assertThat(GrpcJavaRules.violations(eds(Cluster.LbPolicy.RING_HASH))).isEmpty();
    assertThat(GrpcJavaRules.violations(eds(Cluster.LbPolicy.RANDOM)))
        .singleElement()
        .asString()
        .contains("api");
    assertThat(GrpcJavaRules.violations(eds(Cluster.LbPolicy.MAGLEV))).hasSize(1);
  }

  @Test
  void zeroRetriesAndAWeightedClusterOffItsTotalAreRejected() {
    assertThat(GrpcJavaRules.violations(routes(RouteAction.newBuilder().setCluster("api"))))
        .isEmpty();
    assertThat(
            GrpcJavaRules.violations(
                routes(
                    RouteAction.newBuilder()
                        .setCluster("api")
                        .setRetryPolicy(
                            RetryPolicy.newBuilder()
                                .setRetryOn("unavailable")
                                .setNumRetries(UInt32Value.of(0))))))
        .singleElement()
        .asString()
        .contains("num_retries is 0");
    assertThat(
            GrpcJavaRules.violations(
                routes(
                    RouteAction.newBuilder()
                        .setWeightedClusters(
                            io.envoyproxy.envoy.config.route.v3.WeightedCluster.newBuilder()
                                .addClusters(
                                    io.envoyproxy.envoy.config.route.v3.WeightedCluster
                                        .ClusterWeight.newBuilder()
                                        .setName("api")
                                        .setWeight(UInt32Value.of(0)))))))
        .isNotEmpty();
  }
}
