package io.cairn.registry.command;

import io.cairn.registry.model.HealthCheck;
import java.util.Objects;

/** Adds or replaces one check of an existing instance. */
public record RegisterCheck(HealthCheck check) implements Command {
  public RegisterCheck {
    Objects.requireNonNull(check, "check");
  }
}
