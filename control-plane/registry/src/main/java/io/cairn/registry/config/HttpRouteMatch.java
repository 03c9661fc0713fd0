package io.cairn.registry.config;

import io.cairn.registry.validation.Problems;
import java.util.List;
import java.util.Optional;

/** What an HTTP request must look like to take a route; every given criterion must hold. */
public record HttpRouteMatch(
    Optional<PathMatch> path,
    List<HeaderMatch> headers,
    List<QueryParamMatch> queryParams,
    List<String> methods) {

  public static final HttpRouteMatch ANY =
      new HttpRouteMatch(Optional.empty(), List.of(), List.of(), List.of());

  public HttpRouteMatch {
    Problems p = new Problems();
    if (path == null) {
      p.add("path", "must not be null (use Optional.empty())");
    }
    if (headers == null || queryParams == null) {
      p.add("", "headers and queryParams must not be null (use empty lists)");
      p.throwIfAny();
    }
    headers = List.copyOf(headers);
    queryParams = List.copyOf(queryParams);
    methods = HttpMethods.check(p, "methods", methods);
    p.throwIfAny();
  }

  public static HttpRouteMatch pathPrefix(String prefix) {
    return new HttpRouteMatch(
        Optional.of(new PathMatch(MatchType.PREFIX, prefix)), List.of(), List.of(), List.of());
  }
}
