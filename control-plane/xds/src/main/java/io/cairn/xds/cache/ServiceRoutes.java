package io.cairn.xds.cache;

import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.chain.CompiledChain;
import io.cairn.registry.chain.ResolvedTarget;
import io.cairn.xds.translate.ListenerTranslator;
import io.cairn.xds.translate.RouteClient;
import io.cairn.xds.translate.RouteTranslator;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.List;
import java.util.Set;

/**
 * How a proxyless client reaches one service: its Listener and RouteConfiguration (both named after
 * the service) from the service's compiled discovery chain, the targets the chain leads to, and its
 * resolver nodes with failover (their aggregate clusters depend on their targets' endpoints). Pure:
 * a registry snapshot in, protos out.
 *
 * @param reads the services whose config entries the chain was compiled from
 */
public record ServiceRoutes(
    Listener listener,
    RouteConfiguration route,
    Set<Target> targets,
    Set<ResolvedTarget> failover,
    Set<String> reads) {
  public ServiceRoutes {
    targets = Set.copyOf(targets);
    failover = Set.copyOf(failover);
    reads = Set.copyOf(reads);
  }

  public static ServiceRoutes of(RegistrySnapshot snapshot, String service) {
    CompiledChain chain = Chains.of(snapshot, service);
    return new ServiceRoutes(
        ListenerTranslator.apiListener(service, service),
        RouteTranslator.translate(service, chain, List.of(service), RouteClient.GRPC),
        Chains.targets(chain),
        Chains.failover(chain),
        chain.reads());
  }
}
