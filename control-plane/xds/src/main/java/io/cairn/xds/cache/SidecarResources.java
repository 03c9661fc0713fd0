package io.cairn.xds.cache;

import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.chain.ChainTarget;
import io.cairn.registry.chain.CompiledChain;
import io.cairn.registry.chain.ResolvedTarget;
import io.cairn.registry.config.ConfigEntry;
import io.cairn.registry.config.ConfigEntryKind;
import io.cairn.registry.config.Intention;
import io.cairn.registry.config.IntentionAction;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.ServiceIntentions;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.model.Upstream;
import io.cairn.xds.translate.ClusterNames;
import io.cairn.xds.translate.ClusterTranslator;
import io.cairn.xds.translate.FailoverClusterTranslator;
import io.cairn.xds.translate.RbacTranslator;
import io.cairn.xds.translate.RouteClient;
import io.cairn.xds.translate.RouteTranslator;
import io.cairn.xds.translate.SidecarListenerTranslator;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A sidecar's own resources: its inbound listener with RBAC, an outbound listener (and route) per
 * upstream (from the upstream's compiled discovery chain), its {@code local_app} cluster and the
 * aggregate clusters of the chains' failover; plus the targets whose clusters it needs and the
 * service names whose change means rebuilding it. Pure: a registry snapshot in, protos out.
 *
 * <p>The RBAC knows sources by their SPIFFE IDs, not by their instances, so a sidecar does not
 * depend on the services its intentions name: their instances come and go without a rebuild.
 *
 * @param dependsOn services and config entry names this was built from (targets aside)
 */
record SidecarResources(
    List<Listener> listeners,
    List<RouteConfiguration> routes,
    Optional<Cluster> localApp,
    Set<Target> targets,
    List<Cluster> failoverClusters,
    Set<String> dependsOn) {

  /** The public listener binds every interface, so sidecars on different hosts share it. */
  static final String INBOUND_BIND = "0.0.0.0";

  SidecarResources {
    listeners = List.copyOf(listeners);
    routes = List.copyOf(routes);
    targets = Set.copyOf(targets);
    failoverClusters = List.copyOf(failoverClusters);
    dependsOn = Set.copyOf(dependsOn);
  }

  /**
   * @param trustDomain the mesh CA's, which the RBAC's principals name
   */
  static SidecarResources of(
      RegistrySnapshot snapshot,
      SidecarKey key,
      IntentionAction defaultPolicy,
      String trustDomain) {
    Set<String> dependsOn = new HashSet<>();
    dependsOn.add(key.service());
    dependsOn.add(ServiceIntentions.WILDCARD);
    Protocol protocol = Entries.protocol(snapshot, key.service());
    List<Intention> intentions = intentions(snapshot, key.service());
    RBAC rules =
        RbacTranslator.rules(intentions, defaultPolicy, protocol.isHttpFamily(), trustDomain);
    List<Listener> listeners = new ArrayList<>();
    if (key.hasLocalApp()) {
      listeners.add(SidecarListenerTranslator.inbound(INBOUND_BIND, key.port(), protocol, rules));
    }
    Map<String, RouteConfiguration> routes = new LinkedHashMap<>();
    Set<Target> targets = new TreeSet<>();
    Map<String, Cluster> failover = new TreeMap<>();
    for (Upstream u : key.upstreams()) {
      String service = u.destinationName();
      CompiledChain chain = Chains.of(snapshot, service);
      dependsOn.add(service);
      dependsOn.addAll(chain.reads());
      Protocol upstream = Entries.protocol(snapshot, service);
      if (upstream.isHttpFamily()) {
        listeners.add(SidecarListenerTranslator.outbound(u, upstream, service, service));
        routes.computeIfAbsent(
            service, s -> RouteTranslator.translate(s, chain, List.of("*"), RouteClient.ENVOY));
        targets.addAll(Chains.targets(chain));
        Chains.failoverClusters(chain, RouteClient.ENVOY)
            .forEach(c -> failover.put(c.getName(), c));
      } else {
        // A tcp chain is one resolver node: splitters and routers need an HTTP protocol.
        ResolvedTarget node =
            chain.fallback() instanceof ResolvedTarget r
                ? r
                : new ResolvedTarget(new ChainTarget(service, ""), List.of());
        listeners.add(
            SidecarListenerTranslator.outbound(u, upstream, service, ClusterNames.of(node)));
        targets.add(Target.of(node.target()));
        node.failover().forEach(t -> targets.add(Target.of(t)));
        if (node.hasFailover()) {
          Cluster c = FailoverClusterTranslator.aggregate(node, RouteClient.ENVOY);
          failover.put(c.getName(), c);
        }
      }
    }
    return new SidecarResources(
        listeners,
        List.copyOf(routes.values()),
        key.hasLocalApp()
            ? Optional.of(ClusterTranslator.localApp(key.localAddress(), key.localPort(), protocol))
            : Optional.empty(),
        targets,
        List.copyOf(failover.values()),
        dependsOn);
  }

  /** The intentions whose destination is {@code service} or the wildcard, in evaluation order. */
  private static List<Intention> intentions(RegistrySnapshot snapshot, String service) {
    List<Indexed<ConfigEntry>> entries = new ArrayList<>(2);
    snapshot.configEntry(ConfigEntryKind.SERVICE_INTENTIONS, service).ifPresent(entries::add);
    snapshot
        .configEntry(ConfigEntryKind.SERVICE_INTENTIONS, ServiceIntentions.WILDCARD)
        .ifPresent(entries::add);
    return Intention.all(entries);
  }
}
