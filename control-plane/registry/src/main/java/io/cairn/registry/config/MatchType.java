package io.cairn.registry.config;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.cairn.registry.validation.Problems;

/** How a path, header or query parameter value is compared. */
public enum MatchType {
  /** The header or parameter is there, whatever its value. */
  PRESENT,
  EXACT,
  PREFIX,
  SUFFIX,
  /**
   * A regular expression in RE2 syntax, which Envoy and gRPC run: no lookarounds, backreferences or
   * possessive quantifiers.
   */
  REGEX;

  /**
   * The largest RE2 program accepted: Envoy's default limit ({@code
   * re2.max_program_size.error_level}, 100), above which it rejects the whole resource. Measured
   * with RE2/J's program size, which counts instructions as RE2 does (RE2 compiles non-ASCII
   * classes to UTF-8 byte ranges, so it may count more for those).
   */
  public static final int MAX_REGEX_PROGRAM_SIZE = 100;

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
          int size = Pattern.compile(value).programSize();
          p.check(
              size <= MAX_REGEX_PROGRAM_SIZE,
              field,
              "compiles to an RE2 program of size "
                  + size
                  + "; Envoy refuses more than "
                  + MAX_REGEX_PROGRAM_SIZE);
        } catch (PatternSyntaxException e) {
          p.add(field, "is not a valid RE2 regular expression: " + e.getDescription());
        }
      }
      case PREFIX, SUFFIX -> p.check(!value.isEmpty(), field, "must not be empty");
      case EXACT -> {}
    }
  }
}
