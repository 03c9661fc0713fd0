package io.cairn.registry;

import java.util.List;
import java.util.Objects;

/** A transaction whose checks did not all hold; nothing of it was applied. */
public final class TxnFailedException extends RegistryException {
  /** Why operation {@code opIndex} (0-based) failed. */
  public record TxnError(int opIndex, String what) {
    public TxnError {
      Objects.requireNonNull(what, "what");
    }
  }

  private final List<TxnError> errors;

  public TxnFailedException(List<TxnError> errors) {
    super("transaction failed: " + errors);
    this.errors = List.copyOf(errors);
  }

  public List<TxnError> errors() {
    return errors;
  }
}
