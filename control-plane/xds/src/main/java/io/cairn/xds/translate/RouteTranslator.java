package io.cairn.xds.translate;

import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import io.cairn.registry.config.Route;
import io.cairn.registry.config.RouteDestination;
import io.cairn.registry.config.ServiceRouter;
import io.cairn.registry.config.ServiceSplitter;
import io.cairn.registry.config.ServiceTarget;
import io.cairn.registry.config.Split;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import java.util.List;
import java.util.Optional;

/**
 * RDS: the routes to one service. The service-router's routes come first, in order, each to its
 * destination's cluster with its timeout and retries; the last route catches everything else and
 * goes to the service-splitter's weighted clusters, or to the service's own cluster without one.
 */
public final class RouteTranslator {
  private RouteTranslator() {}

  /**
   * @param routeName the RouteConfiguration's name
   * @param service the service the routes lead to
   * @param domains virtual-host domains (what clients put in {@code :authority})
   * @param client who reads the routes: retries and timeouts are expressed for it
   */
  public static RouteConfiguration translate(
      String routeName,
      String service,
      List<String> domains,
      Optional<ServiceRouter> router,
      Optional<ServiceSplitter> splitter,
      RouteClient client) {
    VirtualHost.Builder host = VirtualHost.newBuilder().setName(service).addAllDomains(domains);
    router.ifPresent(
        r -> {
          for (Route route : r.routes()) {
            host.addRoutes(
                io.envoyproxy.envoy.config.route.v3.Route.newBuilder()
                    .setMatch(Matchers.route(route.match()))
                    .setRoute(action(route.destination(), service, client)));
          }
        });
    RouteAction.Builder fallback =
        splitter
            .map(s -> split(s, service))
            .orElseGet(() -> RouteAction.newBuilder().setCluster(ClusterNames.of(service)));
    host.addRoutes(
        io.envoyproxy.envoy.config.route.v3.Route.newBuilder()
            .setMatch(RouteMatch.newBuilder().setPrefix("/"))
            .setRoute(fallback));
    return RouteConfiguration.newBuilder().setName(routeName).addVirtualHosts(host).build();
  }

  private static RouteAction.Builder action(RouteDestination d, String owner, RouteClient client) {
    RouteAction.Builder b = RouteAction.newBuilder().setCluster(ClusterNames.of(d.target(), owner));
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
    return b;
  }

  /**
   * Splits with weight 0 are left out: Envoy and gRPC reject clusters weighted 0. {@code
   * total_weight} is always set to the sum of the weights (10000, hundredths of a percent, as the
   * splitter's weights must add up to 100), as Consul does: older clients (gRPC C-core 1.51, Envoy
   * before it was deprecated) otherwise assume 100 and reject the route.
   */
  private static RouteAction.Builder split(ServiceSplitter splitter, String owner) {
    WeightedCluster.Builder clusters = WeightedCluster.newBuilder();
    int total = 0;
    for (Split split : splitter.splits()) {
      if (split.basisPoints() > 0) {
        total += split.basisPoints();
        ServiceTarget target = split.target();
        clusters.addClusters(
            WeightedCluster.ClusterWeight.newBuilder()
                .setName(ClusterNames.of(target, owner))
                .setWeight(UInt32Value.of(split.basisPoints())));
      }
    }
    return RouteAction.newBuilder()
        .setWeightedClusters(clusters.setTotalWeight(UInt32Value.of(total)));
  }
}
