package io.cairn.xds.cache;

import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.ResourceVersionResolver;
import io.envoyproxy.controlplane.cache.SnapshotResources;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An xDS snapshot whose versions come from content: each resource's is a hash of its bytes, and the
 * version a client sees for a type is a hash of the names and versions it asked for. A client that
 * subscribes to some resources is therefore pushed only when those change, and the same content has
 * the same versions on every replica and after every restart.
 */
public final class ContentSnapshot extends Snapshot {
  private final SnapshotResources<Cluster> clusters;
  private final SnapshotResources<ClusterLoadAssignment> endpoints;
  private final SnapshotResources<Listener> listeners;
  private final SnapshotResources<RouteConfiguration> routes;
  private final SnapshotResources<Secret> secrets;

  /** From resources already versioned by their content, so nothing is hashed again. */
  public ContentSnapshot(
      List<VersionedResource<Cluster>> clusters,
      List<VersionedResource<ClusterLoadAssignment>> endpoints,
      List<VersionedResource<Listener>> listeners,
      List<VersionedResource<RouteConfiguration>> routes) {
    this.clusters = resources(clusters, Cluster::getName);
    this.endpoints = resources(endpoints, ClusterLoadAssignment::getClusterName);
    this.listeners = resources(listeners, Listener::getName);
    this.routes = resources(routes, RouteConfiguration::getName);
    this.secrets = resources(List.<VersionedResource<Secret>>of(), Secret::getName);
  }

  private static <T extends Message> SnapshotResources<T> resources(
      List<VersionedResource<T>> versioned, java.util.function.Function<T, String> name) {
    Map<String, String> versions = new java.util.HashMap<>(versioned.size() * 2);
    for (VersionedResource<T> v : versioned) {
      versions.put(name.apply(v.resource()), v.version());
    }
    // The version of everything is asked for rarely (wildcard subscribers): computed on demand.
    java.util.function.Supplier<String> all =
        com.google.common.base.Suppliers.memoize(
            () -> joined(versions, new java.util.TreeSet<>(versions.keySet())));
    ResourceVersionResolver resolver =
        names -> names.isEmpty() ? all.get() : joined(versions, new java.util.TreeSet<>(names));
    return SnapshotResources.create(versioned, resolver);
  }

  private static String joined(Map<String, String> versions, Iterable<String> names) {
    List<String> parts = new ArrayList<>();
    for (String n : names) {
      parts.add(n + "=" + versions.getOrDefault(n, "-"));
    }
    return ContentVersion.ofAll(parts);
  }

  /** Whether both hold the same resources at the same versions. */
  public boolean sameVersions(ContentSnapshot other) {
    return versions(clusters).equals(versions(other.clusters))
        && versions(endpoints).equals(versions(other.endpoints))
        && versions(listeners).equals(versions(other.listeners))
        && versions(routes).equals(versions(other.routes));
  }

  private static Map<String, String> versions(SnapshotResources<?> resources) {
    Map<String, String> out = new java.util.HashMap<>();
    resources.versionedResources().forEach((name, v) -> out.put(name, v.version()));
    return out;
  }

  @Override
  public SnapshotResources<Cluster> clusters() {
    return clusters;
  }

  @Override
  public SnapshotResources<ClusterLoadAssignment> endpoints() {
    return endpoints;
  }

  @Override
  public SnapshotResources<Listener> listeners() {
    return listeners;
  }

  @Override
  public SnapshotResources<RouteConfiguration> routes() {
    return routes;
  }

  @Override
  public SnapshotResources<Secret> secrets() {
    return secrets;
  }
}
