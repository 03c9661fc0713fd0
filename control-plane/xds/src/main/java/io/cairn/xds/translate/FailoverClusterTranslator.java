package io.cairn.xds.translate;

import com.google.protobuf.Any;
import io.cairn.registry.chain.ChainTarget;
import io.cairn.registry.chain.ResolvedTarget;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.clusters.aggregate.v3.ClusterConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * CDS for failover: an aggregate cluster ({@code envoy.clusters.aggregate}, gRFC A37) listing the
 * primary target's EDS cluster then each failover target's, in order; a client uses the first with
 * healthy endpoints. Envoy insists on {@code lb_policy: CLUSTER_PROVIDED} for it, while grpc-java
 * and grpc-js reject that value on any cluster and ignore the aggregate's policy, so they get
 * {@code ROUND_ROBIN}.
 */
public final class FailoverClusterTranslator {
  static final String AGGREGATE = "envoy.clusters.aggregate";

  private FailoverClusterTranslator() {}

  /** The aggregate cluster of a resolver node with failover. */
  public static Cluster aggregate(ResolvedTarget node, RouteClient client) {
    if (!node.hasFailover()) {
      throw new IllegalArgumentException(node.target() + " has no failover");
    }
    List<String> clusters = new ArrayList<>();
    clusters.add(ClusterNames.of(node.target()));
    for (ChainTarget t : node.failover()) {
      clusters.add(ClusterNames.of(t));
    }
    return Cluster.newBuilder()
        .setName(ClusterNames.of(node))
        .setClusterType(
            Cluster.CustomClusterType.newBuilder()
                .setName(AGGREGATE)
                .setTypedConfig(
                    Any.pack(ClusterConfig.newBuilder().addAllClusters(clusters).build())))
        .setLbPolicy(
            client == RouteClient.ENVOY
                ? Cluster.LbPolicy.CLUSTER_PROVIDED
                : Cluster.LbPolicy.ROUND_ROBIN)
        .build();
  }
}
