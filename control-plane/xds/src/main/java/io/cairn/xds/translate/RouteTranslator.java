package io.cairn.xds.translate;

import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import io.cairn.registry.chain.ChainDestination;
import io.cairn.registry.chain.ChainRoute;
import io.cairn.registry.chain.CompiledChain;
import io.cairn.registry.chain.ResolvedTarget;
import io.cairn.registry.chain.WeightedSplits;
import io.cairn.registry.config.RouteDestination;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import java.util.List;
import java.util.Optional;

/**
 * RDS: the routes of one service's compiled discovery chain. The service-router's routes come
 * first, in order, each with its timeout and retries; the last route catches everything else. Each
 * goes where the chain sends it: a resolver node's cluster (the aggregate one when it has
 * failover), or weighted clusters for flattened splits.
 */
public final class RouteTranslator {
  private RouteTranslator() {}

  /**
   * @param routeName the RouteConfiguration's name
   * @param domains virtual-host domains (what clients put in {@code :authority})
   * @param client who reads the routes: retries and timeouts are expressed for it
   */
  public static RouteConfiguration translate(
      String routeName, CompiledChain chain, List<String> domains, RouteClient client) {
    VirtualHost.Builder host =
        VirtualHost.newBuilder().setName(chain.service()).addAllDomains(domains);
    for (ChainRoute route : chain.routes()) {
      host.addRoutes(
          Route.newBuilder()
              .setMatch(Matchers.route(route.route().match()))
              .setRoute(
                  action(route.destination(), Optional.of(route.route().destination()), client)));
    }
    host.addRoutes(
        Route.newBuilder()
            .setMatch(RouteMatch.newBuilder().setPrefix("/"))
            .setRoute(action(chain.fallback(), Optional.empty(), client)));
    return RouteConfiguration.newBuilder().setName(routeName).addVirtualHosts(host).build();
  }

  /**
   * Every route action is built here: where it sends and what its balancer hashes, then the router
   * destination's rewrite, timeout and retries when the route came from a router.
   */
  private static RouteAction.Builder action(
      ChainDestination to, Optional<RouteDestination> settings, RouteClient client) {
    RouteAction.Builder b = RouteAction.newBuilder();
    switch (to) {
      case ResolvedTarget node -> b.setCluster(ClusterNames.of(node));
      case WeightedSplits splits -> b.setWeightedClusters(weighted(splits));
    }
    b.addAllHashPolicy(HashPolicies.of(to, client));
    settings.ifPresent(d -> destination(b, d, client));
    return b;
  }

  private static void destination(RouteAction.Builder b, RouteDestination d, RouteClient client) {
    if (!d.prefixRewrite().isEmpty()) {
      b.setPrefixRewrite(d.prefixRewrite());
    }
    d.requestTimeout()
        .map(t -> Durations.fromNanos(t.toNanos()))
        .ifPresent(
            t -> {
              b.setTimeout(t);
              if (client == RouteClient.GRPC) {
                // gRPC ignores route.timeout and reads max_stream_duration (gRFC A31).
                b.setMaxStreamDuration(
                    RouteAction.MaxStreamDuration.newBuilder().setMaxStreamDuration(t));
              }
            });
    RetryPolicies.of(d, client).ifPresent(b::setRetryPolicy);
  }

  /**
   * Splits with weight 0 are left out: Envoy and gRPC reject clusters weighted 0. {@code
   * total_weight} is always set to the sum of the weights (10000, hundredths of a percent), as
   * Consul does: older clients (gRPC C-core 1.51, Envoy before it was deprecated) otherwise assume
   * 100 and reject the route.
   */
  private static WeightedCluster.Builder weighted(WeightedSplits splits) {
    WeightedCluster.Builder clusters = WeightedCluster.newBuilder();
    int total = 0;
    for (WeightedSplits.Share share : splits.shares()) {
      if (share.basisPoints() > 0) {
        total += share.basisPoints();
        clusters.addClusters(
            WeightedCluster.ClusterWeight.newBuilder()
                .setName(ClusterNames.of(share.to()))
                .setWeight(UInt32Value.of(share.basisPoints())));
      }
    }
    return clusters.setTotalWeight(UInt32Value.of(total));
  }
}
