package io.cairn.xds.cache;

import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.config.IntentionAction;
import io.cairn.registry.config.UpstreamConfig;
import io.cairn.registry.model.Locality;
import io.cairn.xds.translate.ClusterNames;
import io.cairn.xds.translate.ClusterResilience;
import io.cairn.xds.translate.EndpointTranslator;
import io.cairn.xds.translate.ProxylessTlsTranslator;
import io.cairn.xds.translate.ServerListenerTranslator;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Snapshots of proxyless gRPC clients grouped by a {@link DownstreamKey}: the shared proxyless
 * snapshot with the clients' own service's {@link UpstreamConfig} applied to its clusters (Envoy's
 * "service cluster", {@code node.cluster}), and, for clients that say where they run ({@code
 * node.locality}), the endpoints of every service whose resolver prioritizes by locality ordered
 * for that locality ({@link EndpointTranslator#prioritized}). Clients that opt in to mTLS with a
 * certificate provider instance get the clusters of Connect-native services with an
 * UpstreamTlsContext ({@link TlsClusters}, once the CA is set up); and a group whose service is
 * registered gets its server Listener template ({@link ServerListeners}). A group that needs none
 * of this gets the shared snapshot itself. Kept incrementally: a publication re-applies all this to
 * the clusters and endpoints that changed, and to all of them only for a group whose UpstreamConfig
 * or trust domain, or for every located group when the set of prioritizing services, changed. Not
 * thread-safe.
 */
public final class DownstreamSnapshots {
  private record Group(
      UpstreamConfig config,
      ShardedMap<VersionedResource<Cluster>> clusters,
      Set<String> prioritized,
      ShardedMap<VersionedResource<ClusterLoadAssignment>> endpoints,
      Optional<String> trustDomain,
      ShardedMap<VersionedResource<Cluster>> secured,
      Optional<ServerListeners.Inputs> server,
      Optional<VersionedResource<Listener>> serverListener) {}

  private final ClusterOverlays overlays = new ClusterOverlays(ClusterResilience.Client.GRPC);
  private final TlsClusters tls = new TlsClusters();
  private final IntentionAction defaultPolicy;
  private final String datacenter;
  private final Map<DownstreamKey, Group> groups = new HashMap<>();
  private ShardedMap<VersionedResource<Cluster>> base = ShardedMap.empty();
  private ShardedMap<VersionedResource<ClusterLoadAssignment>> baseEndpoints = ShardedMap.empty();
  private Set<String> prioritized = Set.of();
  // Services with a Connect-native instance, and those that became or stopped being one at the
  // last update.
  private final Set<String> natives = new HashSet<>();
  private Set<String> flipped = Set.of();

  /**
   * @param defaultPolicy what a server's RBAC does with calls no intention applies to
   * @param datacenter part of every SPIFFE ID a client checks
   */
  public DownstreamSnapshots(IntentionAction defaultPolicy, String datacenter) {
    this.defaultPolicy = defaultPolicy;
    this.datacenter = datacenter;
  }

  /** Consul's defaults: intentions allow what they do not deny; datacenter {@code dc1}. */
  public DownstreamSnapshots() {
    this(IntentionAction.ALLOW, "dc1");
  }

  /**
   * The snapshot of every tracked group after the shared snapshot became {@code shared}, with every
   * service's instances possibly changed.
   */
  public Map<DownstreamKey, ContentSnapshot> update(
      RegistrySnapshot registry, ContentSnapshot shared) {
    return update(registry, shared, registry.serviceNames(), true);
  }

  /**
   * As {@link #update(RegistrySnapshot, ContentSnapshot)}, when only the instances of {@code
   * changedServices} changed since the last update.
   */
  public Map<DownstreamKey, ContentSnapshot> update(
      RegistrySnapshot registry, ContentSnapshot shared, Set<String> changedServices) {
    return update(registry, shared, changedServices, false);
  }

  private Map<DownstreamKey, ContentSnapshot> update(
      RegistrySnapshot registry, ContentSnapshot shared, Set<String> services, boolean all) {
    Set<String> nowFlipped = new HashSet<>();
    if (all) {
      Set<String> before = Set.copyOf(natives);
      natives.clear();
      services.forEach(s -> markNative(registry, s));
      nowFlipped.addAll(before);
      nowFlipped.addAll(natives);
      nowFlipped.removeIf(s -> before.contains(s) && natives.contains(s));
    } else {
      for (String s : services) {
        if (markNative(registry, s)) {
          nowFlipped.add(s);
        }
      }
    }
    flipped = nowFlipped;
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

  /** Whether {@code service} now has a Connect-native instance; true when that changed. */
  private boolean markNative(RegistrySnapshot registry, String service) {
    boolean now = MeshIndex.connectNative(registry, service);
    return now ? natives.add(service) : natives.remove(service);
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
    Optional<String> trustDomain = registry.ca().map(ca -> ca.value().trustDomain());
    ShardedMap<VersionedResource<Cluster>> secured;
    if (key.certificateProvider().isEmpty() || trustDomain.isEmpty()) {
      secured = clusters;
    } else if (group == null || !group.trustDomain().equals(trustDomain)) {
      secured = secure(key, trustDomain.get(), clusters, clusters.keySet(), ShardedMap.empty());
    } else {
      Set<String> names = new HashSet<>(clusters.changedKeys(group.clusters()));
      if (!flipped.isEmpty()) {
        for (String name : clusters.keySet()) {
          if (flipped.contains(ClusterNames.serviceOf(name))) {
            names.add(name);
          }
        }
      }
      secured = secure(key, trustDomain.get(), clusters, names, group.secured());
    }
    Optional<ServerListeners.Inputs> server =
        key.service().isEmpty()
            ? Optional.empty()
            : ServerListeners.inputs(registry, key.service(), key.certificateProvider());
    Optional<VersionedResource<Listener>> serverListener =
        group != null && group.server().equals(server)
            ? group.serverListener()
            : server.map(
                in -> ContentVersion.versioned(ServerListeners.template(in, defaultPolicy)));
    groups.put(
        key,
        new Group(
            config,
            clusters,
            prioritized,
            endpoints,
            trustDomain,
            secured,
            server,
            serverListener));
    if (secured == base && endpoints == baseEndpoints && serverListener.isEmpty()) {
      return shared;
    }
    ShardedMap<VersionedResource<Listener>> listeners =
        serverListener
            .map(
                l ->
                    shared
                        .listenerMap()
                        .with(Map.of(ServerListenerTranslator.TEMPLATE, l), List.of()))
            .orElse(shared.listenerMap());
    return shared.with(secured, endpoints, listeners);
  }

  /**
   * {@code from} with the clusters {@code names} have in {@code clusters}, those of Connect-native
   * services dialed over mTLS with the key's certificate provider instance.
   */
  private ShardedMap<VersionedResource<Cluster>> secure(
      DownstreamKey key,
      String trustDomain,
      ShardedMap<VersionedResource<Cluster>> clusters,
      Set<String> names,
      ShardedMap<VersionedResource<Cluster>> from) {
    if (natives.isEmpty() && from.isEmpty()) {
      return clusters; // nothing to secure, and nothing secured before
    }
    String instance = key.certificateProvider().orElseThrow();
    Map<String, VersionedResource<Cluster>> puts = new HashMap<>();
    List<String> removes = new ArrayList<>();
    for (String name : names) {
      VersionedResource<Cluster> c = clusters.get(name);
      if (c == null) {
        removes.add(name);
        continue;
      }
      String service = ClusterNames.serviceOf(name);
      if (!ClusterNames.isFailover(name) && natives.contains(service)) {
        c = tls.of(c, instance, ProxylessTlsTranslator.spiffeId(trustDomain, datacenter, service));
      }
      if (from.get(name) != c) {
        puts.put(name, c);
      }
    }
    if (from.isEmpty()) {
      // Built whole: every cluster not named is the plain one.
      for (String name : clusters.keySet()) {
        if (!names.contains(name)) {
          puts.put(name, clusters.get(name));
        }
      }
    }
    if (puts.isEmpty() && removes.isEmpty()) {
      return from;
    }
    return from.with(puts, removes);
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
