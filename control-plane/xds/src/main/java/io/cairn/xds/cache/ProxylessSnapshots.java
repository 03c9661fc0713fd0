package io.cairn.xds.cache;

import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.chain.ResolvedTarget;
import io.cairn.registry.config.ConfigEntryKind;
import io.cairn.registry.model.Indexed;
import io.cairn.xds.translate.ClusterNames;
import io.cairn.xds.translate.FailoverClusterTranslator;
import io.cairn.xds.translate.RouteClient;
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
 * ({@link ServiceRoutes}), a Cluster and ClusterLoadAssignment per target they lead to ({@link
 * TargetCluster}) and an aggregate Cluster per target with failover (listing only the targets with
 * endpoints, see {@link FailoverClusterTranslator}), each versioned by its content. Clients ask for
 * services by name, so holding all of them costs nothing per client. A service is served when it
 * has instances or a router, splitter or resolver (a redirect needs no instances).
 *
 * <p>Built incrementally: a change to a service rebuilds (and rehashes) its routes, the routes of
 * every service whose discovery chain read its config entries, and the clusters of its targets;
 * everything else is reused. Not thread-safe: one thread owns a builder.
 */
public final class ProxylessSnapshots {
  private record Built(Set<Target> targets, Set<ResolvedTarget> failover, Set<String> reads) {}

  private static final List<ConfigEntryKind> CHAIN_KINDS =
      List.of(
          ConfigEntryKind.SERVICE_ROUTER,
          ConfigEntryKind.SERVICE_SPLITTER,
          ConfigEntryKind.SERVICE_RESOLVER);

  // What each served service's routes lead to and were compiled from.
  private final Map<String, Built> built = new HashMap<>();
  // Reverse index of Built.reads: a service to the services whose chains read its entries.
  private final Map<String, Set<String>> readers = new HashMap<>();
  // How many services' routes lead to each target, and the targets of each service.
  private final Map<Target, Integer> references = new HashMap<>();
  private final Map<String, Set<Target>> targetsOf = new HashMap<>();
  // How many services' routes lead to each aggregate (failover) cluster, the resolver node it is
  // built from, and the aggregates each target is listed in (they follow its endpoints).
  private final Map<String, Integer> failoverReferences = new HashMap<>();
  private final Map<String, ResolvedTarget> failoverNodes = new HashMap<>();
  private final Map<Target, Set<String>> failoverByMember = new HashMap<>();
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
    built.clear();
    readers.clear();
    references.clear();
    targetsOf.clear();
    failoverReferences.clear();
    failoverNodes.clear();
    failoverByMember.clear();
    listeners = ShardedMap.empty();
    routeConfigs = ShardedMap.empty();
    cds = ShardedMap.empty();
    eds = ShardedMap.empty();
    Set<String> all = new HashSet<>(registry.serviceNames());
    for (ConfigEntryKind kind : CHAIN_KINDS) {
      registry.configEntries(kind).forEach(e -> all.add(e.value().name()));
    }
    return update(registry, all);
  }

  /**
   * Rebuilds what depends on {@code changed}: names of services whose instances, checks or config
   * entries changed. Everything else is reused, and the cost follows the size of the change.
   */
  public ContentSnapshot update(RegistrySnapshot registry, Set<String> changed) {
    Set<String> rebuild = new HashSet<>(changed);
    for (String name : changed) {
      rebuild.addAll(readers.getOrDefault(name, Set.of()));
    }
    Map<String, VersionedResource<Listener>> newListeners = new HashMap<>();
    Map<String, VersionedResource<RouteConfiguration>> newRoutes = new HashMap<>();
    Map<String, ResolvedTarget> newFailover = new HashMap<>();
    Set<String> goneServices = new HashSet<>();
    Set<Target> candidates = new HashSet<>();
    Set<String> failoverCandidates = new HashSet<>();
    for (String service : rebuild) {
      Built old = built.remove(service);
      if (old != null) {
        release(service, old);
        candidates.addAll(old.targets());
        old.failover().forEach(n -> failoverCandidates.add(ClusterNames.of(n)));
      }
      if (isServed(registry, service)) {
        ServiceRoutes r = ServiceRoutes.of(registry, service);
        r.failover().forEach(n -> newFailover.put(ClusterNames.of(n), n));
        Built now = new Built(r.targets(), r.failover(), r.reads());
        built.put(service, now);
        acquire(service, now);
        newListeners.put(service, ContentVersion.versioned(r.listener()));
        newRoutes.put(service, ContentVersion.versioned(r.route()));
        candidates.addAll(r.targets());
        failoverCandidates.addAll(newFailover.keySet());
      } else if (old != null) {
        goneServices.add(service);
      }
      candidates.addAll(targetsOf.getOrDefault(service, Set.of()));
    }
    Set<String> staleFailover = new HashSet<>();
    List<String> goneClusters = new ArrayList<>();
    for (String name : failoverCandidates) {
      if (failoverReferences.containsKey(name)) {
        // Any chain leading to it was rebuilt with it: its node reflects what the chain read.
        if (newFailover.containsKey(name)) {
          setFailoverNode(name, newFailover.get(name));
          staleFailover.add(name);
        }
      } else {
        setFailoverNode(name, null);
        if (cds.containsKey(name)) {
          goneClusters.add(name);
        }
      }
    }
    Map<String, VersionedResource<Cluster>> newClusters = new HashMap<>();
    Map<String, VersionedResource<ClusterLoadAssignment>> newEndpoints = new HashMap<>();
    List<String> goneTargets = new ArrayList<>();
    for (Target target : candidates) {
      // Cluster names are one-to-one with targets, so the last published map says what is built.
      boolean isBuilt = cds.containsKey(target.clusterName());
      if (!references.containsKey(target)) {
        if (isBuilt) {
          goneTargets.add(target.clusterName());
        }
      } else if (!isBuilt || changed.contains(target.service())) {
        VersionedCluster c = VersionedCluster.of(TargetCluster.of(registry, target));
        newClusters.put(target.clusterName(), c.cluster());
        newEndpoints.put(target.clusterName(), c.endpoints());
        staleFailover.addAll(failoverByMember.getOrDefault(target, Set.of()));
      }
    }
    goneClusters.addAll(goneTargets);
    eds = eds.with(newEndpoints, goneTargets);
    for (String name : staleFailover) {
      Cluster c =
          FailoverClusterTranslator.aggregate(
              failoverNodes.get(name), RouteClient.GRPC, t -> hasEndpoints(Target.of(t)));
      newClusters.put(name, ContentVersion.versioned(c));
    }
    listeners = listeners.with(newListeners, goneServices);
    routeConfigs = routeConfigs.with(newRoutes, goneServices);
    cds = cds.with(newClusters, goneClusters);
    return new ContentSnapshot(cds, eds, listeners, routeConfigs);
  }

  private boolean hasEndpoints(Target target) {
    VersionedResource<ClusterLoadAssignment> cla = eds.get(target.clusterName());
    return cla != null && cla.resource().getEndpointsCount() > 0;
  }

  /** Records (or, with null, forgets) the node an aggregate cluster is built from. */
  private void setFailoverNode(String name, ResolvedTarget node) {
    ResolvedTarget old = node == null ? failoverNodes.remove(name) : failoverNodes.put(name, node);
    if (old != null) {
      members(old)
          .forEach(
              t -> {
                Set<String> of = failoverByMember.get(t);
                if (of != null && of.remove(name) && of.isEmpty()) {
                  failoverByMember.remove(t);
                }
              });
    }
    if (node != null) {
      members(node)
          .forEach(t -> failoverByMember.computeIfAbsent(t, k -> new HashSet<>()).add(name));
    }
  }

  private static List<Target> members(ResolvedTarget node) {
    List<Target> out = new ArrayList<>();
    out.add(Target.of(node.target()));
    node.failover().forEach(t -> out.add(Target.of(t)));
    return out;
  }

  /** Clients dial services with instances, and services whose chain needs none (a redirect). */
  private static boolean isServed(RegistrySnapshot registry, String service) {
    if (registry.serviceNames().contains(service)) {
      return true;
    }
    for (ConfigEntryKind kind : CHAIN_KINDS) {
      if (registry.configEntry(kind, service).map(Indexed::value).isPresent()) {
        return true;
      }
    }
    return false;
  }

  private void acquire(String service, Built b) {
    b.targets().forEach(t -> reference(t, 1));
    b.failover().forEach(n -> failoverReferences.merge(ClusterNames.of(n), 1, Integer::sum));
    b.reads().forEach(name -> readers.computeIfAbsent(name, k -> new HashSet<>()).add(service));
  }

  private void release(String service, Built b) {
    b.targets().forEach(t -> reference(t, -1));
    for (String name : b.failover().stream().map(ClusterNames::of).toList()) {
      if (failoverReferences.merge(name, -1, Integer::sum) <= 0) {
        failoverReferences.remove(name);
      }
    }
    for (String name : b.reads()) {
      Set<String> of = readers.get(name);
      if (of != null && of.remove(service) && of.isEmpty()) {
        readers.remove(name);
      }
    }
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
