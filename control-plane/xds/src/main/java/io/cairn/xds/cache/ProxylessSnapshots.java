package io.cairn.xds.cache;

import io.cairn.registry.RegistrySnapshot;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The xDS snapshot proxyless gRPC clients share: a Listener and RouteConfiguration per service
 * ({@link ServiceRoutes}) and a Cluster and ClusterLoadAssignment per target they lead to ({@link
 * TargetCluster}), each versioned by its content. Clients ask for services by name, so holding all
 * of them costs nothing per client.
 *
 * <p>Built incrementally: a change to a service rebuilds (and rehashes) only its routes and the
 * clusters of its targets; everything else is reused. Not thread-safe: one thread owns a builder.
 */
public final class ProxylessSnapshots {
  // The targets each service's routes lead to; the resources themselves are in the maps below.
  private final Map<String, Set<Target>> routeTargets = new HashMap<>();
  // How many services' routes lead to each target, and the targets of each service.
  private final Map<Target, Integer> references = new HashMap<>();
  private final Map<String, Set<Target>> targetsOf = new HashMap<>();
  // What was last published, shared shard by shard with the next snapshot.
  private ShardedMap<VersionedResource<Listener>> listeners = ShardedMap.empty();
  private ShardedMap<VersionedResource<RouteConfiguration>> routeConfigs = ShardedMap.empty();
  private ShardedMap<VersionedResource<Cluster>> cds = ShardedMap.empty();
  private ShardedMap<VersionedResource<ClusterLoadAssignment>> eds = ShardedMap.empty();

  /** Everything from scratch, for a registry snapshot. */
  public static ContentSnapshot build(RegistrySnapshot registry) {
    return new ProxylessSnapshots().rebuild(registry);
  }

  /** Forgets what was built and builds every service. */
  public ContentSnapshot rebuild(RegistrySnapshot registry) {
    routeTargets.clear();
    references.clear();
    targetsOf.clear();
    listeners = ShardedMap.empty();
    routeConfigs = ShardedMap.empty();
    cds = ShardedMap.empty();
    eds = ShardedMap.empty();
    return update(registry, registry.serviceNames());
  }

  /**
   * Rebuilds what depends on {@code changed}: names of services whose instances, checks or config
   * entries changed. Everything else is reused, and the cost follows the size of the change.
   */
  public ContentSnapshot update(RegistrySnapshot registry, Set<String> changed) {
    Map<String, VersionedResource<Listener>> newListeners = new HashMap<>();
    Map<String, VersionedResource<RouteConfiguration>> newRoutes = new HashMap<>();
    Set<String> goneServices = new HashSet<>();
    Set<Target> candidates = new HashSet<>();
    for (String service : changed) {
      Set<Target> old;
      if (registry.serviceNames().contains(service)) {
        ServiceRoutes r = ServiceRoutes.of(registry, service);
        old = routeTargets.put(service, r.targets());
        newListeners.put(service, ContentVersion.versioned(r.listener()));
        newRoutes.put(service, ContentVersion.versioned(r.route()));
        r.targets().forEach(t -> reference(t, 1));
        candidates.addAll(r.targets());
      } else {
        old = routeTargets.remove(service);
        if (old != null) {
          goneServices.add(service);
        }
      }
      if (old != null) {
        old.forEach(t -> reference(t, -1));
        candidates.addAll(old);
      }
      candidates.addAll(targetsOf.getOrDefault(service, Set.of()));
    }
    Map<String, VersionedResource<Cluster>> newClusters = new HashMap<>();
    Map<String, VersionedResource<ClusterLoadAssignment>> newEndpoints = new HashMap<>();
    List<String> goneClusters = new ArrayList<>();
    for (Target target : candidates) {
      // Cluster names are one-to-one with targets, so the last published map says what is built.
      boolean built = cds.containsKey(target.clusterName());
      if (!references.containsKey(target)) {
        if (built) {
          goneClusters.add(target.clusterName());
        }
      } else if (!built || changed.contains(target.service())) {
        VersionedCluster c = VersionedCluster.of(TargetCluster.of(registry, target));
        newClusters.put(target.clusterName(), c.cluster());
        newEndpoints.put(target.clusterName(), c.endpoints());
      }
    }
    listeners = listeners.with(newListeners, goneServices);
    routeConfigs = routeConfigs.with(newRoutes, goneServices);
    cds = cds.with(newClusters, goneClusters);
    eds = eds.with(newEndpoints, goneClusters);
    return new ContentSnapshot(cds, eds, listeners, routeConfigs);
  }

  /** Counts one more (or one fewer) service leading to {@code target}. */
  private void reference(Target target, int delta) {
    int n = references.getOrDefault(target, 0) + delta;
    if (n > 0) {
      references.put(target, n);
      targetsOf.computeIfAbsent(target.service(), k -> new HashSet<>()).add(target);
    } else {
      references.remove(target);
      Set<Target> of = targetsOf.get(target.service());
      if (of != null) {
        of.remove(target);
        if (of.isEmpty()) {
          targetsOf.remove(target.service());
        }
      }
    }
  }
}
