package io.cairn.registry.validation;

import io.cairn.registry.RegistryException;
import java.util.List;
import java.util.stream.Collectors;

/** A value or command was rejected; {@link #problems()} lists every reason, not just the first. */
public final class ValidationException extends RegistryException {
  private final List<Problem> problems;

  public ValidationException(List<Problem> problems) {
    super(problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a validation failure needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  public static ValidationException of(String field, String message) {
    return new ValidationException(List.of(new Problem(field, message)));
  }

  public List<Problem> problems() {
    return problems;
  }
}
