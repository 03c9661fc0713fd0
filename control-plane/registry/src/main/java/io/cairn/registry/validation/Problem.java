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

  /** The same problem seen from a containing value, e.g. {@code checks[1]} + {@code interval}. */
  public Problem under(String prefix) {
    if (prefix.isEmpty()) {
      return this;
    }
    return new Problem(field.isEmpty() ? prefix : prefix + "." + field, message);
  }

  @Override
  public String toString() {
    return field.isEmpty() ? message : field + ": " + message;
  }
}
