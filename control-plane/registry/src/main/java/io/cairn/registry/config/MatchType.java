package io.cairn.registry.config;

import io.cairn.registry.validation.Problems;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** How a path, header or query parameter value is compared. */
public enum MatchType {
  /** The header or parameter is there, whatever its value. */
  PRESENT,
  EXACT,
  PREFIX,
  SUFFIX,
  /** A regular expression; Envoy evaluates it with RE2, so keep to the common syntax. */
  REGEX;

  /**
   * The longest regular expression accepted: compiling a long literal takes the JDK quadratic time
   * (a 40,000-character one about 1.5 s), so a config write could stall the single writer.
   */
  public static final int MAX_REGEX_LENGTH = 4096;

  /** Checks that {@code value} suits this type: none for PRESENT, a valid regex for REGEX. */
  void checkValue(Problems p, String field, String value) {
    if (value == null) {
      p.add(field, "must not be null (use an empty string)");
      return;
    }
    switch (this) {
      case PRESENT -> p.check(value.isEmpty(), field, "must be empty for a presence match");
      case REGEX -> {
        if (value.length() > MAX_REGEX_LENGTH) {
          p.add(
              field,
              "is a regular expression of "
                  + value.length()
                  + " characters; at most "
                  + MAX_REGEX_LENGTH
                  + " are allowed");
          return;
        }
        try {
          Pattern.compile(value);
        } catch (PatternSyntaxException e) {
          p.add(field, "is not a valid regular expression: " + e.getDescription());
        }
      }
      case PREFIX, SUFFIX -> p.check(!value.isEmpty(), field, "must not be empty");
      case EXACT -> {}
    }
  }
}
