package io.cairn.registry.validation;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the problems of one value while it is being checked, then throws them together.
 *
 * <p>Not thread-safe; one instance lives for one validation.
 */
public final class Problems {
  private final List<Problem> problems = new ArrayList<>();

  public Problems add(String field, String message) {
    problems.add(new Problem(field, message));
    return this;
  }

  /** Records {@code message} against {@code field} unless {@code ok}. */
  public Problems check(boolean ok, String field, String message) {
    if (!ok) {
      add(field, message);
    }
    return this;
  }

  /** How many problems were found so far. */
  public int size() {
    return problems.size();
  }

  public boolean isEmpty() {
    return problems.isEmpty();
  }

  /** Throws every collected problem as one {@link ValidationException}; does nothing if none. */
  public void throwIfAny() {
    if (!problems.isEmpty()) {
      throw new ValidationException(problems);
    }
  }
}
