package io.cairn.registry.validation;

import java.util.Objects;

/**
 * One thing wrong with a value.
 *
 * @param field dotted path of the offending field, relative to the value that was validated; empty
 *     when the problem concerns the value as a whole
 * @param message what is wrong, for a human
 */
public record Problem(String field, String message) {
  public Problem {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return field.isEmpty() ? message : field + ": " + message;
  }
}
