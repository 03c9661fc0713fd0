package io.cairn.xds.translate;

import io.cairn.registry.chain.ChainTarget;
import io.cairn.registry.chain.ResolvedTarget;
import io.cairn.registry.config.ServiceTarget;

/**
 * Names of Cairn's clusters: the service's name, or {@code <subset>.<service>} for a resolver
 * subset; a target with failover is reached through {@code <target's cluster>~failover}. Service
 * and subset names are DNS labels (no dots, no {@code ~}), so the names never collide.
 */
public final class ClusterNames {
  private static final String FAILOVER_SUFFIX = "~failover";

  private ClusterNames() {}

  public static String of(String service) {
    return service;
  }

  /** The cluster {@code target} names, seen from the config entries of {@code owner}. */
  public static String of(ServiceTarget target, String owner) {
    String service = target.serviceOr(owner);
    return target.hasSubset() ? target.serviceSubset() + "." + service : service;
  }

  /** The EDS cluster of a chain's target. */
  public static String of(ChainTarget target) {
    return target.subset().isEmpty() ? target.service() : target.subset() + "." + target.service();
  }

  /** The cluster routes to a resolver node name: the aggregate one when it has failover. */
  public static String of(ResolvedTarget node) {
    return node.hasFailover() ? failover(node.target()) : of(node.target());
  }

  /** The aggregate cluster of {@code primary} and its failover targets. */
  public static String failover(ChainTarget primary) {
    return of(primary) + FAILOVER_SUFFIX;
  }

  /** Whether {@code clusterName} is an aggregate cluster named by {@link #failover}. */
  public static boolean isFailover(String clusterName) {
    return clusterName.endsWith(FAILOVER_SUFFIX);
  }

  /** The service whose instances an EDS cluster named by {@link #of} holds. */
  public static String serviceOf(String clusterName) {
    return clusterName.substring(clusterName.lastIndexOf('.') + 1);
  }
}
