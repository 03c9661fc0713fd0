package io.cairn.xds.cache;

import io.cairn.xds.translate.ProxylessTlsTranslator;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.util.HashMap;
import java.util.Map;

/**
 * Clusters dialed over mTLS by proxyless clients that opted in ({@link ProxylessTlsTranslator}),
 * kept while their base cluster is the same object, so that the groups sharing an instance name
 * build and hash each one once. Not thread-safe.
 */
final class TlsClusters {
  /** Past this many, the memory is dropped whole: instance names no longer used would pile up. */
  private static final int BOUND = 100_000;

  private record Key(String cluster, String instance, String spiffeId) {}

  private record Secured(VersionedResource<Cluster> base, VersionedResource<Cluster> cluster) {}

  private final Map<Key, Secured> memo = new HashMap<>();

  /** {@code base} with an UpstreamTlsContext from {@code instance} accepting {@code spiffeId}. */
  VersionedResource<Cluster> of(VersionedResource<Cluster> base, String instance, String spiffeId) {
    Key key = new Key(base.resource().getName(), instance, spiffeId);
    Secured known = memo.get(key);
    if (known != null && known.base() == base) {
      return known.cluster();
    }
    if (memo.size() >= BOUND) {
      memo.clear();
    }
    VersionedResource<Cluster> secured =
        ContentVersion.versioned(
            ProxylessTlsTranslator.upstream(base.resource(), instance, spiffeId));
    memo.put(key, new Secured(base, secured));
    return secured;
  }
}
