package io.cairn.xds.cache;

import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.model.ConnectProxy;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.model.InstanceHealth;
import io.cairn.registry.model.Locality;
import io.cairn.registry.model.Maintenance;
import io.cairn.registry.model.ServiceInstance;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which connect proxies front which services, kept up to date from changed service names so a
 * change costs the changed services' instances, not a scan. Not thread-safe: the snapshot builder's
 * thread owns it.
 */
final class MeshIndex {
  /** Destination service to the proxy services that front it. */
  private final Map<String, Set<String>> proxyServices = new HashMap<>();

  /** Proxy service to the destinations its instances front. */
  private final Map<String, Set<String>> destinations = new HashMap<>();

  /** Proxy instance id to its sidecar key. */
  private final Map<String, SidecarKey> sidecars = new HashMap<>();

  /** Proxy instance id to where it runs, for those registered with a locality. */
  private final Map<String, Locality> localities = new HashMap<>();

  /** Proxy service to its instance ids. */
  private final Map<String, Set<String>> idsOf = new HashMap<>();

  /**
   * As {@link #update(RegistrySnapshot, Collection)}, reading again only the changed services that
   * had a proxy or have one among {@code changedInstances} now: any other changed service had no
   * proxy and gained none, so reading it would change nothing.
   */
  Changes update(
      RegistrySnapshot snapshot,
      Collection<String> changedServices,
      Collection<String> changedInstances) {
    Set<String> gaining = new HashSet<>();
    for (String id : changedInstances) {
      snapshot
          .instance(id)
          .map(Indexed::value)
          .filter(i -> i.proxy().isPresent())
          .ifPresent(i -> gaining.add(i.name()));
    }
    List<String> reread = new ArrayList<>();
    for (String service : changedServices) {
      if (idsOf.containsKey(service) || gaining.contains(service)) {
        reread.add(service);
      }
    }
    return update(snapshot, reread);
  }

  /**
   * Re-reads the changed services; returns the destinations whose proxies changed (before or after)
   * and the proxy ids whose key or locality changed or that are gone.
   */
  Changes update(RegistrySnapshot snapshot, Collection<String> changedServices) {
    Set<String> touched = new HashSet<>();
    Set<String> ids = new HashSet<>();
    for (String service : changedServices) {
      for (String d : destinations.getOrDefault(service, Set.of())) {
        touched.add(d);
        Set<String> ps = proxyServices.get(d);
        ps.remove(service);
        if (ps.isEmpty()) {
          proxyServices.remove(d);
        }
      }
      destinations.remove(service);
      Map<String, SidecarKey> before = new HashMap<>();
      Map<String, Locality> wasIn = new HashMap<>();
      for (String id : idsOf.getOrDefault(service, Set.of())) {
        before.put(id, sidecars.remove(id));
        Locality l = localities.remove(id);
        if (l != null) {
          wasIn.put(id, l);
        }
      }
      idsOf.remove(service);
      for (Indexed<ServiceInstance> i : snapshot.instancesOf(service)) {
        Optional<SidecarKey> key = SidecarKey.of(i.value());
        if (key.isEmpty()) {
          continue;
        }
        String d = key.get().service();
        touched.add(d);
        destinations.computeIfAbsent(service, k -> new HashSet<>()).add(d);
        proxyServices.computeIfAbsent(d, k -> new HashSet<>()).add(service);
        idsOf.computeIfAbsent(service, k -> new HashSet<>()).add(i.value().id());
        sidecars.put(i.value().id(), key.get());
        i.value().locality().ifPresent(l -> localities.put(i.value().id(), l));
        boolean moved =
            !i.value().locality().equals(Optional.ofNullable(wasIn.get(i.value().id())));
        if (!key.get().equals(before.remove(i.value().id())) || moved) {
          ids.add(i.value().id());
        }
      }
      ids.addAll(before.keySet());
    }
    return new Changes(touched, ids);
  }

  record Changes(Set<String> destinations, Set<String> proxyIds) {}

  Optional<SidecarKey> sidecar(String proxyId) {
    return Optional.ofNullable(sidecars.get(proxyId));
  }

  Map<String, SidecarKey> sidecars() {
    return sidecars;
  }

  /** Where a proxy runs: its registration's locality. */
  Optional<Locality> locality(String proxyId) {
    return Optional.ofNullable(localities.get(proxyId));
  }

  /** Whether {@code service} has a Connect-native instance: one that speaks mTLS itself. */
  static boolean connectNative(RegistrySnapshot snapshot, String service) {
    return snapshot.instancesOf(service).stream().anyMatch(i -> i.value().connectNative());
  }

  /** Whether {@code service} has sidecars, so that sidecars reach it through them. */
  boolean fronted(String service) {
    return proxyServices.containsKey(service);
  }

  /**
   * How sidecars reach {@code service}: through its own sidecars when it has any (so its intentions
   * apply), each carrying its application's meta, tags and weights and the worse of both statuses;
   * directly when the service has no sidecar at all.
   */
  List<InstanceHealth> endpoints(RegistrySnapshot snapshot, String service) {
    List<InstanceHealth> out = new ArrayList<>();
    for (String ps : proxyServices.getOrDefault(service, Set.of())) {
      for (InstanceHealth proxy : snapshot.health(ps)) {
        Optional<ConnectProxy> p = proxy.value().proxy();
        if (p.isPresent() && p.get().destinationServiceName().equals(service)) {
          out.add(through(proxy, p.get().destinationServiceId().flatMap(snapshot::instanceHealth)));
        }
      }
    }
    return out.isEmpty() ? snapshot.health(service) : out;
  }

  private static InstanceHealth through(InstanceHealth proxy, Optional<InstanceHealth> app) {
    if (app.isEmpty()) {
      return proxy;
    }
    Indexed<ServiceInstance> a = app.get().instance();
    ServiceInstance endpoint =
        a.value().toBuilder().address(proxy.value().address()).port(proxy.value().port()).build();
    List<Indexed<io.cairn.registry.model.HealthCheck>> checks = new ArrayList<>(app.get().checks());
    checks.addAll(proxy.checks());
    Optional<Indexed<Maintenance>> maintenance = app.get().maintenance().or(proxy::maintenance);
    return new InstanceHealth(
        new Indexed<>(endpoint, a.createIndex(), a.modifyIndex()), checks, maintenance);
  }
}
