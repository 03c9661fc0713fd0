package io.cairn.xds.cache;

import io.envoyproxy.controlplane.cache.Resources;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A snapshot as {@code TYPE/name -> version}, to compare two snapshots' content in tests. */
final class SnapshotVersions {
  private SnapshotVersions() {}

  static Map<String, String> of(ContentSnapshot s) {
    Map<String, String> out = new TreeMap<>();
    for (Resources.ResourceType type :
        List.of(
            Resources.ResourceType.CLUSTER,
            Resources.ResourceType.ENDPOINT,
            Resources.ResourceType.LISTENER,
            Resources.ResourceType.ROUTE,
            Resources.ResourceType.SECRET)) {
      s.versionedResources(type).forEach((name, v) -> out.put(type + "/" + name, v.version()));
    }
    return out;
  }
}
