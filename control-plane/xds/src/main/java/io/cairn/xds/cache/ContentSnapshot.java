package io.cairn.xds.cache;

import com.google.common.base.Suppliers;
import com.google.common.collect.Maps;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An xDS snapshot whose versions come from content: each resource's is a hash of its bytes, and the
 * version a client sees for a type is a hash of the names and versions it asked for. A client that
 * subscribes to some resources is therefore pushed only when those change, and the same content has
 * the same versions on every replica and after every restart.
 *
 * <p>Resources are held in {@link ShardedMap}s, so the next snapshot after a small change shares
 * almost everything with this one.
 */
public final class ContentSnapshot extends Snapshot {
  private final Resources<Cluster> clusters;
  private final Resources<ClusterLoadAssignment> endpoints;
  private final Resources<Listener> listeners;
  private final Resources<RouteConfiguration> routes;
  private final Resources<Secret> secrets;

  /** From resources already versioned by their content, so nothing is hashed again; no secrets. */
  public ContentSnapshot(
      List<VersionedResource<Cluster>> clusters,
      List<VersionedResource<ClusterLoadAssignment>> endpoints,
      List<VersionedResource<Listener>> listeners,
      List<VersionedResource<RouteConfiguration>> routes) {
    this(clusters, endpoints, listeners, routes, List.of());
  }

  /** As the other, with secrets (a sidecar's certificates). */
  public ContentSnapshot(
      List<VersionedResource<Cluster>> clusters,
      List<VersionedResource<ClusterLoadAssignment>> endpoints,
      List<VersionedResource<Listener>> listeners,
      List<VersionedResource<RouteConfiguration>> routes,
      List<VersionedResource<Secret>> secrets) {
    this(
        byName(clusters, Cluster::getName),
        byName(endpoints, ClusterLoadAssignment::getClusterName),
        byName(listeners, Listener::getName),
        byName(routes, RouteConfiguration::getName),
        byName(secrets, Secret::getName));
  }

  ContentSnapshot(
      ShardedMap<VersionedResource<Cluster>> clusters,
      ShardedMap<VersionedResource<ClusterLoadAssignment>> endpoints,
      ShardedMap<VersionedResource<Listener>> listeners,
      ShardedMap<VersionedResource<RouteConfiguration>> routes) {
    this(clusters, endpoints, listeners, routes, ShardedMap.empty());
  }

  ContentSnapshot(
      ShardedMap<VersionedResource<Cluster>> clusters,
      ShardedMap<VersionedResource<ClusterLoadAssignment>> endpoints,
      ShardedMap<VersionedResource<Listener>> listeners,
      ShardedMap<VersionedResource<RouteConfiguration>> routes,
      ShardedMap<VersionedResource<Secret>> secrets) {
    this.clusters = new Resources<>(clusters);
    this.endpoints = new Resources<>(endpoints);
    this.listeners = new Resources<>(listeners);
    this.routes = new Resources<>(routes);
    this.secrets = new Resources<>(secrets);
  }

  /** The clusters, for a snapshot that differs from this one only in them. */
  ShardedMap<VersionedResource<Cluster>> clusterMap() {
    return clusters.versioned;
  }

  /** The endpoints, for a snapshot that differs from this one only in them (and clusters). */
  ShardedMap<VersionedResource<ClusterLoadAssignment>> endpointMap() {
    return endpoints.versioned;
  }

  /** The listeners, for a snapshot that differs from this one in them. */
  ShardedMap<VersionedResource<Listener>> listenerMap() {
    return listeners.versioned;
  }

  /** This snapshot with other clusters, endpoints and listeners; routes and secrets are shared. */
  ContentSnapshot with(
      ShardedMap<VersionedResource<Cluster>> otherClusters,
      ShardedMap<VersionedResource<ClusterLoadAssignment>> otherEndpoints,
      ShardedMap<VersionedResource<Listener>> otherListeners) {
    return new ContentSnapshot(
        otherClusters, otherEndpoints, otherListeners, routes.versioned, secrets.versioned);
  }

  /** This snapshot with other clusters and endpoints; listeners, routes and secrets are shared. */
  ContentSnapshot with(
      ShardedMap<VersionedResource<Cluster>> otherClusters,
      ShardedMap<VersionedResource<ClusterLoadAssignment>> otherEndpoints) {
    return new ContentSnapshot(
        otherClusters, otherEndpoints, listeners.versioned, routes.versioned, secrets.versioned);
  }

  /** This snapshot with other secrets; every other resource is shared, at the same version. */
  ContentSnapshot withSecrets(List<VersionedResource<Secret>> otherSecrets) {
    return new ContentSnapshot(
        clusters.versioned,
        endpoints.versioned,
        listeners.versioned,
        routes.versioned,
        byName(otherSecrets, Secret::getName));
  }

  private static <T extends Message> ShardedMap<VersionedResource<T>> byName(
      List<VersionedResource<T>> versioned, Function<T, String> name) {
    Map<String, VersionedResource<T>> puts = new HashMap<>(versioned.size() * 2);
    for (VersionedResource<T> v : versioned) {
      puts.put(name.apply(v.resource()), v);
    }
    return ShardedMap.<VersionedResource<T>>empty().with(puts, List.of());
  }

  /** One type's resources; the version of a subscription covers exactly the names asked for. */
  private static final class Resources<T extends Message> extends SnapshotResources<T> {
    /** Distinct subscriptions remembered per snapshot and type; past that, versions are hashed. */
    private static final int MEMO_LIMIT = 4_096;

    private final ShardedMap<VersionedResource<T>> versioned;
    private final Map<String, T> plain;
    // The version of everything is asked for rarely (wildcard subscribers): computed on demand.
    private final Supplier<String> all;
    // Streams that ask for the same names get the same version: hashed once per snapshot, not once
    // per stream and push (1,000 proxyless clients of one service ask for one name). Bounded.
    private final Map<List<String>, String> byNames = new ConcurrentHashMap<>();

    Resources(ShardedMap<VersionedResource<T>> versioned) {
      this.versioned = versioned;
      this.plain = Maps.transformValues(versioned, VersionedResource::resource);
      this.all = Suppliers.memoize(() -> joined(versioned, new TreeSet<>(versioned.keySet())));
    }

    @Override
    public Map<String, VersionedResource<T>> versionedResources() {
      return versioned;
    }

    @Override
    public Map<String, T> resources() {
      return plain;
    }

    @Override
    public ResourceVersionResolver resourceVersionResolver() {
      return names -> names.isEmpty() ? all.get() : subscriptionVersion(names);
    }

    private String subscriptionVersion(List<String> names) {
      String known = byNames.get(names);
      if (known != null) {
        return known;
      }
      String version = joined(versioned, new TreeSet<>(names));
      if (byNames.size() < MEMO_LIMIT) {
        byNames.putIfAbsent(List.copyOf(names), version);
      }
      return version;
    }
  }

  private static String joined(
      Map<String, ? extends VersionedResource<?>> versions, Iterable<String> names) {
    List<String> parts = new ArrayList<>();
    for (String n : names) {
      VersionedResource<?> v = versions.get(n);
      parts.add(n + "=" + (v == null ? "-" : v.version()));
    }
    return ContentVersion.ofAll(parts);
  }

  /** Whether both hold the same resources at the same versions. */
  public boolean sameVersions(ContentSnapshot other) {
    return versions(clusters).equals(versions(other.clusters))
        && versions(endpoints).equals(versions(other.endpoints))
        && versions(listeners).equals(versions(other.listeners))
        && versions(routes).equals(versions(other.routes))
        && versions(secrets).equals(versions(other.secrets));
  }

  private static Map<String, String> versions(SnapshotResources<?> resources) {
    Map<String, String> out = new HashMap<>();
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
