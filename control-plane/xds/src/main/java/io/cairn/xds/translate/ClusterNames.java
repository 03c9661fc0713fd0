package io.cairn.xds.translate;

import io.cairn.registry.config.ServiceTarget;

/**
 * Names of Cairn's clusters: the service's name, or {@code <subset>.<service>} for a resolver
 * subset. Service and subset names are DNS labels (no dots), so the two never collide.
 */
public final class ClusterNames {
  private ClusterNames() {}

  public static String of(String service) {
    return service;
  }

  /** The cluster {@code target} names, seen from the config entries of {@code owner}. */
  public static String of(ServiceTarget target, String owner) {
    String service = target.serviceOr(owner);
    return target.hasSubset() ? target.serviceSubset() + "." + service : service;
  }

  /** The service whose instances a cluster named by {@link #of} holds. */
  public static String serviceOf(String clusterName) {
    return clusterName.substring(clusterName.lastIndexOf('.') + 1);
  }
}
