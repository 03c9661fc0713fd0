package io.cairn.registry.config;

import io.cairn.registry.validation.Problem;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a router's matches a gRPC request never satisfies. gRPC calls are always POST and
 * carry no query string; and proxyless gRPC clients (gRFC A28) see neither the method nor a query:
 * they never match a route on {@code Methods} and ignore routes with query-parameter matches.
 */
public final class GrpcRouteMatches {
  private GrpcRouteMatches() {}

  /**
   * For a service whose protocol is grpc: each match that no gRPC request can take, through Envoy
   * or proxyless, under {@code at}.
   */
  public static List<Problem> neverMatching(String at, ServiceRouter router) {
    List<Problem> out = new ArrayList<>();
    for (int i = 0; i < router.routes().size(); i++) {
      HttpRouteMatch m = router.routes().get(i).match();
      String field = at + ".routes[" + i + "].match.http.";
      List<String> notPost = m.methods().stream().filter(x -> !x.equals("POST")).toList();
      if (!notPost.isEmpty()) {
        out.add(
            new Problem(
                field + "methods",
                "Methods "
                    + notPost
                    + " never match: '"
                    + router.name()
                    + "' is grpc and gRPC requests are always POST"));
      }
      if (!m.queryParams().isEmpty()) {
        out.add(
            new Problem(
                field + "queryParam",
                "QueryParam matches never match: '"
                    + router.name()
                    + "' is grpc and gRPC requests have no query string"));
      }
    }
    return out;
  }

  /**
   * Whether proxyless gRPC clients would skip some of the router's routes: any {@code Methods} or
   * {@code QueryParam} match.
   */
  public static boolean hiddenFromProxyless(ServiceRouter router) {
    return router.routes().stream()
        .map(Route::match)
        .anyMatch(m -> !m.methods().isEmpty() || !m.queryParams().isEmpty());
  }
}
