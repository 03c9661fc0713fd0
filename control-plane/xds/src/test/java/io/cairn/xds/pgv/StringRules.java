package io.cairn.xds.pgv;

import com.google.re2j.Pattern;
import io.envoyproxy.pgv.validate.Validate;
import java.nio.charset.StandardCharsets;

/** PGV's string rules; lengths count code points, {@code *_bytes} UTF-8 bytes. */
final class StringRules {
  // PGV's well-known regexes (validate.proto: KnownRegex), strict and not.
  private static final Pattern HEADER_NAME = Pattern.compile("^:?[0-9a-zA-Z!#$%&'*+-.^_|~`]+$");
  private static final Pattern HEADER_VALUE =
      Pattern.compile("^[^\\x{0000}-\\x{0008}\\x{000A}-\\x{001F}\\x{007F}]*$");
  private static final Pattern LOOSE_HEADER = Pattern.compile("^[^\\x{0000}\\x{000A}\\x{000D}]*$");

  private StringRules() {}

  static void check(EnvoyRules out, String path, String v, Validate.StringRules r) {
    Rules.known(
        path,
        "string",
        r,
        "const",
        "len",
        "min_len",
        "max_len",
        "len_bytes",
        "min_bytes",
        "max_bytes",
        "pattern",
        "prefix",
        "suffix",
        "contains",
        "not_contains",
        "in",
        "not_in",
        "well_known_regex",
        "strict",
        "ignore_empty");
    if (r.getIgnoreEmpty() && v.isEmpty()) {
      return;
    }
    long chars = v.codePointCount(0, v.length());
    long bytes = v.getBytes(StandardCharsets.UTF_8).length;
    if (r.hasConst() && !v.equals(r.getConst())) {
      out.add(path, "string.const", "must be '" + r.getConst() + "'");
    }
    if (r.hasLen() && chars != r.getLen()) {
      out.add(path, "string.len", "must be " + r.getLen() + " characters, is " + chars);
    }
    if (r.hasMinLen() && chars < r.getMinLen()) {
      out.add(path, "string.min_len", "must be at least " + r.getMinLen() + " characters");
    }
    if (r.hasMaxLen() && chars > r.getMaxLen()) {
      out.add(path, "string.max_len", "must be at most " + r.getMaxLen() + " characters");
    }
    if (r.hasLenBytes() && bytes != r.getLenBytes()) {
      out.add(path, "string.len_bytes", "must be " + r.getLenBytes() + " bytes");
    }
    if (r.hasMinBytes() && bytes < r.getMinBytes()) {
      out.add(path, "string.min_bytes", "must be at least " + r.getMinBytes() + " bytes");
    }
    if (r.hasMaxBytes() && bytes > r.getMaxBytes()) {
      out.add(path, "string.max_bytes", "must be at most " + r.getMaxBytes() + " bytes");
    }
    if (r.hasPattern() && !Pattern.compile(r.getPattern()).matcher(v).find()) {
      out.add(path, "string.pattern", "'" + v + "' does not match " + r.getPattern());
    }
    if (r.hasPrefix() && !v.startsWith(r.getPrefix())) {
      out.add(path, "string.prefix", "must start with '" + r.getPrefix() + "'");
    }
    if (r.hasSuffix() && !v.endsWith(r.getSuffix())) {
      out.add(path, "string.suffix", "must end with '" + r.getSuffix() + "'");
    }
    if (r.hasContains() && !v.contains(r.getContains())) {
      out.add(path, "string.contains", "must contain '" + r.getContains() + "'");
    }
    if (r.hasNotContains() && v.contains(r.getNotContains())) {
      out.add(path, "string.not_contains", "must not contain '" + r.getNotContains() + "'");
    }
    if (r.getInCount() > 0 && !r.getInList().contains(v)) {
      out.add(path, "string.in", "'" + v + "' is not one of " + r.getInList());
    }
    if (r.getNotInList().contains(v)) {
      out.add(path, "string.not_in", "'" + v + "' is one of " + r.getNotInList());
    }
    if (r.hasWellKnownRegex()) {
      boolean strict = !r.hasStrict() || r.getStrict();
      Pattern p =
          switch (r.getWellKnownRegex()) {
            case HTTP_HEADER_NAME -> strict ? HEADER_NAME : LOOSE_HEADER;
            case HTTP_HEADER_VALUE -> strict ? HEADER_VALUE : LOOSE_HEADER;
            case UNKNOWN -> null;
            default -> throw new EnvoyRules.UnsupportedRule(path, "string.well_known_regex");
          };
      if (p != null && !p.matcher(v).matches()) {
        out.add(
            path,
            "string.well_known_regex",
            "'" + v + "' is not a valid " + r.getWellKnownRegex() + (strict ? " (strict)" : ""));
      }
    }
  }
}
