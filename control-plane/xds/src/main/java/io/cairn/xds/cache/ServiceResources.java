package io.cairn.xds.cache;

import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.config.ConfigEntryKind;
import io.cairn.registry.config.LoadBalancerPolicy;
import io.cairn.registry.config.ResolverSubset;
import io.cairn.registry.config.Route;
import io.cairn.registry.config.ServiceResolver;
import io.cairn.registry.config.ServiceRouter;
import io.cairn.registry.config.ServiceSplitter;
import io.cairn.registry.config.ServiceTarget;
import io.cairn.registry.model.InstanceHealth;
import io.cairn.xds.translate.ClusterNames;
import io.cairn.xds.translate.ClusterTranslator;
import io.cairn.xds.translate.EndpointTranslator;
import io.cairn.xds.translate.ListenerTranslator;
import io.cairn.xds.translate.RouteTranslator;
import io.cairn.xds.translate.SubsetSelector;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything a proxyless gRPC client needs to call one service: its Listener and RouteConfiguration
 * (both named after the service), and a Cluster with its ClusterLoadAssignment for the service and
 * for every subset or service its routes and splits lead to. Pure: a registry snapshot in, protos
 * out.
 */
public record ServiceResources(
    Listener listener,
    RouteConfiguration route,
    List<Cluster> clusters,
    List<ClusterLoadAssignment> endpoints) {

  public ServiceResources {
    clusters = List.copyOf(clusters);
    endpoints = List.copyOf(endpoints);
  }

  public static ServiceResources of(RegistrySnapshot snapshot, String service) {
    Optional<ServiceRouter> router =
        entry(snapshot, ConfigEntryKind.SERVICE_ROUTER, service, ServiceRouter.class);
    Optional<ServiceSplitter> splitter =
        entry(snapshot, ConfigEntryKind.SERVICE_SPLITTER, service, ServiceSplitter.class);
    RouteConfiguration route =
        RouteTranslator.translate(service, service, List.of(service), router, splitter);

    // Every target the routes can reach, by (service, subset), in a stable order.
    Set<List<String>> targets = new TreeSet<>(java.util.Comparator.comparing(Object::toString));
    targets.add(List.of(service, ""));
    router.ifPresent(
        r ->
            r.routes().stream()
                .map(Route::destination)
                .forEach(d -> add(targets, d.target(), service)));
    splitter.ifPresent(s -> s.splits().forEach(sp -> add(targets, sp.target(), service)));

    List<Cluster> clusters = new ArrayList<>();
    List<ClusterLoadAssignment> endpoints = new ArrayList<>();
    for (List<String> target : targets) {
      String targetService = target.get(0);
      String subset = target.get(1);
      Optional<ServiceResolver> resolver =
          entry(snapshot, ConfigEntryKind.SERVICE_RESOLVER, targetService, ServiceResolver.class);
      String name = ClusterNames.of(new ServiceTarget(targetService, subset), targetService);
      clusters.add(
          ClusterTranslator.translate(
              name,
              resolver
                  .flatMap(ServiceResolver::connectTimeout)
                  .orElse(ClusterTranslator.DEFAULT_CONNECT_TIMEOUT),
              resolver
                  .flatMap(ServiceResolver::loadBalancer)
                  .orElse(LoadBalancerPolicy.ROUND_ROBIN)));
      List<InstanceHealth> instances = snapshot.health(targetService);
      boolean onlyPassing = false;
      Optional<String> effectiveSubset =
          subset.isEmpty() ? resolver.flatMap(ServiceResolver::defaultSubset) : Optional.of(subset);
      if (effectiveSubset.isPresent() && resolver.isPresent()) {
        ResolverSubset def = resolver.get().subsets().get(effectiveSubset.get());
        if (def != null) {
          instances = SubsetSelector.select(def, instances);
          onlyPassing = def.onlyPassing();
        }
      }
      endpoints.add(EndpointTranslator.translate(name, instances, onlyPassing));
    }
    return new ServiceResources(
        ListenerTranslator.apiListener(service, service), route, clusters, endpoints);
  }

  private static void add(Set<List<String>> targets, ServiceTarget target, String owner) {
    targets.add(List.of(target.serviceOr(owner), target.serviceSubset()));
  }

  private static <T> Optional<T> entry(
      RegistrySnapshot snapshot, ConfigEntryKind kind, String name, Class<T> type) {
    return snapshot
        .configEntry(kind, name)
        .map(e -> e.value())
        .filter(type::isInstance)
        .map(type::cast);
  }
}
