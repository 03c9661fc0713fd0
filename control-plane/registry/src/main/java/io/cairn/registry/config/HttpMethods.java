package io.cairn.registry.config;

import io.cairn.registry.validation.Problems;
import java.util.List;
import java.util.Set;

/** The HTTP methods a route or permission may name. */
final class HttpMethods {
  private static final Set<String> KNOWN =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  private HttpMethods() {}

  static List<String> check(Problems p, String field, List<String> methods) {
    if (methods == null) {
      p.add(field, "must not be null (use an empty list)");
      return List.of();
    }
    for (int i = 0; i < methods.size(); i++) {
      String m = methods.get(i);
      if (!KNOWN.contains(m)) {
        p.add(field + "[" + i + "]", "'" + m + "' is not one of " + KNOWN);
      }
    }
    return methods.stream().filter(KNOWN::contains).distinct().toList();
  }
}
