package io.cairn.xds.translate;

import com.google.protobuf.Any;
import io.cairn.registry.chain.ChainTarget;
import io.cairn.registry.chain.ResolvedTarget;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.clusters.aggregate.v3.ClusterConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * CDS for failover: an aggregate cluster ({@code envoy.clusters.aggregate}, gRFC A37) listing the
 * primary target's EDS cluster then each failover target's, in order; a client uses the first with
 * healthy endpoints. Envoy insists on {@code lb_policy: CLUSTER_PROVIDED} for it, while grpc-java
 * and grpc-js reject that value on any cluster and ignore the aggregate's policy, so they get
 * {@code ROUND_ROBIN}.
 *
 * <p>grpc-java (1.85) treats a ClusterLoadAssignment without endpoints as a resolution error and
 * keeps calling the endpoints it had, so it never fails over when a target's instances all go to
 * maintenance or critical. Proxyless clients therefore get the aggregate without the targets that
 * have no endpoints (all of them when none has), and the list changes back when they return.
 */
public final class FailoverClusterTranslator {
  static final String AGGREGATE = "envoy.clusters.aggregate";

  private FailoverClusterTranslator() {}

  /** The aggregate cluster of a resolver node with failover, listing every target (for Envoy). */
  public static Cluster aggregate(ResolvedTarget node, RouteClient client) {
    return aggregate(node, client, t -> true);
  }

  /**
   * @param reachable whether a target has endpoints; those without are left out unless none has
   */
  public static Cluster aggregate(
      ResolvedTarget node, RouteClient client, Predicate<ChainTarget> reachable) {
    if (!node.hasFailover()) {
      throw new IllegalArgumentException(node.target() + " has no failover");
    }
    List<ChainTarget> all = new ArrayList<>();
    all.add(node.target());
    all.addAll(node.failover());
    List<ChainTarget> listed = all.stream().filter(reachable).toList();
    List<String> clusters = new ArrayList<>();
    for (ChainTarget t : listed.isEmpty() ? all : listed) {
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
