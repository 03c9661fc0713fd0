package io.cairn.registry.config;

import io.cairn.registry.validation.Problems;

/** Matches one query parameter: present, exact value or regex. */
public record QueryParamMatch(String name, MatchType type, String value) {
  public QueryParamMatch {
    Problems p = new Problems();
    if (name == null || name.isEmpty()) {
      p.add("name", "is required");
    }
    if (type == null) {
      p.add("type", "is required");
    } else if (type == MatchType.PREFIX || type == MatchType.SUFFIX) {
      p.add("type", "a query parameter is matched by presence, exactly or by regex");
    } else {
      type.checkValue(p, "value", value);
    }
    p.throwIfAny();
  }
}
