package io.cairn.xds.cache;

import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.config.UpstreamConfig;
import io.cairn.xds.translate.ClusterNames;
import io.cairn.xds.translate.ClusterResilience;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Snapshots of proxyless gRPC clients that name their own service (Envoy's "service cluster",
 * {@code node.cluster}): the shared proxyless snapshot with that service's {@link UpstreamConfig}
 * applied to its clusters. Only clusters differ; a service without UpstreamConfig gets the shared
 * snapshot itself. Kept incrementally: a publication re-applies the settings to the clusters that
 * changed, and to all of them only for a service whose UpstreamConfig changed. Not thread-safe.
 */
public final class DownstreamSnapshots {
  private record Group(UpstreamConfig config, ShardedMap<VersionedResource<Cluster>> clusters) {}

  private final ClusterOverlays overlays = new ClusterOverlays(ClusterResilience.Client.GRPC);
  private final Map<String, Group> groups = new HashMap<>();
  private ShardedMap<VersionedResource<Cluster>> base = ShardedMap.empty();

  /** The snapshot of every tracked service after the shared snapshot became {@code shared}. */
  public Map<String, ContentSnapshot> update(RegistrySnapshot registry, ContentSnapshot shared) {
    ShardedMap<VersionedResource<Cluster>> next = shared.clusterMap();
    Set<String> changed = next.changedKeys(base);
    base = next;
    Map<String, ContentSnapshot> out = new HashMap<>();
    for (String service : List.copyOf(groups.keySet())) {
      out.put(service, snapshot(registry, shared, service, changed));
    }
    return out;
  }

  /** Starts serving {@code service}'s clients; its snapshot now. */
  public ContentSnapshot track(RegistrySnapshot registry, ContentSnapshot shared, String service) {
    if (shared.clusterMap() != base) {
      throw new IllegalStateException("track after update, with the snapshot last published");
    }
    return snapshot(registry, shared, service, Set.of());
  }

  public void forget(String service) {
    groups.remove(service);
  }

  private ContentSnapshot snapshot(
      RegistrySnapshot registry, ContentSnapshot shared, String service, Set<String> changed) {
    UpstreamConfig config = Entries.upstreamConfig(registry, service);
    Group group = groups.get(service);
    ShardedMap<VersionedResource<Cluster>> clusters;
    if (config.isEmpty()) {
      clusters = base;
    } else if (group == null || !group.config().equals(config)) {
      clusters = overlay(config, base.keySet(), ShardedMap.empty());
    } else {
      clusters = overlay(config, changed, group.clusters());
    }
    groups.put(service, new Group(config, clusters));
    return clusters == base ? shared : shared.withClusters(clusters);
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
}
