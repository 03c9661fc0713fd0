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
  private record BuiltRoutes(
      VersionedResource<Listener> listener,
      VersionedResource<RouteConfiguration> route,
      Set<Target> targets) {}

  private final Map<String, BuiltRoutes> routes = new HashMap<>();
  private final Map<Target, VersionedCluster> clusters = new HashMap<>();

  /** Everything from scratch, for a registry snapshot. */
  public static ContentSnapshot build(RegistrySnapshot registry) {
    return new ProxylessSnapshots().rebuild(registry);
  }

  /** Forgets what was built and builds every service. */
  public ContentSnapshot rebuild(RegistrySnapshot registry) {
    routes.clear();
    clusters.clear();
    return update(registry, registry.serviceNames());
  }

  /**
   * Rebuilds what depends on {@code changed}: names of services whose instances, checks or config
   * entries changed. Everything else is reused.
   */
  public ContentSnapshot update(RegistrySnapshot registry, Set<String> changed) {
    for (String service : changed) {
      if (registry.serviceNames().contains(service)) {
        ServiceRoutes r = ServiceRoutes.of(registry, service);
        routes.put(
            service,
            new BuiltRoutes(
                ContentVersion.versioned(r.listener()),
                ContentVersion.versioned(r.route()),
                r.targets()));
      } else {
        routes.remove(service);
      }
    }
    Set<Target> needed = new HashSet<>();
    routes.values().forEach(r -> needed.addAll(r.targets()));
    clusters.keySet().retainAll(needed);
    for (Target target : needed) {
      if (!clusters.containsKey(target) || changed.contains(target.service())) {
        TargetCluster c = TargetCluster.of(registry, target);
        clusters.put(target, VersionedCluster.of(c));
      }
    }
    return assemble();
  }

  private ContentSnapshot assemble() {
    List<VersionedResource<Listener>> listeners = new ArrayList<>(routes.size());
    List<VersionedResource<RouteConfiguration>> routeConfigs = new ArrayList<>(routes.size());
    for (BuiltRoutes r : routes.values()) {
      listeners.add(r.listener());
      routeConfigs.add(r.route());
    }
    List<VersionedResource<Cluster>> cds = new ArrayList<>(clusters.size());
    List<VersionedResource<ClusterLoadAssignment>> eds = new ArrayList<>(clusters.size());
    for (VersionedCluster c : clusters.values()) {
      cds.add(c.cluster());
      eds.add(c.endpoints());
    }
    return new ContentSnapshot(cds, eds, listeners, routeConfigs);
  }
}
