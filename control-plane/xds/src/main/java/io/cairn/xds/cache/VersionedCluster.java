package io.cairn.xds.cache;

import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;

/** A target's Cluster and ClusterLoadAssignment, each with its content version. */
record VersionedCluster(
    VersionedResource<Cluster> cluster, VersionedResource<ClusterLoadAssignment> endpoints) {
  static VersionedCluster of(TargetCluster built) {
    return new VersionedCluster(
        ContentVersion.versioned(built.cluster()), ContentVersion.versioned(built.endpoints()));
  }
}
