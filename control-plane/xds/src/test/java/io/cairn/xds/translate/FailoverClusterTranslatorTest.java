package io.cairn.xds.translate;

import static io.cairn.xds.pgv.ValidResources.valid;
import static io.cairn.xds.pgv.ValidResources.validForGrpc;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.registry.chain.ChainTarget;
import io.cairn.registry.chain.ResolvedTarget;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.clusters.aggregate.v3.ClusterConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailoverClusterTranslatorTest {
  private static final ResolvedTarget NODE =
      new ResolvedTarget(
          new ChainTarget("api", "v1"),
          List.of(new ChainTarget("api", "v2"), new ChainTarget("backup", "")));

  @Test
  void theAggregateListsThePrimaryThenEachFailoverTargetsCluster() throws Exception {
    Cluster c = validForGrpc(FailoverClusterTranslator.aggregate(NODE, RouteClient.GRPC));

    assertThat(c.getName()).isEqualTo("v1.api~failover").isEqualTo(ClusterNames.of(NODE));
    assertThat(c.getClusterType().getName()).isEqualTo("envoy.clusters.aggregate");
    assertThat(c.getClusterType().getTypedConfig().unpack(ClusterConfig.class).getClustersList())
        .containsExactly("v1.api", "v2.api", "backup");
  }

  @Test
  void envoyGetsClusterProvidedAndGrpcRoundRobin() {
    assertThat(valid(FailoverClusterTranslator.aggregate(NODE, RouteClient.ENVOY)).getLbPolicy())
        .isEqualTo(Cluster.LbPolicy.CLUSTER_PROVIDED);
    // grpc-java 1.85 and grpc-js-xds 1.14 reject CLUSTER_PROVIDED ("unsupported lb policy").
    assertThat(
            validForGrpc(FailoverClusterTranslator.aggregate(NODE, RouteClient.GRPC)).getLbPolicy())
        .isEqualTo(Cluster.LbPolicy.ROUND_ROBIN);
  }

  @Test
  void aNodeWithoutFailoverIsReachedAtItsOwnCluster() {
    assertThat(ClusterNames.of(new ResolvedTarget(new ChainTarget("api", ""), List.of())))
        .isEqualTo("api");
  }
}
