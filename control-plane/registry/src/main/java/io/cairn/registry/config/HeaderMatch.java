package io.cairn.registry.config;

import io.cairn.registry.validation.Problems;
import java.util.regex.Pattern;

/** Matches one request header; {@code invert} turns the match around. */
public record HeaderMatch(String name, MatchType type, String value, boolean invert) {
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z:-]+");

  public HeaderMatch {
    Problems p = new Problems();
    if (name == null || !HEADER_NAME.matcher(name).matches()) {
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
