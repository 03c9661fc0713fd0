package io.cairn.admin.config;

import io.cairn.admin.json.ConsulPaths;
import io.cairn.admin.json.GoDuration;
import io.cairn.admin.json.JsonFields;
import io.cairn.registry.config.HttpRouteMatch;
import io.cairn.registry.config.Route;
import io.cairn.registry.config.RouteDestination;
import io.cairn.registry.config.ServiceRouter;
import io.cairn.registry.config.ServiceTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code service-router}: L7 matches to destinations with retries and timeouts. */
final class ServiceRouterJson {
  private ServiceRouterJson() {}

  static Optional<ServiceRouter> decode(JsonFields f, String name) {
    List<Route> routes = new ArrayList<>();
    for (JsonFields r : f.objects("Routes")) {
      Optional<JsonFields> matchObject = r.object("Match");
      Optional<HttpRouteMatch> match =
          matchObject
              .flatMap(m -> m.object("HTTP").map(ServiceRouterJson::match))
              .orElse(Optional.of(HttpRouteMatch.ANY));
      matchObject.ifPresent(m -> m.rejectUnknown(Set.of()));
      Optional<RouteDestination> destination =
          r.object("Destination")
              .flatMap(ServiceRouterJson::destination)
              .or(() -> Optional.of(RouteDestination.to(new ServiceTarget("", ""))));
      r.rejectUnknown(Set.of());
      if (match.isPresent() && destination.isPresent()) {
        ConsulPaths.collect(r.problems(), r.path(), () -> new Route(match.get(), destination.get()))
            .ifPresent(routes::add);
      }
    }
    Map<String, String> meta = f.stringMap("Meta");
    return ConsulPaths.collect(f.problems(), "", () -> new ServiceRouter(name, routes, meta));
  }

  private static Optional<HttpRouteMatch> match(JsonFields h) {
    var path = MatchJson.path(h);
    var headers = MatchJson.headers(h, "Header");
    var query = MatchJson.queryParams(h, "QueryParam");
    List<String> methods = h.strings("Methods");
    h.rejectUnknown(Set.of());
    return ConsulPaths.collect(
        h.problems(), h.path(), () -> new HttpRouteMatch(path, headers, query, methods));
  }

  private static Optional<RouteDestination> destination(JsonFields d) {
    String service = d.string("Service", "");
    String subset = d.string("ServiceSubset", "");
    String rewrite = d.string("PrefixRewrite", "");
    var timeout = d.duration("RequestTimeout").filter(t -> !t.isZero());
    int retries = d.integer("NumRetries", 0);
    boolean connectFailure = d.bool("RetryOnConnectFailure", false);
    List<Integer> codes = d.integers("RetryOnStatusCodes");
    List<String> retryOn = d.strings("RetryOn");
    d.defaultTenancy();
    d.rejectUnknown(Set.of());
    return ConsulPaths.collect(
        d.problems(),
        d.path(),
        () ->
            new RouteDestination(
                new ServiceTarget(service, subset),
                rewrite,
                timeout,
                retries,
                connectFailure,
                codes,
                retryOn));
  }

  static Map<String, Object> encode(ServiceRouter e) {
    List<Map<String, Object>> routes = new ArrayList<>();
    for (Route r : e.routes()) {
      Map<String, Object> http = new LinkedHashMap<>();
      MatchJson.putPath(http, r.match().path());
      if (!r.match().headers().isEmpty()) {
        http.put("Header", MatchJson.encodeHeaders(r.match().headers()));
      }
      if (!r.match().queryParams().isEmpty()) {
        http.put("QueryParam", MatchJson.encodeQueryParams(r.match().queryParams()));
      }
      if (!r.match().methods().isEmpty()) {
        http.put("Methods", r.match().methods());
      }
      RouteDestination d = r.destination();
      Map<String, Object> destination = new LinkedHashMap<>(ServiceResolverJson.target(d.target()));
      if (!d.prefixRewrite().isEmpty()) {
        destination.put("PrefixRewrite", d.prefixRewrite());
      }
      d.requestTimeout().ifPresent(t -> destination.put("RequestTimeout", GoDuration.format(t)));
      if (d.numRetries() > 0) {
        destination.put("NumRetries", d.numRetries());
      }
      if (d.retryOnConnectFailure()) {
        destination.put("RetryOnConnectFailure", true);
      }
      if (!d.retryOnStatusCodes().isEmpty()) {
        destination.put("RetryOnStatusCodes", d.retryOnStatusCodes());
      }
      if (!d.retryOn().isEmpty()) {
        destination.put("RetryOn", d.retryOn());
      }
      Map<String, Object> route = new LinkedHashMap<>();
      route.put("Match", Map.of("HTTP", http));
      route.put("Destination", destination);
      routes.add(route);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("Routes", routes);
    return out;
  }
}
