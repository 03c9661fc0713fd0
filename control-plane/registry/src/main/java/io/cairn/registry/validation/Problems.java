package io.cairn.registry.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

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

  /** Adds problems found elsewhere, seen from {@code prefix}. */
  public Problems addAll(String prefix, List<Problem> found) {
    for (Problem p : found) {
      problems.add(p.under(prefix));
    }
    return this;
  }

  /**
   * Builds a nested value, recording its problems under {@code prefix} instead of failing at once,
   * so that siblings are still checked.
   */
  public <T> Optional<T> collect(String prefix, Supplier<T> build) {
    try {
      return Optional.of(build.get());
    } catch (ValidationException e) {
      addAll(prefix, e.problems());
      return Optional.empty();
    }
  }

  public boolean isEmpty() {
    return problems.isEmpty();
  }

  public List<Problem> asList() {
    return List.copyOf(problems);
  }

  /** Throws every collected problem as one {@link ValidationException}; does nothing if none. */
  public void throwIfAny() {
    if (!problems.isEmpty()) {
      throw new ValidationException(problems);
    }
  }
}
