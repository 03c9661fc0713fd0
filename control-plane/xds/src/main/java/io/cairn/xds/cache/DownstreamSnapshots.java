package io.cairn.xds.cache;

import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.config.UpstreamConfig;
import io.cairn.registry.model.Locality;
import io.cairn.xds.translate.ClusterNames;
import io.cairn.xds.translate.ClusterResilience;
import io.cairn.xds.translate.EndpointTranslator;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Snapshots of proxyless gRPC clients grouped by a {@link DownstreamKey}: the shared proxyless
 * snapshot with the clients' own service's {@link UpstreamConfig} applied to its clusters (Envoy's
 * "service cluster", {@code node.cluster}), and, for clients that say where they run ({@code
 * node.locality}), the endpoints of every service whose resolver prioritizes by locality ordered
 * for that locality ({@link EndpointTranslator#prioritized}). A group that needs neither gets the
 * shared snapshot itself. Kept incrementally: a publication re-applies both to the clusters and
 * endpoints that changed, and to all of them only for a group whose UpstreamConfig, or for every
 * located group when the set of prioritizing services, changed. Not thread-safe.
 */
public final class DownstreamSnapshots {
  private record Group(
      UpstreamConfig config,
      ShardedMap<VersionedResource<Cluster>> clusters,
      Set<String> prioritized,
      ShardedMap<VersionedResource<ClusterLoadAssignment>> endpoints) {}

  private final ClusterOverlays overlays = new ClusterOverlays(ClusterResilience.Client.GRPC);
  private final Map<DownstreamKey, Group> groups = new HashMap<>();
  private ShardedMap<VersionedResource<Cluster>> base = ShardedMap.empty();
  private ShardedMap<VersionedResource<ClusterLoadAssignment>> baseEndpoints = ShardedMap.empty();
  private Set<String> prioritized = Set.of();

  /** The snapshot of every tracked group after the shared snapshot became {@code shared}. */
  public Map<DownstreamKey, ContentSnapshot> update(
      RegistrySnapshot registry, ContentSnapshot shared) {
    ShardedMap<VersionedResource<Cluster>> next = shared.clusterMap();
    Set<String> changed = next.changedKeys(base);
    base = next;
    ShardedMap<VersionedResource<ClusterLoadAssignment>> nextEndpoints = shared.endpointMap();
    Set<String> changedEndpoints = nextEndpoints.changedKeys(baseEndpoints);
    baseEndpoints = nextEndpoints;
    prioritized = Entries.prioritizing(registry);
    Map<DownstreamKey, ContentSnapshot> out = new HashMap<>();
    for (DownstreamKey key : List.copyOf(groups.keySet())) {
      out.put(key, snapshot(registry, shared, key, changed, changedEndpoints));
    }
    return out;
  }

  /** Starts serving a group's clients; its snapshot now. */
  public ContentSnapshot track(
      RegistrySnapshot registry, ContentSnapshot shared, DownstreamKey key) {
    if (shared.clusterMap() != base || shared.endpointMap() != baseEndpoints) {
      throw new IllegalStateException("track after update, with the snapshot last published");
    }
    return snapshot(registry, shared, key, Set.of(), Set.of());
  }

  public void forget(DownstreamKey key) {
    groups.remove(key);
  }

  private ContentSnapshot snapshot(
      RegistrySnapshot registry,
      ContentSnapshot shared,
      DownstreamKey key,
      Set<String> changed,
      Set<String> changedEndpoints) {
    UpstreamConfig config =
        key.service().isEmpty()
            ? UpstreamConfig.NONE
            : Entries.upstreamConfig(registry, key.service());
    Group group = groups.get(key);
    ShardedMap<VersionedResource<Cluster>> clusters;
    if (config.isEmpty()) {
      clusters = base;
    } else if (group == null || !group.config().equals(config)) {
      clusters = overlay(config, base.keySet(), ShardedMap.empty());
    } else {
      clusters = overlay(config, changed, group.clusters());
    }
    ShardedMap<VersionedResource<ClusterLoadAssignment>> endpoints;
    if (key.locality().isEmpty() || prioritized.isEmpty()) {
      endpoints = baseEndpoints;
    } else if (group == null || !group.prioritized().equals(prioritized)) {
      endpoints = prioritize(key.locality().get(), baseEndpoints.keySet(), baseEndpoints);
    } else {
      endpoints = prioritize(key.locality().get(), changedEndpoints, group.endpoints());
    }
    groups.put(key, new Group(config, clusters, prioritized, endpoints));
    if (clusters == base && endpoints == baseEndpoints) {
      return shared;
    }
    return shared.with(clusters, endpoints);
  }

  private ShardedMap<VersionedResource<Cluster>> overlay(
      UpstreamConfig config, Set<String> names, ShardedMap<VersionedResource<Cluster>> from) {
    Map<String, VersionedResource<Cluster>> puts = new HashMap<>();
    List<String> removes = new java.util.ArrayList<>();
    for (String name : names) {
      VersionedResource<Cluster> c = base.get(name);
      if (c == null) {
        removes.add(name);
      } else if (ClusterNames.isFailover(name)) {
        // An aggregate has no hosts of its own: its members carry the settings.
        puts.put(name, c);
      } else {
        puts.put(name, overlays.of(c, config.settingsFor(ClusterNames.serviceOf(name))));
      }
    }
    return from.with(puts, removes);
  }

  /**
   * {@code from} with the shared endpoints of {@code names}, those of prioritizing services ordered
   * for {@code locality}.
   */
  private ShardedMap<VersionedResource<ClusterLoadAssignment>> prioritize(
      Locality locality,
      Set<String> names,
      ShardedMap<VersionedResource<ClusterLoadAssignment>> from) {
    Map<String, VersionedResource<ClusterLoadAssignment>> puts = new HashMap<>();
    List<String> removes = new java.util.ArrayList<>();
    for (String name : names) {
      VersionedResource<ClusterLoadAssignment> e = baseEndpoints.get(name);
      if (e == null) {
        removes.add(name);
      } else if (prioritized.contains(ClusterNames.serviceOf(name))) {
        puts.put(
            name, ContentVersion.versioned(EndpointTranslator.prioritized(e.resource(), locality)));
      } else if (from.get(name) != e) {
        puts.put(name, e);
      }
    }
    if (puts.isEmpty() && removes.isEmpty()) {
      return from;
    }
    return from.with(puts, removes);
  }
}
