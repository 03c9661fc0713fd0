package io.cairn.xds.cache;

import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.config.ConfigEntryKind;
import io.cairn.registry.config.LoadBalancerPolicy;
import io.cairn.registry.config.ResolverSubset;
import io.cairn.registry.config.ServiceResolver;
import io.cairn.registry.model.InstanceHealth;
import io.cairn.xds.translate.ClusterTranslator;
import io.cairn.xds.translate.EndpointTranslator;
import io.cairn.xds.translate.RouteClient;
import io.cairn.xds.translate.SubsetSelector;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import java.util.List;
import java.util.Optional;

/**
 * The Cluster and ClusterLoadAssignment of one target. Depends only on the target service's
 * instances and resolver. Pure: a registry snapshot in, protos out.
 */
public record TargetCluster(Cluster cluster, ClusterLoadAssignment endpoints) {

  /** As a proxyless gRPC client reads it: the target service's own instances. */
  public static TargetCluster of(RegistrySnapshot snapshot, Target target) {
    return of(snapshot, target, snapshot.health(target.service()), RouteClient.GRPC);
  }

  /**
   * With the candidate instances given: a sidecar reaches a service's instances through their
   * sidecars ({@link MeshIndex#endpoints}).
   */
  static TargetCluster of(
      RegistrySnapshot snapshot, Target target, List<InstanceHealth> all, RouteClient client) {
    Optional<ServiceResolver> resolver =
        Entries.of(
            snapshot, ConfigEntryKind.SERVICE_RESOLVER, target.service(), ServiceResolver.class);
    String name = target.clusterName();
    Cluster translated =
        ClusterTranslator.translate(
            name,
            resolver
                .flatMap(ServiceResolver::connectTimeout)
                .orElse(ClusterTranslator.DEFAULT_CONNECT_TIMEOUT),
            resolver.flatMap(ServiceResolver::loadBalancer).orElse(LoadBalancerPolicy.ROUND_ROBIN),
            Entries.protocol(snapshot, target.service()),
            client);
    Cluster cluster =
        ClusterTranslator.withLoadBalancing(
            translated,
            resolver.flatMap(ServiceResolver::ringHashConfig),
            resolver.flatMap(ServiceResolver::leastRequestConfig));
    List<InstanceHealth> instances = all;
    boolean onlyPassing = false;
    Optional<String> subset =
        target.subset().isEmpty()
            ? resolver.flatMap(ServiceResolver::defaultSubset)
            : Optional.of(target.subset());
    Optional<ResolverSubset> definition =
        subset.flatMap(s -> resolver.map(r -> r.subsets().get(s)));
    if (definition.isPresent()) {
      instances = SubsetSelector.select(definition.get(), instances);
      onlyPassing = definition.get().onlyPassing();
    }
    return new TargetCluster(cluster, EndpointTranslator.translate(name, instances, onlyPassing));
  }
}
