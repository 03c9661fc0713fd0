package io.cairn.xds.cache;

import io.cairn.registry.config.UpstreamSettings;
import io.cairn.xds.translate.ClusterResilience;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.util.HashMap;
import java.util.Map;

/**
 * Clusters with a downstream's {@link UpstreamSettings} applied ({@link ClusterResilience}), kept
 * while their base cluster is the same object, so that an unchanged cluster is neither rebuilt nor
 * rehashed. Not thread-safe.
 */
final class ClusterOverlays {
  /** Past this many, the memory is dropped whole: settings no longer used would pile up. */
  private static final int BOUND = 100_000;

  private record Key(String cluster, UpstreamSettings settings) {}

  private record Overlaid(VersionedResource<Cluster> base, VersionedResource<Cluster> cluster) {}

  private final ClusterResilience.Client client;
  private final Map<Key, Overlaid> memo = new HashMap<>();

  ClusterOverlays(ClusterResilience.Client client) {
    this.client = client;
  }

  /** {@code base} with {@code settings} applied; {@code base} itself when there are none. */
  VersionedResource<Cluster> of(VersionedResource<Cluster> base, UpstreamSettings settings) {
    if (settings.isEmpty()) {
      return base;
    }
    Key key = new Key(base.resource().getName(), settings);
    Overlaid known = memo.get(key);
    if (known != null && known.base() == base) {
      return known.cluster();
    }
    if (memo.size() >= BOUND) {
      memo.clear();
    }
    VersionedResource<Cluster> overlaid =
        ContentVersion.versioned(ClusterResilience.apply(base.resource(), settings, client));
    memo.put(key, new Overlaid(base, overlaid));
    return overlaid;
  }

  int size() {
    return memo.size();
  }
}
