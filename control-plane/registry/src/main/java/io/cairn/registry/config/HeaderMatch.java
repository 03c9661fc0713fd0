package io.cairn.registry.config;

import io.cairn.registry.validation.Names;
import io.cairn.registry.validation.Problems;

/** Matches one request header; {@code invert} turns the match around. */
public record HeaderMatch(String name, MatchType type, String value, boolean invert) {
  public HeaderMatch {
    Problems p = new Problems();
    if (!Names.isHeaderName(name)) {
      p.add("name", "'" + name + "' is not a valid header name");
    }
    if (type == null) {
      p.add("type", "is required");
    } else {
      type.checkValue(p, "value", value);
    }
    p.throwIfAny();
  }
}
