package io.cairn.xds.cache;

import io.cairn.registry.RegistrySnapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The xDS snapshot proxyless gRPC clients share: the {@link ServiceResources} of every service,
 * each resource versioned by its content. Clients ask for services by name, so holding all of them
 * costs nothing per client.
 */
public final class ProxylessSnapshots {
  private ProxylessSnapshots() {}

  public static ContentSnapshot build(RegistrySnapshot registry) {
    Map<String, Cluster> clusters = new TreeMap<>();
    Map<String, ClusterLoadAssignment> endpoints = new TreeMap<>();
    Map<String, Listener> listeners = new TreeMap<>();
    Map<String, RouteConfiguration> routes = new TreeMap<>();
    for (String service : registry.serviceNames()) {
      ServiceResources r = ServiceResources.of(registry, service);
      listeners.put(r.listener().getName(), r.listener());
      routes.put(r.route().getName(), r.route());
      r.clusters().forEach(c -> clusters.put(c.getName(), c));
      r.endpoints().forEach(e -> endpoints.put(e.getClusterName(), e));
    }
    return new ContentSnapshot(
        clusters.values(), endpoints.values(), listeners.values(), routes.values());
  }
}
