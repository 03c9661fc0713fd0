package io.cairn.xds.cache;

import io.cairn.ca.Leaf;
import io.cairn.ca.SpiffeId;
import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.ca.CaSetup;
import io.cairn.registry.config.IntentionAction;
import io.cairn.registry.config.UpstreamConfig;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.model.Locality;
import io.cairn.xds.translate.ClusterResilience;
import io.cairn.xds.translate.EndpointTranslator;
import io.cairn.xds.translate.MeshTlsTranslator;
import io.cairn.xds.translate.RouteClient;
import io.cairn.xds.translate.SecretTranslator;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The snapshots of Envoy sidecars (registered connect proxies), one per {@link SidecarKey}: every
 * sidecar registered alike shares one snapshot object. Built incrementally like {@link
 * ProxylessSnapshots}: a changed service rebuilds the sidecars that depend on it and the mesh
 * clusters of its targets; other sidecars keep their snapshot (and version). A sidecar registered
 * with a locality whose upstreams include a service whose resolver prioritizes by locality gets
 * that snapshot with those endpoints ordered for its locality ({@link
 * EndpointTranslator#prioritized}), shared by the sidecars of its key in that locality.
 *
 * <p>Sidecars speak mutual TLS with the mesh CA's certificates, which reach them as secrets ({@link
 * SecretTranslator}): {@code roots} from the registry's CA, {@code leaf} handed in per service
 * ({@link #leaves}; leaves are not registry state). A new leaf or new roots replace the secrets of
 * the sidecars concerned and nothing else, so listeners and clusters keep their versions. Nothing
 * is built before the registry has a CA: the clusters' TLS and the inbound RBAC name the CA's trust
 * domain (a placeholder identity would lose every deny under a default allow), so an Envoy waits
 * for configuration until then, as an unregistered one does. Not thread-safe.
 */
public final class SidecarSnapshots {
  private record Built(SidecarResources resources, ContentSnapshot snapshot) {}

  /**
   * What changed for the xDS server.
   *
   * @param snapshots the new snapshot of each proxy id whose snapshot changed
   * @param removed proxy ids no longer registered
   */
  public record Update(Map<String, ContentSnapshot> snapshots, Set<String> removed) {
    public Update {
      snapshots = Map.copyOf(snapshots);
      removed = Set.copyOf(removed);
    }
  }

  private final IntentionAction defaultPolicy;
  private final String datacenter;
  private final MeshIndex mesh = new MeshIndex();
  private final Map<SidecarKey, Built> sidecars = new HashMap<>();
  private final Map<Target, VersionedCluster> clusters = new HashMap<>();
  private final ClusterOverlays overlays = new ClusterOverlays(ClusterResilience.Client.ENVOY);
  // Services whose resolver prioritizes by locality, and the snapshots of located sidecars.
  private Set<String> prioritized = Set.of();
  private final Map<SidecarKey, Map<Locality, ContentSnapshot>> located = new HashMap<>();
  // The CA as last built from: its trust domain (empty until there is a CA), index and roots.
  private Optional<String> trustDomain = Optional.empty();
  private long caIndex;
  private Optional<VersionedResource<Secret>> roots = Optional.empty();
  // Each sidecar service's leaf, as last handed in.
  private final Map<String, VersionedResource<Secret>> leaves = new HashMap<>();

  /**
   * @param defaultPolicy what RBAC does with connections no intention applies to
   * @param datacenter the datacenter of the services' SPIFFE IDs
   */
  public SidecarSnapshots(IntentionAction defaultPolicy, String datacenter) {
    this.defaultPolicy = defaultPolicy;
    this.datacenter = datacenter;
  }

  /** Forgets what was built and builds every sidecar. */
  public Update rebuild(RegistrySnapshot registry) {
    sidecars.clear();
    clusters.clear();
    located.clear();
    prioritized = Set.of();
    return update(registry, registry.serviceNames());
  }

  /**
   * Rebuilds what depends on {@code changed}: names of changed services or config entries. New
   * roots in the registry's CA change every sidecar's secrets.
   */
  public Update update(RegistrySnapshot registry, Set<String> changedNames) {
    return update(registry, changedNames, mesh.update(registry, changedNames));
  }

  /**
   * As {@link #update(RegistrySnapshot, Set)}, given also the instances that changed: only the
   * changed services that have or gain a connect proxy are read again for the mesh, so that changes
   * to plain services cost nothing there.
   */
  public Update update(
      RegistrySnapshot registry, Set<String> changedNames, Set<String> changedInstances) {
    return update(registry, changedNames, mesh.update(registry, changedNames, changedInstances));
  }

  private Update update(
      RegistrySnapshot registry, Set<String> changedNames, MeshIndex.Changes moved) {
    Optional<Indexed<CaSetup>> ca = registry.ca();
    if (ca.isEmpty() && trustDomain.isEmpty()) {
      return new Update(Map.of(), Set.of());
    }
    boolean newRoots = false;
    if (ca.isPresent() && ca.get().modifyIndex() != caIndex) {
      caIndex = ca.get().modifyIndex();
      roots = Optional.of(ContentVersion.versioned(SecretTranslator.roots(ca.get().value())));
      newRoots = true;
      if (trustDomain.isEmpty()) {
        // The first CA: nothing was built without one, so everything is built now.
        trustDomain = Optional.of(ca.get().value().trustDomain());
        return rebuild(registry);
      }
    }
    leaves.keySet().retainAll(services());
    Set<String> changed = new HashSet<>(changedNames);
    changed.addAll(moved.destinations());

    Set<SidecarKey> live = new HashSet<>(mesh.sidecars().values());
    sidecars.keySet().retainAll(live);
    located.keySet().retainAll(live);
    Set<String> nowPrioritized = Entries.prioritizing(registry);
    boolean reordered = !nowPrioritized.equals(prioritized);
    prioritized = nowPrioritized;
    if (reordered) {
      located.clear();
    }
    Map<SidecarKey, SidecarResources> resources = new HashMap<>();
    Set<Target> needed = new HashSet<>();
    for (SidecarKey key : live) {
      Built built = sidecars.get(key);
      SidecarResources r;
      if (built != null && !intersects(built.resources().dependsOn(), changed)) {
        r = built.resources();
      } else {
        r = SidecarResources.of(registry, key, defaultPolicy, trustDomain.orElseThrow());
      }
      resources.put(key, r);
      needed.addAll(r.targets());
    }

    clusters.keySet().retainAll(needed);
    Set<String> rebuiltServices = new HashSet<>();
    for (Target target : needed) {
      if (!clusters.containsKey(target) || changed.contains(target.service())) {
        TargetCluster c =
            TargetCluster.of(
                registry, target, mesh.endpoints(registry, target.service()), RouteClient.ENVOY);
        clusters.put(
            target,
            VersionedCluster.of(
                new TargetCluster(secured(registry, target, c.cluster()), c.endpoints())));
        rebuiltServices.add(target.service());
      }
    }

    Map<String, ContentSnapshot> out = new HashMap<>();
    Set<SidecarKey> reassembled = new HashSet<>();
    for (Map.Entry<SidecarKey, SidecarResources> e : resources.entrySet()) {
      Built built = sidecars.get(e.getKey());
      if (built == null
          || built.resources() != e.getValue()
          || e.getValue().targets().stream().anyMatch(t -> rebuiltServices.contains(t.service()))) {
        ContentSnapshot snapshot =
            assemble(
                e.getValue(),
                Entries.upstreamConfig(registry, e.getKey().service()),
                e.getKey().service());
        if (built != null && built.snapshot().sameVersions(snapshot)) {
          // Rebuilt to the same content: keep the published object, push nothing.
          sidecars.put(e.getKey(), new Built(e.getValue(), built.snapshot()));
        } else {
          sidecars.put(e.getKey(), new Built(e.getValue(), snapshot));
          reassembled.add(e.getKey());
          located.remove(e.getKey());
        }
      }
    }
    if (newRoots) {
      for (Map.Entry<SidecarKey, Built> e : sidecars.entrySet()) {
        if (!reassembled.contains(e.getKey())) {
          resecure(e.getKey());
          reassembled.add(e.getKey());
        }
      }
    }
    Set<String> removed = new HashSet<>();
    for (String id : moved.proxyIds()) {
      if (mesh.sidecar(id).isEmpty()) {
        removed.add(id);
      }
    }
    mesh.sidecars()
        .forEach(
            (id, key) -> {
              if (reassembled.contains(key) || moved.proxyIds().contains(id) || reordered) {
                out.put(id, snapshotOf(id, key));
              }
            });
    return new Update(out, removed);
  }

  /**
   * New leaves of sidecar services: the sidecars of those services get them as their {@code leaf}
   * secret, and nothing else changes.
   */
  public Update leaves(Map<String, Leaf> issued) {
    Set<String> services = new HashSet<>();
    issued.forEach(
        (service, leaf) -> {
          VersionedResource<Secret> secret = ContentVersion.versioned(SecretTranslator.leaf(leaf));
          VersionedResource<Secret> before = leaves.put(service, secret);
          if (before == null || !before.version().equals(secret.version())) {
            services.add(service);
          }
        });
    Map<String, ContentSnapshot> out = new HashMap<>();
    Set<SidecarKey> resecured = new HashSet<>();
    for (SidecarKey key : sidecars.keySet()) {
      if (services.contains(key.service())) {
        resecure(key);
        resecured.add(key);
      }
    }
    mesh.sidecars()
        .forEach(
            (id, key) -> {
              if (resecured.contains(key)) {
                out.put(id, snapshotOf(id, key));
              }
            });
    return new Update(out, Set.of());
  }

  /** The services that registered sidecars front: those whose leaves the sidecars need. */
  public Set<String> services() {
    Set<String> out = new HashSet<>();
    mesh.sidecars().values().forEach(k -> out.add(k.service()));
    return out;
  }

  /** The key's snapshot with its service's current secrets; every other resource is kept. */
  private void resecure(SidecarKey key) {
    Built built = sidecars.get(key);
    sidecars.put(
        key, new Built(built.resources(), built.snapshot().withSecrets(secrets(key.service()))));
    located.remove(key);
  }

  private List<VersionedResource<Secret>> secrets(String service) {
    List<VersionedResource<Secret>> out = new ArrayList<>(2);
    roots.ifPresent(out::add);
    VersionedResource<Secret> leaf = leaves.get(service);
    if (leaf != null) {
      out.add(leaf);
    }
    return out;
  }

  /**
   * The one place that decides whether a sidecar reaches a target over mutual TLS: when the
   * target's endpoints are its sidecars, or when it has a Connect-native instance (which speaks
   * mTLS itself, as a proxyless gRPC server does). Other services, reached directly at their
   * instances, stay plaintext.
   */
  private Cluster secured(RegistrySnapshot registry, Target target, Cluster cluster) {
    String service = target.service();
    boolean mtls = mesh.fronted(service) || MeshIndex.connectNative(registry, service);
    if (!mtls) {
      return cluster;
    }
    SpiffeId id = new SpiffeId(trustDomain.orElseThrow(), datacenter, target.service());
    return cluster.toBuilder().setTransportSocket(MeshTlsTranslator.upstream(id)).build();
  }

  /** The registered sidecar ids and their current snapshots (none before the CA is set up). */
  public Map<String, ContentSnapshot> all() {
    Map<String, ContentSnapshot> out = new HashMap<>();
    mesh.sidecars()
        .forEach(
            (id, key) -> {
              if (sidecars.containsKey(key)) {
                out.put(id, snapshotOf(id, key));
              }
            });
    return out;
  }

  /** The key's snapshot, with prioritizing upstreams' endpoints ordered for where it runs. */
  private ContentSnapshot snapshotOf(String proxyId, SidecarKey key) {
    Built built = sidecars.get(key);
    Optional<Locality> locality = mesh.locality(proxyId);
    if (locality.isEmpty()
        || built.resources().targets().stream().noneMatch(t -> prioritized.contains(t.service()))) {
      return built.snapshot();
    }
    return located
        .computeIfAbsent(key, k -> new HashMap<>())
        .computeIfAbsent(locality.get(), l -> prioritize(built, l));
  }

  private ContentSnapshot prioritize(Built built, Locality locality) {
    Map<String, VersionedResource<ClusterLoadAssignment>> puts = new HashMap<>();
    for (Target t : built.resources().targets()) {
      if (prioritized.contains(t.service())) {
        ClusterLoadAssignment cla = clusters.get(t).endpoints().resource();
        puts.put(
            t.clusterName(),
            ContentVersion.versioned(EndpointTranslator.prioritized(cla, locality)));
      }
    }
    ContentSnapshot base = built.snapshot();
    return base.with(base.clusterMap(), base.endpointMap().with(puts, List.of()));
  }

  /**
   * The sidecar's resources, its upstream clusters under its service's UpstreamConfig, and its
   * service's secrets.
   */
  private ContentSnapshot assemble(
      SidecarResources r, UpstreamConfig upstreamConfig, String service) {
    List<VersionedResource<Cluster>> cds = new ArrayList<>();
    List<VersionedResource<ClusterLoadAssignment>> eds = new ArrayList<>();
    r.localApp().ifPresent(c -> cds.add(ContentVersion.versioned(c)));
    r.failoverClusters().forEach(c -> cds.add(ContentVersion.versioned(c)));
    for (Target t : r.targets()) {
      VersionedCluster c = clusters.get(t);
      cds.add(overlays.of(c.cluster(), upstreamConfig.settingsFor(t.service())));
      eds.add(c.endpoints());
    }
    List<VersionedResource<Listener>> lds =
        r.listeners().stream().map(ContentVersion::versioned).toList();
    List<VersionedResource<RouteConfiguration>> rds =
        r.routes().stream().map(ContentVersion::versioned).toList();
    return new ContentSnapshot(cds, eds, lds, rds, secrets(service));
  }

  private static boolean intersects(Set<String> a, Set<String> b) {
    Set<String> small = a.size() < b.size() ? a : b;
    Set<String> large = small == a ? b : a;
    for (String s : small) {
      if (large.contains(s)) {
        return true;
      }
    }
    return false;
  }
}
