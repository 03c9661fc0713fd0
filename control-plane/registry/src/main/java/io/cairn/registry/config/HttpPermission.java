package io.cairn.registry.config;

import io.cairn.registry.validation.Problems;
import java.util.List;
import java.util.Optional;

/** The HTTP requests an L7 permission applies to; at least one criterion is required. */
public record HttpPermission(
    Optional<PathMatch> path, List<HeaderMatch> headers, List<String> methods) {
  public HttpPermission {
    Problems p = new Problems();
    if (path == null || headers == null) {
      p.add("", "path and headers must not be null (use empty values)");
      p.throwIfAny();
    }
    headers = List.copyOf(headers);
    methods = HttpMethods.check(p, "methods", methods);
    p.check(
        path.isPresent() || !headers.isEmpty() || !methods.isEmpty(),
        "",
        "needs a path, a header or a method to match");
    p.throwIfAny();
  }
}
