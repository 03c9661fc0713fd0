package io.cairn.registry.config;

import io.cairn.registry.validation.Problems;

/** Matches the request path: exactly, by prefix or by regular expression. */
public record PathMatch(MatchType type, String value) {
  public PathMatch {
    Problems p = new Problems();
    if (type == null) {
      p.add("type", "is required");
    } else if (type == MatchType.PRESENT || type == MatchType.SUFFIX) {
      p.add("type", "a path is matched exactly, by prefix or by regex");
    } else {
      type.checkValue(p, "value", value);
      if (type != MatchType.REGEX && value != null && !value.startsWith("/")) {
        p.add("value", "must start with '/', was '" + value + "'");
      }
    }
    p.throwIfAny();
  }
}
