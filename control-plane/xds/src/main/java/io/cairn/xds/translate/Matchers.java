package io.cairn.xds.translate;

import io.cairn.registry.config.HeaderMatch;
import io.cairn.registry.config.HttpRouteMatch;
import io.cairn.registry.config.MatchType;
import io.cairn.registry.config.PathMatch;
import io.cairn.registry.config.QueryParamMatch;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.regex.Pattern;

/** Service-router and intention matches as Envoy matchers. */
final class Matchers {
  private Matchers() {}

  static RouteMatch route(HttpRouteMatch match) {
    RouteMatch.Builder b = RouteMatch.newBuilder();
    match.path().ifPresentOrElse(path -> path(b, path), () -> b.setPrefix("/"));
    for (HeaderMatch h : match.headers()) {
      b.addHeaders(header(h.name(), h.type(), h.value(), h.invert()));
    }
    for (QueryParamMatch q : match.queryParams()) {
      QueryParameterMatcher.Builder qb = QueryParameterMatcher.newBuilder().setName(q.name());
      if (q.type() == MatchType.PRESENT) {
        qb.setPresentMatch(true);
      } else {
        qb.setStringMatch(string(q.type(), q.value()));
      }
      b.addQueryParameters(qb);
    }
    if (!match.methods().isEmpty()) {
      String methods = String.join("|", match.methods().stream().map(Pattern::quote).toList());
      b.addHeaders(header(":method", MatchType.REGEX, methods, false));
    }
    return b.build();
  }

  private static void path(RouteMatch.Builder b, PathMatch path) {
    switch (path.type()) {
      case EXACT -> b.setPath(path.value());
      case PREFIX -> b.setPrefix(path.value());
      case REGEX -> b.setSafeRegex(regex(path.value()));
      case SUFFIX -> b.setSafeRegex(regex(".*" + Pattern.quote(path.value())));
      case PRESENT -> b.setPrefix("/");
    }
  }

  static HeaderMatcher header(String name, MatchType type, String value, boolean invert) {
    HeaderMatcher.Builder b = HeaderMatcher.newBuilder().setName(name).setInvertMatch(invert);
    if (type == MatchType.PRESENT) {
      b.setPresentMatch(true);
    } else {
      b.setStringMatch(string(type, value));
    }
    return b.build();
  }

  static StringMatcher string(MatchType type, String value) {
    StringMatcher.Builder b = StringMatcher.newBuilder();
    switch (type) {
      case EXACT -> b.setExact(value);
      case PREFIX -> b.setPrefix(value);
      case SUFFIX -> b.setSuffix(value);
      case REGEX -> b.setSafeRegex(regex(value));
      case PRESENT -> throw new IllegalArgumentException("presence is not a string match");
    }
    return b.build();
  }

  /** A path match as a string matcher, for RBAC's {@code url_path}. */
  static StringMatcher path(PathMatch path) {
    return string(path.type(), path.value());
  }

  private static RegexMatcher regex(String regex) {
    return RegexMatcher.newBuilder().setRegex(regex).build();
  }
}
