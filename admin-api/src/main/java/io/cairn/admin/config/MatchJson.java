package io.cairn.admin.config;

import io.cairn.admin.json.ConsulPaths;
import io.cairn.admin.json.JsonFields;
import io.cairn.registry.config.HeaderMatch;
import io.cairn.registry.config.MatchType;
import io.cairn.registry.config.PathMatch;
import io.cairn.registry.config.QueryParamMatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Path, header and query-parameter matches as Consul writes them ({@code PathPrefix}, {@code
 * Header: [{Name, Exact|Prefix|Suffix|Regex|Present, Invert}]}), shared by routers and intentions.
 */
final class MatchJson {
  static final Set<String> PATH_FIELDS = Set.of("PathExact", "PathPrefix", "PathRegex");

  private MatchJson() {}

  static Optional<PathMatch> path(JsonFields f) {
    List<PathMatch> found = new ArrayList<>();
    pathOf(f, "PathExact", MatchType.EXACT).ifPresent(found::add);
    pathOf(f, "PathPrefix", MatchType.PREFIX).ifPresent(found::add);
    pathOf(f, "PathRegex", MatchType.REGEX).ifPresent(found::add);
    if (found.size() > 1) {
      f.problems().add(f.path(), "give at most one of PathExact, PathPrefix and PathRegex");
      return Optional.empty();
    }
    return found.stream().findFirst();
  }

  private static Optional<PathMatch> pathOf(JsonFields f, String field, MatchType type) {
    return f.string(field)
        .filter(v -> !v.isEmpty())
        .flatMap(
            v -> ConsulPaths.collect(f.problems(), f.pathOf(field), () -> new PathMatch(type, v)));
  }

  static List<HeaderMatch> headers(JsonFields f, String field) {
    List<HeaderMatch> out = new ArrayList<>();
    for (JsonFields h : f.objects(field)) {
      String name = h.string("Name", "");
      boolean invert = h.bool("Invert", false);
      List<Map.Entry<MatchType, String>> criteria = criteria(h, true);
      if (criteria.size() != 1) {
        h.problems().add(h.path(), "needs exactly one of Present, Exact, Prefix, Suffix and Regex");
        continue;
      }
      var c = criteria.getFirst();
      ConsulPaths.collect(
              h.problems(), h.path(), () -> new HeaderMatch(name, c.getKey(), c.getValue(), invert))
          .ifPresent(out::add);
    }
    return out;
  }

  static List<QueryParamMatch> queryParams(JsonFields f, String field) {
    List<QueryParamMatch> out = new ArrayList<>();
    for (JsonFields q : f.objects(field)) {
      String name = q.string("Name", "");
      List<Map.Entry<MatchType, String>> criteria = criteria(q, false);
      if (criteria.size() != 1) {
        q.problems().add(q.path(), "needs exactly one of Present, Exact and Regex");
        continue;
      }
      var c = criteria.getFirst();
      ConsulPaths.collect(
              q.problems(), q.path(), () -> new QueryParamMatch(name, c.getKey(), c.getValue()))
          .ifPresent(out::add);
    }
    return out;
  }

  private static List<Map.Entry<MatchType, String>> criteria(JsonFields f, boolean affixes) {
    List<Map.Entry<MatchType, String>> found = new ArrayList<>();
    if (f.bool("Present", false)) {
      found.add(Map.entry(MatchType.PRESENT, ""));
    }
    f.string("Exact")
        .filter(v -> !v.isEmpty())
        .ifPresent(v -> found.add(Map.entry(MatchType.EXACT, v)));
    if (affixes) {
      f.string("Prefix")
          .filter(v -> !v.isEmpty())
          .ifPresent(v -> found.add(Map.entry(MatchType.PREFIX, v)));
      f.string("Suffix")
          .filter(v -> !v.isEmpty())
          .ifPresent(v -> found.add(Map.entry(MatchType.SUFFIX, v)));
    }
    f.string("Regex")
        .filter(v -> !v.isEmpty())
        .ifPresent(v -> found.add(Map.entry(MatchType.REGEX, v)));
    return found;
  }

  /** Adds {@code PathExact|PathPrefix|PathRegex} for {@code path} to {@code out}. */
  static void putPath(Map<String, Object> out, Optional<PathMatch> path) {
    path.ifPresent(
        p ->
            out.put(
                switch (p.type()) {
                  case EXACT -> "PathExact";
                  case PREFIX -> "PathPrefix";
                  default -> "PathRegex";
                },
                p.value()));
  }

  static List<Map<String, Object>> encodeHeaders(List<HeaderMatch> headers) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (HeaderMatch h : headers) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("Name", h.name());
      putCriterion(m, h.type(), h.value());
      if (h.invert()) {
        m.put("Invert", true);
      }
      out.add(m);
    }
    return out;
  }

  static List<Map<String, Object>> encodeQueryParams(List<QueryParamMatch> params) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (QueryParamMatch q : params) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("Name", q.name());
      putCriterion(m, q.type(), q.value());
      out.add(m);
    }
    return out;
  }

  private static void putCriterion(Map<String, Object> m, MatchType type, String value) {
    switch (type) {
      case PRESENT -> m.put("Present", true);
      case EXACT -> m.put("Exact", value);
      case PREFIX -> m.put("Prefix", value);
      case SUFFIX -> m.put("Suffix", value);
      case REGEX -> m.put("Regex", value);
    }
  }
}
