package io.cairn.xds.translate;

import com.google.protobuf.util.Durations;
import io.cairn.registry.chain.ChainDestination;
import io.cairn.registry.chain.ResolvedTarget;
import io.cairn.registry.chain.WeightedSplits;
import io.cairn.registry.config.HashPolicy;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A resolver's {@code HashPolicies} as a route action's {@code hash_policy}, as Consul sends them
 * to Envoy. A split takes the first split target's policies that has some (one route action holds
 * one list), as Consul does. gRPC (gRFC A42) hashes headers and the channel id only: {@code
 * SourceIP} becomes the channel id, which keeps each client channel on one endpoint as source-IP
 * hashing keeps each client; cookies and query parameters do not exist in gRPC and are left out.
 */
final class HashPolicies {
  /** gRPC's filter-state key for a hash of the client channel (gRFC A42). */
  static final String GRPC_CHANNEL_ID = "io.grpc.channel_id";

  private HashPolicies() {}

  static List<RouteAction.HashPolicy> of(ChainDestination to, RouteClient client) {
    List<HashPolicy> policies =
        switch (to) {
          case ResolvedTarget node -> node.hashPolicies();
          case WeightedSplits splits ->
              splits.shares().stream()
                  .map(s -> s.to().hashPolicies())
                  .filter(p -> !p.isEmpty())
                  .findFirst()
                  .orElse(List.of());
        };
    List<RouteAction.HashPolicy> out = new ArrayList<>();
    for (HashPolicy p : policies) {
      of(p, client).ifPresent(out::add);
    }
    return out;
  }

  private static Optional<RouteAction.HashPolicy> of(HashPolicy p, RouteClient client) {
    RouteAction.HashPolicy.Builder b =
        RouteAction.HashPolicy.newBuilder().setTerminal(p.terminal());
    if (p.sourceIp()) {
      if (client == RouteClient.GRPC) {
        b.setFilterState(RouteAction.HashPolicy.FilterState.newBuilder().setKey(GRPC_CHANNEL_ID));
      } else {
        b.setConnectionProperties(
            RouteAction.HashPolicy.ConnectionProperties.newBuilder().setSourceIp(true));
      }
      return Optional.of(b.build());
    }
    HashPolicy.Field field = p.field().orElseThrow();
    switch (field) {
      case HEADER ->
          b.setHeader(RouteAction.HashPolicy.Header.newBuilder().setHeaderName(p.fieldValue()));
      case COOKIE -> {
        if (client == RouteClient.GRPC) {
          return Optional.empty();
        }
        b.setCookie(cookie(p));
      }
      case QUERY_PARAMETER -> {
        if (client == RouteClient.GRPC) {
          return Optional.empty();
        }
        b.setQueryParameter(
            RouteAction.HashPolicy.QueryParameter.newBuilder().setName(p.fieldValue()));
      }
    }
    return Optional.of(b.build());
  }

  /** A session cookie is Envoy's zero TTL; no TTL at all means Envoy never generates the cookie. */
  private static RouteAction.HashPolicy.Cookie cookie(HashPolicy p) {
    RouteAction.HashPolicy.Cookie.Builder c =
        RouteAction.HashPolicy.Cookie.newBuilder().setName(p.fieldValue());
    p.cookieConfig()
        .ifPresent(
            cfg -> {
              c.setPath(cfg.path());
              if (cfg.session()) {
                c.setTtl(Durations.fromNanos(0));
              }
              cfg.ttl().map(Duration::toNanos).map(Durations::fromNanos).ifPresent(c::setTtl);
            });
    return c.build();
  }
}
